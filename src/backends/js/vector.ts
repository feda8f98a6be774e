// The pure-TypeScript twin of assembly/vector.ts. Each reduction follows the same summation
// order as the f64x2 kernel (even positions in one lane, odd in the other, lanes added, then a
// trailing odd element), so both backends give bit-identical results.
import type { RealArray } from '../../runtime/kernels.js';

/** Σ a[aAt + t]·b[bAt + t] for t < n. */
export function dot(a: RealArray, aAt: number, b: RealArray, bAt: number, n: number): number {
  let even = 0;
  let odd = 0;
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    even += a[aAt + t] * b[bAt + t];
    odd += a[aAt + t + 1] * b[bAt + t + 1];
  }
  let sum = even + odd;
  if (t < n) sum += a[aAt + t] * b[bAt + t];
  return sum;
}

/** Stored value p less `center`, rounded as a float32 run's stores round where `single` (assembly/real.ts centred). */
export function centred(values: RealArray, p: number, center: number, single: boolean): number {
  return single ? Math.fround(values[p] - center) : values[p] - center;
}

/** y[yAt + t] += alpha·x[xAt + t] for t < n. */
export function axpy(y: Float64Array, yAt: number, alpha: number, x: RealArray, xAt: number, n: number): void {
  for (let t = 0; t < n; t++) y[yAt + t] += alpha * x[xAt + t];
}
