// Gradient descent on the observed entries only, O(nnz·rank) instead of O(M·N·rank): the same
// two calls as dense.ts.
//
// Observations come in CSR order (rows ascending, columns ascending within a row). H is kept
// transposed (N×rank) so that the rank-long factor of a column is contiguous: every
// observation is then one dot product and one axpy over two contiguous rank-vectors.
//
// Layout: rowStart i32[M+1], colIndex i32[nnz], values f64[nnz], w M×rank, ht N×rank,
// gradientW M×rank, gradientH N×rank.

import { stepRows } from "./update";
import { axpy, dot, dots4, dotA, dotB, dotC, dotD, zero } from "./vector";

/** The factor row of the column of observation p. */
// @ts-ignore: decorator
@inline
function factorOf(ht: usize, colIndex: usize, p: i32, rankBytes: usize): usize {
  return ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes;
}

/** Fills gradientW with the data term's descent direction and returns ½ Σ (x − w·h)² over observations. */
export function sparseGradientW(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize, gradientW: usize,
  rows: i32, rank: i32,
): f64 {
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const gi = gradientW + <usize>i * rankBytes;
    zero(gi, rank);
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    let p = load<i32>(rowStart + (<usize>i << 2));
    for (; p + 4 <= end; p += 4) {
      const h0 = factorOf(ht, colIndex, p, rankBytes);
      const h1 = factorOf(ht, colIndex, p + 1, rankBytes);
      const h2 = factorOf(ht, colIndex, p + 2, rankBytes);
      const h3 = factorOf(ht, colIndex, p + 3, rankBytes);
      dots4(wi, h0, h1, h2, h3, rank);
      const at = values + (<usize>p << 3);
      const r0 = load<f64>(at) - dotA;
      const r1 = load<f64>(at, 8) - dotB;
      const r2 = load<f64>(at, 16) - dotC;
      const r3 = load<f64>(at, 24) - dotD;
      loss += r0 * r0;
      loss += r1 * r1;
      loss += r2 * r2;
      loss += r3 * r3;
      axpy4(gi, r0, h0, r1, h1, r2, h2, r3, h3, rank);
    }
    for (; p < end; p++) {
      const hj = factorOf(ht, colIndex, p, rankBytes);
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank);
      loss += r * r;
      axpy(gi, r, hj, rank);
    }
  }
  return 0.5 * loss;
}

/** y += a·ha, then += b·hb, += c·hc, += d·hd, element by element in that order (four axpy calls in one pass). */
function axpy4(y: usize, a: f64, ha: usize, b: f64, hb: usize, c: f64, hc: usize, d: f64, hd: usize, n: i32): void {
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  const vc = f64x2.splat(c);
  const vd = f64x2.splat(d);
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    const offset = <usize>t << 3;
    let acc = v128.load(y + offset);
    acc = f64x2.add(acc, f64x2.mul(va, v128.load(ha + offset)));
    acc = f64x2.add(acc, f64x2.mul(vb, v128.load(hb + offset)));
    acc = f64x2.add(acc, f64x2.mul(vc, v128.load(hc + offset)));
    acc = f64x2.add(acc, f64x2.mul(vd, v128.load(hd + offset)));
    v128.store(y + offset, acc);
  }
  if (t < n) {
    const offset = <usize>t << 3;
    let acc = load<f64>(y + offset);
    acc += a * load<f64>(ha + offset);
    acc += b * load<f64>(hb + offset);
    acc += c * load<f64>(hc + offset);
    acc += d * load<f64>(hd + offset);
    store<f64>(y + offset, acc);
  }
}

/** H's half-epoch against the current (new) W. */
export function sparseStepH(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize, gradientH: usize,
  colCounts: usize, hParams: usize, rows: i32, cols: i32, rank: i32, learningRate: f64, plain: bool,
): void {
  const rankBytes = <usize>rank << 3;
  zero(gradientH, cols * rank);
  const shift = gradientH - ht; // column j's gradient row sits this far from its factor row
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    let p = load<i32>(rowStart + (<usize>i << 2));
    for (; p + 4 <= end; p += 4) {
      const h0 = factorOf(ht, colIndex, p, rankBytes);
      const h1 = factorOf(ht, colIndex, p + 1, rankBytes);
      const h2 = factorOf(ht, colIndex, p + 2, rankBytes);
      const h3 = factorOf(ht, colIndex, p + 3, rankBytes);
      dots4(wi, h0, h1, h2, h3, rank);
      const at = values + (<usize>p << 3);
      axpy(h0 + shift, load<f64>(at) - dotA, wi, rank);
      axpy(h1 + shift, load<f64>(at, 8) - dotB, wi, rank);
      axpy(h2 + shift, load<f64>(at, 16) - dotC, wi, rank);
      axpy(h3 + shift, load<f64>(at, 24) - dotD, wi, rank);
    }
    for (; p < end; p++) {
      const hj = factorOf(ht, colIndex, p, rankBytes);
      axpy(hj + shift, load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank), wi, rank);
    }
  }
  stepRows(ht, gradientH, colCounts, hParams, cols, rank, learningRate, plain);
}
