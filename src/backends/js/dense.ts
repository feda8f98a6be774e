// Pure-TypeScript twin of assembly/dense.ts: same loops, same summation order.
import { stepColumns, stepRows } from './update.js';
import { axpy, dot } from './vector.js';

/** Fills `residual` with row i of M⊙(X−WH) and returns its Σr² (lane order of vector.ts). */
function residualRow(
  x: Float64Array, xAt: number, w: Float64Array, wAt: number, h: Float64Array,
  residual: Float64Array, cols: number, stride: number, rank: number,
): number {
  let even = 0;
  let odd = 0;
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const r0 = residualEntry(x[xAt + j], w, wAt, h, j, stride, rank);
    const r1 = residualEntry(x[xAt + j + 1], w, wAt, h, j + 1, stride, rank);
    residual[j] = r0;
    residual[j + 1] = r1;
    even += r0 * r0;
    odd += r1 * r1;
  }
  let sum = even + odd;
  if (j < cols) {
    const r = residualEntry(x[xAt + j], w, wAt, h, j, stride, rank);
    residual[j] = r;
    sum += r * r;
  }
  return sum;
}

/** x − Σ_k w[k]·h[k][j] (k ascending), or 0 when x is NaN (not observed). */
function residualEntry(observed: number, w: Float64Array, wAt: number, h: Float64Array, j: number, stride: number, rank: number): number {
  if (observed !== observed) return 0;
  let product = 0;
  for (let k = 0; k < rank; k++) product += w[wAt + k] * h[k * stride + j];
  return observed - product;
}

export function denseGradientW(
  x: Float64Array, w: Float64Array, h: Float64Array, residual: Float64Array, gradientW: Float64Array,
  rows: number, cols: number, rank: number,
): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    loss += residualRow(x, i * cols, w, i * rank, h, residual, cols, cols, rank);
    for (let k = 0; k < rank; k++) gradientW[i * rank + k] = dot(residual, 0, h, k * cols, cols);
  }
  return 0.5 * loss;
}

export function denseStepH(
  x: Float64Array, w: Float64Array, h: Float64Array, residual: Float64Array, gradientH: Float64Array,
  colCounts: Float64Array, hParams: Float64Array, rows: number, cols: number, stride: number, rank: number, learningRate: number,
  plain: number,
): void {
  for (let k = 0; k < rank; k++) gradientH.fill(0, k * stride, k * stride + cols);
  for (let i = 0; i < rows; i++) {
    residualRow(x, i * stride, w, i * rank, h, residual, cols, stride, rank);
    for (let k = 0; k < rank; k++) axpy(gradientH, k * stride, w[i * rank + k], residual, 0, cols);
  }
  stepColumns(h, gradientH, colCounts, hParams, cols, stride, rank, learningRate, plain);
}

/** Whole epochs in one call (assembly/dense.ts denseEpochs): the phases' calls of each epoch, in order. */
export function denseEpochs(
  x: Float64Array, w: Float64Array, h: Float64Array, residual: Float64Array, gradientW: Float64Array, gradientH: Float64Array,
  rowCounts: Float64Array, colCounts: Float64Array, wParams: Float64Array, hParams: Float64Array, rows: number, cols: number, rank: number,
  learningRate: number, plain: number, epochs: number, losses: Float64Array, previous: number, limit: number, tolerance: number,
): number {
  for (let e = 0; e < epochs; e++) {
    stepRows(w, gradientW, rowCounts, wParams, rows, rank, learningRate, plain);
    denseStepH(x, w, h, residual, gradientH, colCounts, hParams, rows, cols, cols, rank, learningRate, plain);
    const loss = denseGradientW(x, w, h, residual, gradientW, rows, cols, rank);
    losses[e] = loss;
    if (!(loss <= limit) || loss - loss !== 0) return e + 1;
    if (tolerance > 0 && Math.abs(previous - loss) <= tolerance * Math.abs(previous)) return e + 1;
    previous = loss;
  }
  return epochs;
}
