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
import { axpy, dot, zero } from "./vector";

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
    for (let p = load<i32>(rowStart + (<usize>i << 2)); p < end; p++) {
      const hj = ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes;
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank);
      loss += r * r;
      axpy(gi, r, hj, rank);
    }
  }
  return 0.5 * loss;
}

/** H's half-epoch against the current (new) W. */
export function sparseStepH(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize, gradientH: usize,
  colCounts: usize, hParams: usize, rows: i32, cols: i32, rank: i32, learningRate: f64, plain: bool,
): void {
  const rankBytes = <usize>rank << 3;
  zero(gradientH, cols * rank);
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let p = load<i32>(rowStart + (<usize>i << 2)); p < end; p++) {
      const j = <usize>load<i32>(colIndex + (<usize>p << 2));
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, ht + j * rankBytes, rank);
      axpy(gradientH + j * rankBytes, r, wi, rank);
    }
  }
  stepRows(ht, gradientH, colCounts, hParams, cols, rank, learningRate, plain);
}
