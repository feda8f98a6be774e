// Pure-TypeScript twin of assembly/sparse.ts: same loops, same summation order.
import { axpy, dot } from './vector.js';

export function sparseEpoch(
  rowStart: Int32Array, colIndex: Int32Array, values: Float64Array, w: Float64Array, ht: Float64Array,
  rowGradient: Float64Array, gradient: Float64Array,
  rows: number, cols: number, rank: number, learningRate: number,
): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const start = rowStart[i];
    const end = rowStart[i + 1];
    if (start === end) continue;
    const wAt = i * rank;
    rowGradient.fill(0);
    for (let p = start; p < end; p++) {
      const hAt = colIndex[p] * rank;
      const r = values[p] - dot(w, wAt, ht, hAt, rank);
      loss += r * r;
      axpy(rowGradient, 0, r, ht, hAt, rank);
    }
    axpy(w, wAt, learningRate, rowGradient, 0, rank);
  }
  gradient.fill(0, 0, cols * rank);
  for (let i = 0; i < rows; i++) {
    const wAt = i * rank;
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const hAt = colIndex[p] * rank;
      const r = values[p] - dot(w, wAt, ht, hAt, rank);
      axpy(gradient, hAt, r, w, wAt, rank);
    }
  }
  axpy(ht, 0, learningRate, gradient, 0, cols * rank);
  return 0.5 * loss;
}

export function sparseLoss(
  rowStart: Int32Array, colIndex: Int32Array, values: Float64Array, w: Float64Array, ht: Float64Array,
  rows: number, rank: number,
): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const wAt = i * rank;
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const r = values[p] - dot(w, wAt, ht, colIndex[p] * rank, rank);
      loss += r * r;
    }
  }
  return 0.5 * loss;
}
