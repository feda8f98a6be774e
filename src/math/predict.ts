// Predictions from trained factors: one function, used on the factors while training (to score a
// validation set) and by the model users keep.
import type { Observations, Parameters } from '../types.js';

export type { Parameters } from '../types.js';

/** Entry (i, j) of H, whichever way it is stored. */
export function hEntry(p: Parameters, k: number, j: number): number {
  return p.hTransposed ? p.H[j * p.width + k] : p.H[k * p.cols + j];
}

/**
 * μ + w_i·h_j (summed over k ascending, as the dense kernel forms W·H). A row or column with no
 * training observations has no meaningful factors: it gets the training mean plus whatever bias is
 * known, never NaN.
 */
export function predictEntry(p: Parameters, i: number, j: number): number {
  let value: number;
  // An index of −1 is a row or column the model does not know (coldStart 'mean'): never seen.
  const rowSeen = i >= 0 && p.rowCounts[i] > 0;
  const colSeen = j >= 0 && p.colCounts[j] > 0;
  if (rowSeen && colSeen) {
    // H's entry k of column j is at hAt + k·hStep in either layout (the same sum, k ascending).
    const { W, H, width } = p;
    const hAt = p.hTransposed ? j * width : j;
    const hStep = p.hTransposed ? 1 : p.cols;
    const wAt = i * width;
    let sum = 0;
    for (let k = 0; k < width; k++) sum += W[wAt + k] * H[hAt + k * hStep];
    value = p.offset + sum;
  } else {
    value = p.mean;
    if (p.biases && rowSeen) value += p.W[i * p.width + p.rank];
    if (p.biases && colSeen) value += hEntry(p, p.rank + 1, j);
  }
  if (p.clip) value = value < p.clip[0] ? p.clip[0] : value > p.clip[1] ? p.clip[1] : value;
  return value;
}

/**
 * Pairs to predict again and again (a validation set, every epoch), laid out by row — each row's factors then
 * read once, where a file's order reads them at random, missing the cache once the factors outgrow it — with
 * `at[t]`, where the given order's pair t went, so that sums keep the given order.
 */
export interface ByRow {
  rowIndex: Int32Array;
  colIndex: Int32Array;
  at: Int32Array;
}

/** The pairs by row (a counting sort; −1, a row the model does not know, first), each row's in their order. */
export function byRow(rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, rows: number): ByRow {
  const count = rowIndex.length;
  const start = new Int32Array(rows + 2);
  for (let t = 0; t < count; t++) start[rowIndex[t] + 2]++;
  for (let i = 0; i <= rows; i++) start[i + 1] += start[i];
  const sorted: ByRow = { rowIndex: new Int32Array(count), colIndex: new Int32Array(count), at: new Int32Array(count) };
  for (let t = 0; t < count; t++) {
    const u = start[rowIndex[t] + 1]++;
    sorted.rowIndex[u] = rowIndex[t];
    sorted.colIndex[u] = colIndex[t];
    sorted.at[t] = u;
  }
  return sorted;
}

/** predictions[u] = the prediction of the pair at u of `pairs`, in their order. */
export function predictInto(p: Parameters, pairs: ByRow, predictions: Float64Array): Float64Array {
  const { rowIndex, colIndex } = pairs;
  for (let u = 0; u < rowIndex.length; u++) predictions[u] = predictEntry(p, rowIndex[u], colIndex[u]);
  return predictions;
}

/**
 * Σ (prediction − value)² over the given observations, summed in their order. `pairs` and `predictions`
 * (byRow's layout of them and scratch of one per observation) may be kept from call to call.
 */
export function squaredErrors(
  p: Parameters, observations: Observations,
  pairs: ByRow = byRow(observations.rowIndex, observations.colIndex, p.rows), predictions: Float64Array = new Float64Array(observations.values.length),
): number {
  const { values } = observations;
  predictInto(p, pairs, predictions);
  const { at } = pairs;
  let sum = 0;
  for (let t = 0; t < values.length; t++) {
    const error = predictions[at[t]] - values[t];
    sum += error * error;
  }
  return sum;
}
