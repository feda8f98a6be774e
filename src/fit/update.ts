// model.update(): absorbing new observations without training from scratch — the model's own training
// values plus the new ones, a warm start from its factors (options.init), a few epochs.
import { describe } from '../check/describe.js';
import { fit } from './fit.js';
import type { FactorizeOptions } from './options.js';
import { solverModule, takes } from '../solvers/index.js';
import type { FactorizationInfo, Key, KeyedObservations } from '../types.js';

/**
 * A model's parameters after absorbing `data` (rows and columns as the model names them, ids or indices;
 * unknown ones are added): its training observations plus these, warm-started from its factors.
 */
export async function update(info: FactorizationInfo, data: KeyedObservations, options: Partial<FactorizeOptions> = {}): Promise<FactorizationInfo> {
  const where = 'update';
  const old = info.observed;
  const solver = info.training.solver;
  // An imported model has no solver of the registry's ('imported') and no training values.
  const module = solverModule(solver);
  if (!module || !old.values) {
    throw new TypeError(
      `${where}: this model keeps no training values (trained with keepObservations: false, imported, or saved by an mfwasm before format 2); ` +
        'train it with factorize() on all the data',
    );
  }
  const n = data?.values?.length;
  if (n === undefined || data.rowIndices?.length !== n || data.colIndices?.length !== n) {
    throw new RangeError(`${where}: expected rowIndices, colIndices and values of one length, got ${data?.rowIndices?.length}, ${data?.colIndices?.length} and ${n}`);
  }
  const p = info.parameters;
  // Keys: the model's ids (or indices), then the new ones in order of appearance.
  const side = (ids: readonly Key[] | null, count: number, given: ArrayLike<Key>, givenIds: readonly Key[] | undefined, name: string) => {
    const keys: Key[] = ids ? [...ids] : Array.from({ length: count }, (_, i) => i);
    const at = new Map(keys.map((key, i) => [String(key), i]));
    const index = new Int32Array(n);
    for (let t = 0; t < n; t++) {
      const key = givenIds ? givenIds[given[t] as number] : given[t];
      if (!ids && !(typeof key === 'number' && Number.isInteger(key) && key >= 0)) {
        throw new RangeError(`${where}: ${name}[${t}]: the model has no ids, so expected a row or column index ≥ 0, got ${describe(key)}`);
      }
      let i = at.get(String(key));
      if (i === undefined) {
        if (ids) {
          i = keys.length;
          keys.push(key);
        } else {
          // Without ids, an index past the model's adds rows or columns up to it.
          for (let k = keys.length; k <= (key as number); k++) keys.push(k);
          i = key as number;
        }
        at.set(String(key), i);
      }
      index[t] = i;
    }
    return { keys, index };
  };
  const rows = side(info.rowIds, p.rows, data.rowIndices, data.rowIds, 'rowIndices');
  const cols = side(info.colIds, p.cols, data.colIndices, data.colIds, 'colIndices');
  // Old and new observations; a new value for a (row, column) already there replaces the old one. The new
  // ones are few: the old are kept unless a new one names their pair.
  const width = cols.keys.length;
  const replaced = new Set<number>();
  for (let t = 0; t < n; t++) {
    const x = data.values[t];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: values[${t}]: expected a finite number, got ${describe(x)}`);
    replaced.add(rows.index[t] * width + cols.index[t]);
  }
  const total = old.colIndex.length + n;
  const rowIndices = new Int32Array(total);
  const colIndices = new Int32Array(total);
  const values = new Float64Array(total);
  let t = 0;
  for (let i = 0; i < p.rows; i++) {
    for (let q = old.rowStart[i]; q < old.rowStart[i + 1]; q++) {
      const j = old.colIndex[q];
      if (replaced.size && replaced.has(i * width + j)) continue;
      rowIndices[t] = i;
      colIndices[t] = j;
      values[t++] = old.values[q];
    }
  }
  // A pair given twice among the new ones: the last value wins.
  const last = new Map<number, number>();
  for (let q = 0; q < n; q++) last.set(rows.index[q] * width + cols.index[q], q);
  for (const q of last.values()) {
    rowIndices[t] = rows.index[q];
    colIndices[t] = cols.index[q];
    values[t++] = data.values[q];
  }
  const X = {
    rows: rows.keys.length, cols: width, rowIndices: rowIndices.subarray(0, t), colIndices: colIndices.subarray(0, t), values: values.subarray(0, t),
    ...(info.rowIds ? { rowIds: rows.keys } : {}), ...(info.colIds ? { colIds: cols.keys } : {}),
  };
  const penalties = info.penalties;
  // Solvers with a partial re-solve re-solve just the rows and columns the new observations touch (then
  // `epochs` full passes, 0 by default); the others run `epochs` (default 1) full epochs over old + new.
  const partial = module.partialUpdate;
  const touched = partial
    ? { rows: Int32Array.from(new Set(rows.index)).sort(), cols: Int32Array.from(new Set(cols.index)).sort() }
    : undefined;
  // The model's settings, as far as its solver takes them: the shared ones and its kept own ones.
  const model: Record<string, unknown> = { ...penalties, biasRegularization: penalties.regularization.bias, clip: p.clip !== null };
  const trained = {
    solver, rank: p.rank, epochs: partial ? 0 : 1, regularization: { W: penalties.regularization.W, H: penalties.regularization.H },
    ...Object.fromEntries(Object.entries(model).filter(([name, value]) => value !== undefined && takes(module, name))),
  };
  return fit(X, { ...trained, ...options, init: { info } } as FactorizeOptions, touched);
}
