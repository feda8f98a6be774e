// Full-batch masked gradient descent on a dense M×N matrix, fused row by row.
//
// numpy's seed code materialises M⊙(X−WH) as an M×N temporary several times per epoch;
// here one residual row (N values) is formed, used and overwritten, so each half-epoch
// reads X once and keeps H hot in cache. Missing entries are NaN in X: the residual is
// masked with (x == x), which needs no separate mask array.
//
// One epoch is split in two calls so that the loss after epoch e costs no extra pass: denseGradientW
// computes the residual of the current factors (hence their loss) and W's gradient; the next epoch
// applies that gradient (update.ts stepRows) and then denseStepH.
//
// Layout (row-major f64): x M×N, w M×rank, h rank×N, residual 4×N, gradientW M×rank, gradientH rank×N.

import { stepColumns } from "./update";
import { axpy, dot, dot2, zero } from "./vector";

/** Masks a residual pair: x − product where x is observed, 0 where x is NaN. */
// @ts-ignore: decorator
@inline
function maskedResidual(observed: v128, product: v128): v128 {
  return v128.and(f64x2.sub(observed, product), f64x2.eq(observed, observed));
}

/**
 * residual[j] = x[j] − Σ_k w[k]·h[k][j] where x[j] is observed, 0 where it is NaN.
 * Returns Σ residual[j]², summed in the two-lane order of vector.ts.
 * Each column's product is summed over k in ascending order; eight columns are formed at once
 * (four independent f64x2 chains) so the adds do not wait on each other.
 */
function residualRow(x: usize, w: usize, h: usize, residual: usize, cols: i32, rank: i32): f64 {
  const rowBytes = <usize>cols << 3;
  let squares = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const offset = <usize>j << 3;
    let p0 = f64x2.splat(0);
    let p1 = f64x2.splat(0);
    let p2 = f64x2.splat(0);
    let p3 = f64x2.splat(0);
    let hk = h + offset;
    for (let k = 0; k < rank; k++) {
      const wk = f64x2.splat(load<f64>(w + (<usize>k << 3)));
      p0 = f64x2.add(p0, f64x2.mul(wk, v128.load(hk)));
      p1 = f64x2.add(p1, f64x2.mul(wk, v128.load(hk, 16)));
      p2 = f64x2.add(p2, f64x2.mul(wk, v128.load(hk, 32)));
      p3 = f64x2.add(p3, f64x2.mul(wk, v128.load(hk, 48)));
      hk += rowBytes;
    }
    const xj = x + offset;
    const rj = residual + offset;
    const r0 = maskedResidual(v128.load(xj), p0);
    const r1 = maskedResidual(v128.load(xj, 16), p1);
    const r2 = maskedResidual(v128.load(xj, 32), p2);
    const r3 = maskedResidual(v128.load(xj, 48), p3);
    v128.store(rj, r0);
    v128.store(rj, r1, 16);
    v128.store(rj, r2, 32);
    v128.store(rj, r3, 48);
    squares = f64x2.add(squares, f64x2.mul(r0, r0));
    squares = f64x2.add(squares, f64x2.mul(r1, r1));
    squares = f64x2.add(squares, f64x2.mul(r2, r2));
    squares = f64x2.add(squares, f64x2.mul(r3, r3));
  }
  for (; j + 2 <= cols; j += 2) {
    const offset = <usize>j << 3;
    let product = f64x2.splat(0);
    let hk = h + offset;
    for (let k = 0; k < rank; k++) {
      product = f64x2.add(product, f64x2.mul(f64x2.splat(load<f64>(w + (<usize>k << 3))), v128.load(hk)));
      hk += rowBytes;
    }
    const r = maskedResidual(v128.load(x + offset), product);
    v128.store(residual + offset, r);
    squares = f64x2.add(squares, f64x2.mul(r, r));
  }
  let sum = f64x2.extract_lane(squares, 0) + f64x2.extract_lane(squares, 1);
  if (j < cols) {
    const offset = <usize>j << 3;
    let product = 0.0;
    for (let k = 0; k < rank; k++) {
      product += load<f64>(w + (<usize>k << 3)) * load<f64>(h + <usize>k * rowBytes + offset);
    }
    const observed = load<f64>(x + offset);
    const r = observed == observed ? observed - product : 0.0;
    store<f64>(residual + offset, r);
    sum += r * r;
  }
  return sum;
}

