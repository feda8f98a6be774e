// Pure-TypeScript twin of assembly/scan.ts: same pass, same summation order.
import type { DenseSummary, Wanted } from '../backend.js';

export function summarize(x: Float64Array, rows: number, cols: number, wanted: Wanted = {}): DenseSummary {
  const words = (cols + 31) >>> 5;
  const rowCounts = new Float64Array(rows);
  const colCounts = new Float64Array(cols);
  const bits = new Uint32Array(rows * words);
  // Lane 0 takes even columns and the trailing odd one, lane 1 odd columns, as in the f64x2 kernel;
  // a missing entry adds +0 there, so it does here.
  const min = [Infinity, Infinity];
  const max = [-Infinity, -Infinity];
  let count = 0;
  let sum = 0;
  let squares = 0;
  let inexact = false;
  for (let i = 0; i < rows; i++) {
    const at = i * cols;
    const sums = [0, 0];
    const squareSums = [0, 0];
    let seen = 0;
    let rowSum = 0;
    let rowSquares = 0;
    for (let j = 0; j < cols; j++) {
      const v = x[at + j];
      const observed = v === v;
      const lane = j & 1;
      const tail = j + 1 === cols && lane === 0;
      if (observed) {
        if (v === Infinity || v === -Infinity) return { firstInfinite: at + j } as DenseSummary;
        seen++;
        colCounts[j]++;
        bits[i * words + (j >>> 5)] |= 1 << (j & 31);
        if (v < min[lane]) min[lane] = v;
        if (v > max[lane]) max[lane] = v;
        if (Math.fround(v) !== v) inexact = true;
      }
      if (tail) {
        rowSum = sums[0] + sums[1];
        rowSquares = squareSums[0] + squareSums[1];
        if (observed) {
          rowSum += v;
          rowSquares += v * v;
        }
        break;
      }
      const value = observed ? v : 0;
      sums[lane] += value;
      squareSums[lane] += value * value;
      if (j + 1 === cols) {
        rowSum = sums[0] + sums[1];
        rowSquares = squareSums[0] + squareSums[1];
      }
    }
    rowCounts[i] = seen;
    count += seen;
    sum += rowSum;
    squares += rowSquares;
  }
  return {
    firstInfinite: -1, observedCount: count, sum, squares, min: Math.min(min[0], min[1]), max: Math.max(max[0], max[1]),
    rowCounts, colCounts, bits, deviation: wanted.deviation === false ? NaN : squaredDeviation(x, rows, cols, sum / count),
    values: wanted.values?.(count, rows, cols) === false ? new Float64Array(0)
      : count === rows * cols ? wholeValues(x, inexact, wanted.owned)
      : compactObserved(x, inexact ? new Float64Array(count) : new Float32Array(count)),
  };
}

/**
 * A fully observed X's values: X copied whole, in a Float32Array when every value is a float32 value (half the
 * memory); X itself where it is the caller's own copy (Wanted.owned) and not exact in float32.
 */
export function wholeValues(x: Float64Array, inexact: boolean, owned = false): Float64Array | Float32Array {
  if (!inexact) return new Float32Array(x);
  return owned ? x : new Float64Array(x);
}

function squaredDeviation(x: Float64Array, rows: number, cols: number, center: number): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const at = i * cols;
    let even = 0;
    let odd = 0;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const a = x[at + j];
      const b = x[at + j + 1];
      even += a === a ? (a - center) * (a - center) : 0;
      odd += b === b ? (b - center) * (b - center) : 0;
    }
    let rowSum = even + odd;
    if (j < cols && x[at + j] === x[at + j]) rowSum += (x[at + j] - center) * (x[at + j] - center);
    total += rowSum;
  }
  return total;
}

/** The observed (non-NaN) entries in order, into `values`: assembly/scan.ts's compactObserved. */
function compactObserved<T extends Float64Array | Float32Array>(x: Float64Array, values: T): T {
  let t = 0;
  for (let p = 0; p < x.length; p++) {
    const v = x[p];
    if (v === v) values[t++] = v;
  }
  return values;
}
