// Pure-TypeScript twin of assembly/sparse.ts: same loops, same summation order.
import { stepRows } from './update.js';
import { axpy, dot } from './vector.js';

export function sparseGradientW(
  rowStart: Int32Array, colIndex: Int32Array, values: Float64Array, w: Float64Array, ht: Float64Array,
  gradientW: Float64Array, rows: number, rank: number,
): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const wAt = i * rank;
    gradientW.fill(0, wAt, wAt + rank);
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const hAt = colIndex[p] * rank;
      const r = values[p] - dot(w, wAt, ht, hAt, rank);
      loss += r * r;
      axpy(gradientW, wAt, r, ht, hAt, rank);
    }
  }
  return 0.5 * loss;
}

export function sparseStepH(
  rowStart: Int32Array, colIndex: Int32Array, values: Float64Array, w: Float64Array, ht: Float64Array,
  gradientH: Float64Array, colCounts: Float64Array, hParams: Float64Array,
  rows: number, colFrom: number, colTo: number, _cols: number, rank: number, learningRate: number, plain: number,
): void {
  gradientH.fill(0, colFrom * rank, colTo * rank);
  for (let i = 0; i < rows; i++) {
    const wAt = i * rank;
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const j = colIndex[p];
      if (j < colFrom || j >= colTo) continue;
      const hAt = j * rank;
      const r = values[p] - dot(w, wAt, ht, hAt, rank);
      axpy(gradientH, hAt, r, w, wAt, rank);
    }
  }
  const first = colFrom * rank;
  stepRows(ht.subarray(first), gradientH.subarray(first), colCounts.subarray(colFrom), hParams, colTo - colFrom, rank, learningRate, plain);
}