/** Fills gradientW with M⊙(X−WH)·Hᵀ and returns ½‖M⊙(X−WH)‖². */
export function denseGradientW(
  x: usize, w: usize, h: usize, residual: usize, gradientW: usize, rows: i32, cols: i32, rank: i32,
): f64 {
  const rowBytes = <usize>cols << 3;
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) {
    loss += residualRow(x + <usize>i * rowBytes, w + <usize>i * rankBytes, h, residual, cols, rank);
    const gi = gradientW + <usize>i * rankBytes;
    let k = 0;
    for (; k + 2 <= rank; k += 2) {
      const hk = h + <usize>k * rowBytes;
      dot2(residual, hk, hk + rowBytes, cols, gi + (<usize>k << 3));
    }
    if (k < rank) store<f64>(gi + (<usize>k << 3), dot(residual, h + <usize>k * rowBytes, cols));
  }
  return 0.5 * loss;
}

/** H's half-epoch: with the current (new) W, gradientH = Wᵀ·(M⊙(X−WH)), then H steps. */
export function denseStepH(
  x: usize, w: usize, h: usize, residual: usize, gradientH: usize, colCounts: usize, hParams: usize,
  rows: i32, cols: i32, rank: i32, learningRate: f64, plain: bool,
): void {
  const rowBytes = <usize>cols << 3;
  const rankBytes = <usize>rank << 3;
  // Every row's residual is taken against the old H: accumulate all of them, then step. Four rows at a
  // time: each gradient entry is loaded and stored once per four rows instead of once per row, and still
  // receives w_ik·r_ij in row order, as the one-row-at-a-time twin adds them.
  zero(gradientH, rank * cols);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const w0 = w + <usize>i * rankBytes;
    for (let b = 0; b < 4; b++) {
      residualRow(x + <usize>(i + b) * rowBytes, w0 + <usize>b * rankBytes, h, residual + <usize>b * rowBytes, cols, rank);
    }
    for (let k = 0; k < rank; k++) {
      const offsetK = <usize>k << 3;
      accumulate4(
        gradientH + <usize>k * rowBytes, residual, rowBytes, cols,
        load<f64>(w0 + offsetK), load<f64>(w0 + rankBytes + offsetK),
        load<f64>(w0 + 2 * rankBytes + offsetK), load<f64>(w0 + 3 * rankBytes + offsetK),
      );
    }
  }
  for (; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    residualRow(x + <usize>i * rowBytes, wi, h, residual, cols, rank);
    for (let k = 0; k < rank; k++) {
      axpy(gradientH + <usize>k * rowBytes, load<f64>(wi + (<usize>k << 3)), residual, cols);
    }
  }
  stepColumns(h, gradientH, colCounts, hParams, cols, rank, learningRate, plain);
}

/** g[j] = (((g[j] + a0·r0[j]) + a1·r1[j]) + a2·r2[j]) + a3·r3[j], for four residual rows `stride` apart. */
function accumulate4(g: usize, r: usize, stride: usize, n: i32, a0: f64, a1: f64, a2: f64, a3: f64): void {
  const v0 = f64x2.splat(a0);
  const v1 = f64x2.splat(a1);
  const v2 = f64x2.splat(a2);
  const v3 = f64x2.splat(a3);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const offset = <usize>j << 3;
    const rj = r + offset;
    let acc = v128.load(g + offset);
    acc = f64x2.add(acc, f64x2.mul(v0, v128.load(rj)));
    acc = f64x2.add(acc, f64x2.mul(v1, v128.load(rj + stride)));
    acc = f64x2.add(acc, f64x2.mul(v2, v128.load(rj + 2 * stride)));
    acc = f64x2.add(acc, f64x2.mul(v3, v128.load(rj + 3 * stride)));
    v128.store(g + offset, acc);
  }
  if (j < n) {
    const offset = <usize>j << 3;
    const rj = r + offset;
    let acc = load<f64>(g + offset);
    acc += a0 * load<f64>(rj);
    acc += a1 * load<f64>(rj + stride);
    acc += a2 * load<f64>(rj + 2 * stride);
    acc += a3 * load<f64>(rj + 3 * stride);
    store<f64>(g + offset, acc);
  }
}
