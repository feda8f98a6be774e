// Stochastic gradient descent: one update of a row's and a column's factors per observation. The
// observations are stored in visiting order, block after block (src/order.ts); an epoch takes the
// blocks in the order given (the TypeScript side draws a seeded permutation of them each epoch) and
// each block front to back.
//
// With `adaptive`, each row and column has its own step η/√G, where G starts at 1 and grows by the
// mean squared gradient of each of its updates (AdaGrad per row and column, as LIBMF does), so one
// learningRate suits rows with 5 and with 5,000 observations.
//
// Layout: blockOrder i32[blocks], blockStart i32[blocks+1], rowOf i32[nnz], colOf i32[nnz], values f64[nnz]
// (all three in stored order), w M×rank, ht N×rank, rowScale f64[M], colScale f64[N] (the G's),
// parameter blocks as in update.ts.

import { updated } from "./update";
import { dot, dotA, dotB, dotC, dotD, pairDots4 } from "./vector";

/**
 * How many leading coordinates of both factors update plainly: step 1, no L1, no lower bound and one
 * L2 weight per factor (the latent coordinates, unless non-negative or L1 is set). Those are updated
 * two at a time in f64x2, the rest (biases, the frozen 1s) one at a time through updated(), which
 * gives the same value: with step 1 and count 1 it is value + η·(gradient − l2·value).
 */
export function plainCoordinates(wParams: usize, hParams: usize, rank: i32): i32 {
  const block = <usize>rank << 3;
  const l2W = load<f64>(wParams + block);
  const l2H = load<f64>(hParams + block);
  let k = 0;
  for (; k < rank; k++) {
    const offset = <usize>k << 3;
    if (!plainAt(wParams + offset, block, l2W) || !plainAt(hParams + offset, block, l2H)) break;
  }
  return k;
}

// @ts-ignore: decorator
@inline
function plainAt(at: usize, block: usize, l2: f64): bool {
  return load<f64>(at) == 1 && load<f64>(at + block) == l2 && load<f64>(at + 2 * block) == 0 && load<f64>(at + 3 * block) == -Infinity;
}

/**
 * One epoch. The adaptive scales add each coordinate's squared step: for the plain pairs in two lanes
 * (even and odd k), lanes added, then the remaining coordinates in order (src/backends/js/sgd.ts copies this).
 */
export function sgdEpoch(
  blockOrder: usize, blocks: i32, blockStart: usize, rowOf: usize, colOf: usize, values: usize,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  for (let b = 0; b < blocks; b++) {
    const block = <usize>load<i32>(blockOrder + (<usize>b << 2));
    const start = load<i32>(blockStart + (block << 2));
    const end = load<i32>(blockStart + (block << 2), 4);
    sgdRange(start, end, rowOf, colOf, values, w, ht, wParams, hParams, rowScale, colScale, rank, learningRate, adaptive);
  }
}

