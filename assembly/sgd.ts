// Stochastic gradient descent: one update of a row's and a column's factors per observation, in
// the order given (the TypeScript side draws a seeded permutation each epoch).
//
// With `adaptive`, each row and column has its own step η/√G, where G starts at 1 and grows by the
// mean squared gradient of each of its updates (AdaGrad per row and column, as LIBMF does), so one
// learningRate suits rows with 5 and with 5,000 observations.
//
// Layout: order i32[nnz], rowOf i32[nnz], colOf i32[nnz], values f64[nnz], w M×rank, ht N×rank,
// rowScale f64[M], colScale f64[N] (the G's), parameter blocks as in update.ts.

import { updated } from "./update";
import { dot } from "./vector";

export function sgdEpoch(
  order: usize, rowOf: usize, colOf: usize, values: usize, count: i32,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  const rankBytes = <usize>rank << 3;
  const block = <usize>rank << 3;
  for (let t = 0; t < count; t++) {
    const p = <usize>load<i32>(order + (<usize>t << 2));
    const i = <usize>load<i32>(rowOf + (p << 2));
    const j = <usize>load<i32>(colOf + (p << 2));
    const wi = w + i * rankBytes;
    const hj = ht + j * rankBytes;
    const error = load<f64>(values + (p << 3)) - dot(wi, hj, rank);
    const rowAt = rowScale + (i << 3);
    const colAt = colScale + (j << 3);
    const etaW = adaptive ? learningRate / Math.sqrt(load<f64>(rowAt)) : learningRate;
    const etaH = adaptive ? learningRate / Math.sqrt(load<f64>(colAt)) : learningRate;
    let squaresW = 0.0;
    let squaresH = 0.0;
    for (let k = 0; k < rank; k++) {
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

/** ½ Σ (x − w·h)² over the observations, in the given order of positions 0..count−1. */
export function observedLoss(rowOf: usize, colOf: usize, values: usize, count: i32, w: usize, ht: usize, rank: i32): f64 {
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  for (let p = 0; p < count; p++) {
    const at = <usize>p << 2;
    const wi = w + <usize>load<i32>(rowOf + at) * rankBytes;
    const hj = ht + <usize>load<i32>(colOf + at) * rankBytes;
    const r = load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank);
    loss += r * r;
  }
  return 0.5 * loss;
}
