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

/** Root mean squared error of the predictions on the given observations. */
export function rmse(p: Parameters, observations: Observations): number {
  const { rowIndex, colIndex, values } = observations;
  let sum = 0;
  for (let t = 0; t < values.length; t++) {
    const error = predictEntry(p, rowIndex[t], colIndex[t]) - values[t];
    sum += error * error;
  }
  return Math.sqrt(sum / values.length);
}
