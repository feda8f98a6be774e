import type { RealArray } from '../types.js';

export type { Matrix } from '../types.js';

/**
 * Writes the transpose of a row-major `rows`×`cols` matrix into `target` (`cols`×`rows`).
 * The sparse kernels keep H as N×rank so that a column's factor is contiguous.
 */
export function transposeInto<Target extends RealArray>(source: ArrayLike<number>, rows: number, cols: number, target: Target): Target {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) target[j * rows + i] = source[i * cols + j];
  }
  return target;
}
