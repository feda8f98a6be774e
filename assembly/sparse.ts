// The same epoch as dense.ts on the observed entries only, O(nnz·rank) instead of O(M·N·rank).
//
// Observations come in CSR order (rows ascending, columns ascending within a row). H is kept
// transposed (N×rank) so that the rank-long factor of a column is contiguous: every
// observation is then one dot product and one axpy over two contiguous rank-vectors.
//
// Layout: rowStart i32[M+1], colIndex i32[nnz], values f64[nnz], w M×rank, ht N×rank,
// rowGradient rank, gradient N×rank.

import { axpy, dot, zero } from "./vector";

export function sparseEpoch(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize,
  rowGradient: usize, gradient: usize,
  rows: i32, cols: i32, rank: i32, learningRate: f64,
): f64 {
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const start = load<i32>(rowStart + (<usize>i << 2));
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    if (start == end) continue;
    zero(rowGradient, rank);
    for (let p = start; p < end; p++) {
      const hj = ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes;
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank);
      loss += r * r;
      axpy(rowGradient, r, hj, rank);
    }
    axpy(wi, learningRate, rowGradient, rank);
  }
  zero(gradient, cols * rank);
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let p = load<i32>(rowStart + (<usize>i << 2)); p < end; p++) {
      const j = <usize>load<i32>(colIndex + (<usize>p << 2));
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, ht + j * rankBytes, rank);
      axpy(gradient + j * rankBytes, r, wi, rank);
    }
  }
  axpy(ht, learningRate, gradient, cols * rank);
  return 0.5 * loss;
}

/** ½ Σ over observations of (x − w·h)², summed as sparseEpoch sums it. */
export function sparseLoss(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize,
  rows: i32, rank: i32,
): f64 {
  const rankBytes = <usize>rank << 3;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let p = load<i32>(rowStart + (<usize>i << 2)); p < end; p++) {
      const hj = ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes;
      const r = load<f64>(values + (<usize>p << 3)) - dot(wi, hj, rank);
      loss += r * r;
    }
  }
  return 0.5 * loss;
}
