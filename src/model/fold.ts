// Fold-in: factors for a row or column that was not in the training data, from its observations, without
// retraining — the trained solver's own solve against the other side's factors (src/solvers/).
import { describe } from '../check/describe.js';
import { parameterBlocks } from '../fit/spec.js';
import { foldInOf, type OwnSettings } from '../solvers/index.js';
import type { FactorizationInfo, Folded, Key, Parameters } from '../types.js';
import type { Keys } from './keys.js';

/** A folded row as a full-width factor row: [factors, bias, 1]. */
export function foldedRow(p: Parameters, folded: Folded, where: string): Float64Array {
  const { rank, width, biases } = p;
  if (!(folded.factors instanceof Float64Array) || folded.factors.length !== rank) {
    throw new TypeError(`${where}: expected folded factors of length ${rank} (from foldIn), got ${describe(folded.factors)}`);
  }
  const w = new Float64Array(width);
  w.set(folded.factors);
  if (biases) [w[rank], w[rank + 1]] = [folded.bias, 1];
  return w;
}

/**
 * Factors (and bias) for a new row (or column) from its observations, against the trained other side: the
 * trained solver's own fold-in, with the model's penalties (or `regularization` when given).
 */
export function fold(
  info: FactorizationInfo, keys: Keys, where: string, given: ArrayLike<Key>, values: ArrayLike<number>, regularization: number | undefined, side: 'row' | 'col',
): Folded {
  const p = info.parameters;
  const { rank, width, biases } = p;
  if (!given || !values || given.length !== values.length) {
    throw new RangeError(`${where}: expected as many values as indices, got ${given?.length} indices and ${values?.length} values`);
  }
  if (given.length === 0) throw new RangeError(`${where}: expected at least one observation, got none`);
  const penalties = { ...info.penalties };
  if (regularization !== undefined) {
    if (typeof regularization !== 'number' || !(regularization > 0) || !Number.isFinite(regularization)) {
      throw new RangeError(`${where}: options.regularization: expected a finite number > 0, got ${describe(regularization)}`);
    }
    penalties.regularization = { W: regularization, H: regularization, bias: regularization };
  }
  const lambda = side === 'row' ? penalties.regularization.W : penalties.regularization.H;
  if (!(lambda > 0)) {
    throw new RangeError(`${where}: the model was trained without regularization, so the solve may be singular; pass { regularization } (e.g. 0.1)`);
  }
  // The solve is width×width: a model of huge rank cannot be folded into (its factors can still be used).
  if (width * width > 1 << 27) {
    throw new RangeError(`${where}: a rank-${rank} model needs a ${width}×${width} solve (${((width * width * 8) / 2 ** 30).toFixed(1)} GiB); fold-in supports ranks up to 11584`);
  }
  const { wParams, hParams } = parameterBlocks(penalties);
  const other = side === 'row' ? p.H : p.W;
  const index = new Int32Array(given.length);
  const shifted = new Float64Array(given.length);
  for (let t = 0; t < given.length; t++) {
    index[t] = side === 'row' ? keys.indexOf(given[t], 'col', `${where}: colIndices[${t}]`) : keys.indexOf(given[t], 'row', `${where}: rowIndices[${t}]`);
    const x = values[t];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: values[${t}]: expected a finite number, got ${describe(x)}`);
    shifted[t] = x - p.offset;
  }
  // The trained solver's own row solve (the least-squares one of ratings for models from elsewhere).
  const solved = foldInOf(info.training.solver)({
    where, index, values: shifted, fixed: other, fixedCount: side === 'row' ? p.cols : p.rows, width, rank, biases, side,
    params: side === 'row' ? wParams : hParams, lambda, own: penalties as unknown as OwnSettings,
    coordinateDescent: penalties.nonnegative || penalties.l1.W > 0 || penalties.l1.H > 0,
  });
  const folded: Folded = { factors: solved.slice(0, rank), bias: biases ? solved[side === 'row' ? rank : rank + 1] : 0 };
  if (side === 'row') folded.observed = index;
  return folded;
}
