// Pure-TypeScript twin of assembly/update.ts: same formulas, same order of operations.
// A parameter block is step[rank], l2[rank], l1[rank], low[rank].
import { axpy } from './vector.js';
import type { RealArray } from '../../runtime/kernels.js';

export function updated(
  value: number, gradient: number, count: number, eta: number, params: RealArray, k: number, rank: number,
): number {
  const rate = eta * params[k];
  let next = value + rate * (gradient - params[rank + k] * count * value);
  const l1 = params[2 * rank + k];
  if (l1 > 0) {
    const threshold = rate * l1 * count;
    next = next > threshold ? next - threshold : next < -threshold ? next + threshold : 0;
  }
  const low = params[3 * rank + k];
  return next < low ? low : next;
}

export function stepRows(
  factor: Float64Array, gradient: Float64Array, counts: Float64Array, params: Float64Array, n: number, rank: number, eta: number,
  plain: number,
): void {
  if (plain) return axpy(factor, 0, eta, gradient, 0, n * rank);
  for (let i = 0; i < n; i++) {
    const count = counts[i];
    for (let k = 0, at = i * rank; k < rank; k++, at++) {
      factor[at] = updated(factor[at], gradient[at], count, eta, params, k, rank);
    }
  }
}

/** n columns of a factor stored rank×stride. */
export function stepColumns(
  factor: Float64Array, gradient: Float64Array, counts: Float64Array, params: Float64Array, n: number, stride: number, rank: number,
  eta: number, plain: number,
): void {
  if (plain) {
    for (let k = 0; k < rank; k++) axpy(factor, k * stride, eta, gradient, k * stride, n);
    return;
  }
  for (let k = 0; k < rank; k++) {
    for (let j = 0, at = k * stride; j < n; j++, at++) {
      factor[at] = updated(factor[at], gradient[at], counts[j], eta, params, k, rank);
    }
  }
}

export function penalty(
  factor: Float64Array, counts: Float64Array, params: Float64Array, n: number, rank: number, transposed: number,
): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let k = 0; k < rank; k++) {
      const v = factor[transposed ? k * n + i : i * rank + k];
      row += 0.5 * params[rank + k] * v * v + params[2 * rank + k] * Math.abs(v);
    }
    sum += counts[i] * row;
  }
  return sum;
}