/** The updates of stored observations start…end−1, in that order. */
function sgdRange(
  start: i32, end: i32, rowOf: usize, colOf: usize, values: usize,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  const rankBytes = <usize>rank << 3;
  const block = <usize>rank << 3;
  const pairs = plainCoordinates(wParams, hParams, rank) & ~1;
  const l2W = f64x2.splat(load<f64>(wParams + block));
  const l2H = f64x2.splat(load<f64>(hParams + block));
  for (let t = start; t < end; t++) {
    const p = <usize>t;
    const i = <usize>load<i32>(rowOf + (p << 2));
    const j = <usize>load<i32>(colOf + (p << 2));
    const wi = w + i * rankBytes;
    const hj = ht + j * rankBytes;
    const error = load<f64>(values + (p << 3)) - dot(wi, hj, rank);
    const rowAt = rowScale + (i << 3);
    const colAt = colScale + (j << 3);
    // Both adaptive steps in one f64x2 sqrt and divide (each lane rounds as the scalar would).
    const etas = adaptive
      ? f64x2.div(f64x2.splat(learningRate), f64x2.sqrt(f64x2.replace_lane(v128.load64_splat(rowAt), 1, load<f64>(colAt))))
      : f64x2.splat(learningRate);
    const etaW = f64x2.extract_lane(etas, 0);
    const etaH = f64x2.extract_lane(etas, 1);
    const errors = f64x2.splat(error);
    const stepW = f64x2.splat(etaW);
    const stepH = f64x2.splat(etaH);
    let lanesW = f64x2.splat(0);
    let lanesH = f64x2.splat(0);
    for (let k = 0; k < pairs; k += 2) {
      const offset = <usize>k << 3;
      const wk = v128.load(wi + offset);
      const hk = v128.load(hj + offset);
      const gw = f64x2.sub(f64x2.mul(errors, hk), f64x2.mul(l2W, wk));
      const gh = f64x2.sub(f64x2.mul(errors, wk), f64x2.mul(l2H, hk));
      v128.store(wi + offset, f64x2.add(wk, f64x2.mul(stepW, gw)));
      v128.store(hj + offset, f64x2.add(hk, f64x2.mul(stepH, gh)));
      lanesW = f64x2.add(lanesW, f64x2.mul(gw, gw));
      lanesH = f64x2.add(lanesH, f64x2.mul(gh, gh));
    }
    let squaresW = f64x2.extract_lane(lanesW, 0) + f64x2.extract_lane(lanesW, 1);
    let squaresH = f64x2.extract_lane(lanesH, 0) + f64x2.extract_lane(lanesH, 1);
    for (let k = pairs; k < rank; k++) {
      const offset = <usize>k << 3;
      const wk = load<f64>(wi + offset);
      const hk = load<f64>(hj + offset);
      store<f64>(wi + offset, updated(wk, error * hk, 1, etaW, wParams, k, rank));
      store<f64>(hj + offset, updated(hk, error * wk, 1, etaH, hParams, k, rank));
      if (adaptive) {
        // Only trainable coordinates (step ≠ 0) count towards the adaptive scale.
        const gw = (error * hk - load<f64>(wParams + block + offset) * wk) * load<f64>(wParams + offset);
        const gh = (error * wk - load<f64>(hParams + block + offset) * hk) * load<f64>(hParams + offset);
        squaresW += gw * gw;
        squaresH += gh * gh;
      }
    }
    if (adaptive) {
      store<f64>(rowAt, load<f64>(rowAt) + squaresW / rank);
      store<f64>(colAt, load<f64>(colAt) + squaresH / rank);
    }
  }
}

/**
 * ½ Σ (x − w·h)² over the stored observations, in stored order; four observations' products at a time
 * as independent chains (vector.ts pairDots4), their squares added in order.
 */
export function observedLoss(rowOf: usize, colOf: usize, values: usize, count: i32, w: usize, ht: usize, rank: i32): f64 {
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  let p = 0;
  for (; p + 4 <= count; p += 4) {
    const rows = rowOf + (<usize>p << 2);
    const cols = colOf + (<usize>p << 2);
    pairDots4(
      w + <usize>load<i32>(rows) * rankBytes, ht + <usize>load<i32>(cols) * rankBytes,
      w + <usize>load<i32>(rows, 4) * rankBytes, ht + <usize>load<i32>(cols, 4) * rankBytes,
      w + <usize>load<i32>(rows, 8) * rankBytes, ht + <usize>load<i32>(cols, 8) * rankBytes,
      w + <usize>load<i32>(rows, 12) * rankBytes, ht + <usize>load<i32>(cols, 12) * rankBytes, rank,
    );
    const at = values + (<usize>p << 3);
    const r0 = load<f64>(at) - dotA;
    const r1 = load<f64>(at, 8) - dotB;
    const r2 = load<f64>(at, 16) - dotC;
    const r3 = load<f64>(at, 24) - dotD;
    loss += r0 * r0;
    loss += r1 * r1;
    loss += r2 * r2;
    loss += r3 * r3;
  }
  for (; p < count; p++) {
    const at = <usize>p << 2;
    const r = load<f64>(values + (<usize>p << 3)) - dot(w + <usize>load<i32>(rowOf + at) * rankBytes, ht + <usize>load<i32>(colOf + at) * rankBytes, rank);
    loss += r * r;
  }
  return 0.5 * loss;
}
