// Models in other tools' shapes: LIBMF's text model (also what R's recosystem and ML.NET's matrix
// factorization write), implicit's saved .npz models, and factor matrices as rows keyed by id (how Spark MLlib's ALS exports
// userFactors and itemFactors).
import { describe } from '../check/describe.js';
import { finite, nonNegative, optionsOf, range } from '../check/validate.js';
import type { FactorizationInfo, FactorRow, Key, RealArray } from '../types.js';
import { factorWidth } from '../fit/spec.js';
import { readNpz, type NpyArray } from '../formats/npz.js';

export type { FactorRow } from '../types.js';

const DEFAULT_FOLD_IN_REGULARIZATION = 0.1; // LIBMF's default -l2, used by foldIn on imported models

/**
 * A model from given factors. `W` rows×width and `Ht` cols×width hold [w, b, 1] and [h, 1, c] with biases,
 * the plain factors without; `offset` is μ of the prediction, `mean` what rows and columns never seen get.
 */
export function importedInfo(
  rank: number, biases: boolean, W: Float64Array, Ht: Float64Array, offset: number, mean: number,
  rowCounts: Float64Array, colCounts: Float64Array, rowIds: Key[] | null, colIds: Key[] | null, clip: readonly [number, number] | null,
  /** λ of fold-in (and of update, for solvers that have one). */
  regularization = DEFAULT_FOLD_IN_REGULARIZATION,
): FactorizationInfo {
  const rows = rowCounts.length;
  const cols = colCounts.length;
  return {
    parameters: {
      rows, cols, rank, width: factorWidth({ rank, biases }), biases, W, H: Ht, hTransposed: true, offset, mean,
      rowCounts, colCounts, clip,
    },
    penalties: {
      rank, biases, nonnegative: false, l1: { W: 0, H: 0 },
      regularization: { W: regularization, H: regularization, bias: regularization },
    },
    training: {
      initialLoss: NaN, lossHistory: new Float64Array(0), validationHistory: new Float64Array(0), bestEpoch: -1,
      stoppedBy: 'epochs', solver: 'imported', backend: 'imported', layout: 'imported',
    },
    observed: { rowStart: new Int32Array(rows + 1), colIndex: new Int32Array(0) },
    rowIds,
    colIds,
  };
}

/**
 * LIBMF's text model: header lines `f 0`, `m rows`, `n cols`, `k rank`, `b mean`, then `p<i> T v…` per row
 * and `q<j> T v…` per column. Every row and column is written `T`, with factors chosen so that LIBMF's p·q
 * is the model's own prediction, unseen rows and columns included: the latent factors and biases of a
 * row or column never seen are written as 0, and up to two extra coordinates carry μ and the mean,
 * P_i = [w_i, b_i, 1, unseen_i, seen_i], Q_j = [h_j, 1, c_j, mean, seen_j ? μ : mean] (a coordinate that
 * is 0 on every row or column is left out). Clipping is not part of LIBMF's format.
 */
export function toLibmf(info: FactorizationInfo): string {
  const p = info.parameters;
  const seen = (counts: Float64Array, i: number) => counts[i] > 0;
  const anyUnseenRow = p.rowCounts.some((c) => !(c > 0));
  const anyUnseenCol = p.colCounts.some((c) => !(c > 0));
  // Coordinate "unseen row × mean": needed when some row was never seen and the mean is not 0.
  const meanForUnseenRows = anyUnseenRow && p.mean !== 0;
  // Coordinate "seen row × (μ, or the mean for an unseen column)".
  const offsetForSeenRows = p.offset !== 0 || (anyUnseenCol && p.mean !== 0);
  const k = p.width + (meanForUnseenRows ? 1 : 0) + (offsetForSeenRows ? 1 : 0);
  const lines = ['f 0', `m ${p.rows}`, `n ${p.cols}`, `k ${k}`, `b ${p.mean}`];
  const latent = (data: RealArray, i: number, rowSeen: boolean, constantAt: number) => {
    const v = Array.from(data.subarray(i * p.width, (i + 1) * p.width));
    if (!rowSeen) {
      v.fill(0);
      if (p.biases) v[constantAt] = 1; // still picks up the other side's known bias
    }
    return v;
  };
  for (let i = 0; i < p.rows; i++) {
    const rowSeen = seen(p.rowCounts, i);
    const v = latent(p.W, i, rowSeen, p.rank + 1);
    if (meanForUnseenRows) v.push(rowSeen ? 0 : 1);
    if (offsetForSeenRows) v.push(rowSeen ? 1 : 0);
    lines.push(`p${i} T ${v.join(' ')}`);
  }
  for (let j = 0; j < p.cols; j++) {
    const colSeen = seen(p.colCounts, j);
    const v = latent(p.H, j, colSeen, p.rank);
    if (meanForUnseenRows) v.push(p.mean);
    if (offsetForSeenRows) v.push(colSeen ? p.offset : p.mean);
    lines.push(`q${j} T ${v.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export function fromLibmf(text: string): FactorizationInfo {
  const where = 'fromLibmf';
  if (typeof text !== 'string') throw new TypeError(`${where}: expected the model file's text, got ${describe(text)}`);
  const lines = text.split(/\r?\n/);
  const header: Record<string, number> = {};
  let n = 0;
  for (; n < lines.length && /^[a-z]+ \S+$/.test(lines[n].trim()) && !/^[pq]\d/.test(lines[n]); n++) {
    const [key, value] = lines[n].trim().split(' ');
    if (key in header) throw new RangeError(`${where}: line ${n + 1}: header '${key}' given twice`);
    header[key] = Number(value);
  }
  for (const key of ['m', 'n', 'k']) {
    if (!Number.isSafeInteger(header[key]) || header[key] < 1) {
      throw new RangeError(`${where}: not a LIBMF model: expected a header line '${key} <positive integer>' before the factors`);
    }
  }
  if (header.f !== undefined && header.f !== 0 && header.f !== 1 && header.f !== 2) {
    throw new RangeError(`${where}: LIBMF loss f ${header.f} is a classification or one-class model; only real-valued models (f 0, 1, 2) are supported`);
  }
  if (header.b !== undefined) finite(`${where}: header 'b'`, header.b);
  const { m: rows, n: cols, k: rank } = header;
  // Every row and column is a line of k numbers: a header that promises more than the text holds is
  // rejected before anything is allocated for it.
  const factorLines = lines.length - n;
  if (rows + cols > factorLines || (rows + cols) * rank * 2 > text.length) {
    throw new RangeError(`${where}: truncated: the header promises ${rows} p rows and ${cols} q rows of ${rank} numbers, but the text has ${factorLines} lines (${text.length} characters) after it`);
  }
  const mean = header.b ?? 0;
  const W = new Float64Array(rows * rank);
  const Ht = new Float64Array(cols * rank);
  const rowSeen = new Float64Array(rows);
  const colSeen = new Float64Array(cols);
  const filled = { p: new Uint8Array(rows), q: new Uint8Array(cols) };
  for (; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const match = /^([pq])(\d+) (?:([TF]) )?(.*)$/.exec(line);
    const side = match?.[1] as 'p' | 'q' | undefined;
    const index = Number(match?.[2]);
    const values = match ? match[4].trim().split(/\s+/).map(Number) : [];
    const count = side === 'p' ? rows : cols;
    if (!side || index >= count || values.length !== rank || values.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`${where}: line ${n + 1}: expected 'p<i>' (i < ${rows}) or 'q<j>' (j < ${cols}), an optional T/F and ${rank} finite numbers, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (filled[side][index]) throw new RangeError(`${where}: line ${n + 1}: ${side}${index} is given twice`);
    filled[side][index] = 1;
    (side === 'p' ? W : Ht).set(values, index * rank);
    (side === 'p' ? rowSeen : colSeen)[index] = match![3] === 'F' ? 0 : 1;
  }
  for (const [side, count] of [['p', rows], ['q', cols]] as const) {
    const missing = filled[side].indexOf(0);
    if (missing >= 0) throw new RangeError(`${where}: truncated: expected ${rows} p rows and ${cols} q rows, ${side}${missing} is missing (of ${count})`);
  }
  return importedInfo(rank, false, W, Ht, 0, mean, rowSeen, colSeen, null, null, null);
}

/** W's rows (side 'rows') or H's columns (side 'cols') as records keyed by id (or index). */
export function factorRows(info: FactorizationInfo, side: 'rows' | 'cols'): FactorRow[] {
  const p = info.parameters;
  const [n, data, ids, biasAt, counts] =
    side === 'rows' ? [p.rows, p.W, info.rowIds, p.rank, p.rowCounts] : [p.cols, p.H, info.colIds, p.rank + 1, p.colCounts];
  return Array.from({ length: n }, (_, i) => {
    const record: FactorRow = { id: ids ? ids[i] : i, features: Array.from(data.subarray(i * p.width, i * p.width + p.rank)) };
    if (p.biases) record.bias = data[i * p.width + biasAt];
    record.count = counts[i];
    return record;
  });
}

export interface FactorsInput {
  rows: readonly FactorRow[];
  cols: readonly FactorRow[];
  /**
   * μ: with biases (records carrying `bias`), predictions are μ + b_i + c_j + w_i·h_j; without, w_i·h_j
   * (Spark's ALS). Either way the prediction for a row or column never seen. Default 0.
   */
  mean?: number;
  /** Clip predictions to [min, max], as a trained model with clip on does (its `clip`). Default none. */
  clip?: readonly [number, number] | null;
}

/**
 * A model from factor rows keyed by id, e.g. Spark ALS's `userFactors` and `itemFactors` collected as
 * `{ id, features }`, or this package's rowFactors()/colFactors(): given those with the model's
 * `globalMean` and `clip`, every prediction comes back exactly.
 */
export function fromFactorRows(input: FactorsInput): FactorizationInfo {
  const where = 'fromFactors';
  if (typeof input !== 'object' || input === null) throw new TypeError(`${where}: expected { rows, cols, mean?, clip? }, got ${describe(input)}`);
  const { rows, cols, mean = 0, clip = null } = input;
  const biases = [rows, cols].some((records) => Array.isArray(records) && records.some((r) => r?.bias !== undefined));
  const read = (name: string, records: readonly FactorRow[], rank: number | undefined, biasAt: number) => {
    if (!Array.isArray(records) || records.length === 0) throw new TypeError(`${where}: ${name}: expected a non-empty array of { id, features }, got ${describe(records)}`);
    const k = rank ?? records[0]?.features?.length;
    if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`${where}: ${name}[0].features: expected an array of at least one number, got ${describe(records[0]?.features)}`);
    const width = k + (biases ? 2 : 0);
    const data = new Float64Array(records.length * width);
    const counts = new Float64Array(records.length);
    const ids: Key[] = [];
    const seen = new Set<string>();
    records.forEach((record, i) => {
      const { id, features, bias, count } = record ?? {};
      if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError(`${where}: ${name}[${i}].id: expected a string or number, got ${describe(id)}`);
      if (seen.has(String(id))) throw new RangeError(`${where}: ${name}: id ${describe(id)} appears twice`);
      seen.add(String(id));
      if (!Array.isArray(features) || features.length !== k || features.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new RangeError(`${where}: ${name}[${i}].features: expected ${k} finite numbers, got ${describe(features)}`);
      }
      if (bias !== undefined) finite(`${where}: ${name}[${i}].bias`, bias);
      if (count !== undefined) nonNegative(`${where}: ${name}[${i}].count`, count);
      ids.push(id);
      data.set(features, i * width);
      if (biases) {
        data[i * width + k + biasAt] = bias ?? 0;
        data[i * width + k + 1 - biasAt] = 1;
      }
      counts[i] = count ?? 1;
    });
    return { k, data, ids, counts };
  };
  const r = read('rows', rows, undefined, 0);
  const c = read('cols', cols, r.k, 1);
  finite(`${where}: mean`, mean);
  return importedInfo(r.k, biases, r.data, c.data, biases ? mean : 0, mean, r.counts, c.counts, r.ids, c.ids, clip === null ? null : range(`${where}: clip`, clip));
}

/** Factor rows as CSV: `id,f0,…` (with `bias` and `count` after id when present). */
export function factorRowsToCsv(records: readonly FactorRow[]): string {
  const k = records[0]?.features.length ?? 0;
  const hasBias = records.some((r) => r.bias !== undefined);
  const hasCount = records.some((r) => r.count !== undefined);
  const quote = (id: Key) => (typeof id === 'string' && /[",\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : String(id));
  const head = ['id', ...(hasBias ? ['bias'] : []), ...(hasCount ? ['count'] : []), ...Array.from({ length: k }, (_, d) => `f${d}`)].join(',');
  const line = (r: FactorRow) => [quote(r.id), ...(hasBias ? [r.bias ?? 0] : []), ...(hasCount ? [r.count ?? 1] : []), ...r.features].join(',');
  return [head, ...records.map(line)].join('\n') + '\n';
}

/** The reverse of factorRowsToCsv (ids come back as strings). */
export function factorRowsFromCsv(text: string): FactorRow[] {
  const where = 'factorRowsFromCsv';
  if (typeof text !== 'string') throw new TypeError(`${where}: expected CSV text, got ${describe(text)}`);
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const head = lines[0]?.split(',') ?? [];
  if (head[0] !== 'id') throw new RangeError(`${where}: expected a header starting 'id', got ${JSON.stringify(lines[0] ?? '')}`);
  const hasBias = head[1] === 'bias';
  const hasCount = head[hasBias ? 2 : 1] === 'count';
  const skip = (hasBias ? 1 : 0) + (hasCount ? 1 : 0);
  return lines.slice(1).map((line, n) => {
    const match = /^("(?:[^"]|"")*"|[^,]*),(.*)$/.exec(line);
    const numbers = (match?.[2] ?? '').split(',').map(Number);
    if (!match || numbers.length !== head.length - 1 || numbers.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`${where}: line ${n + 2}: expected an id and ${head.length - 1} numbers, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const id = match[1].startsWith('"') ? match[1].slice(1, -1).replace(/""/g, '"') : match[1];
    const record: FactorRow = { id, features: numbers.slice(skip) };
    if (hasBias) record.bias = numbers[0];
    if (hasCount) record.count = numbers[hasBias ? 1 : 0];
    return record;
  });
}

/** Options of fromImplicit(): ids for the rows (users) and columns (items), in the file's order. */
export interface ImplicitOptions {
  /** One id per row of user_factors. Default: the row indices. */
  rowIds?: readonly Key[];
  /** One id per row of item_factors. Default: the row indices. */
  colIds?: readonly Key[];
}

/**
 * A model from the .npz file implicit's save() writes: its AlternatingLeastSquares (user_factors and
 * item_factors `factors` wide: scores u·i) or BayesianPersonalizedRanking (`factors + 1` wide, the users'
 * last column 1 and the items' their bias: scores u·i over every column). The model has no biases and no
 * offset, so that each prediction is implicit's score, in float64 over its float32 factors; its rank is
 * the file's width. The file keeps no ids (implicit works on indices): give them as options.
 */
export function fromImplicit(input: Uint8Array | ArrayBuffer, options: ImplicitOptions = {}): FactorizationInfo {
  const where = 'fromImplicit';
  optionsOf(`${where}: options`, options, ['rowIds', 'colIds']);
  const file = readNpz(input, where);
  const matrix = (name: string) => {
    const array = file.array(name);
    if (!array) throw new RangeError(`${where}: no ${name} in the file (it holds ${file.names.join(', ') || 'nothing'}): expected a model saved by implicit's save()`);
    if (array.shape.length !== 2 || typeof array.data[0] === 'string') {
      throw new RangeError(`${where}: ${name}: expected a 2-D array of numbers, got shape (${array.shape.join(', ')})`);
    }
    return { rows: array.shape[0], width: array.shape[1], data: array.data as Float32Array | Float64Array };
  };
  const users = matrix('user_factors');
  const items = matrix('item_factors');
  if (users.width !== items.width) throw new RangeError(`${where}: user_factors is ${users.width} wide and item_factors ${items.width}: expected the same width`);
  const factors = scalar(file.array('factors'));
  const bpr = file.names.includes('learning_rate');
  const expected = factors === undefined ? users.width : factors + (bpr ? 1 : 0);
  if (users.width !== expected) {
    throw new RangeError(`${where}: the factors are ${users.width} wide, expected ${expected} for ${bpr ? 'BPR' : 'ALS'} with factors = ${factors}`);
  }
  const ids = (name: string, given: readonly Key[] | undefined, count: number, side: string) => {
    if (given === undefined) return null;
    if (!Array.isArray(given) || given.length !== count) {
      throw new RangeError(`${where}: options.${name}: expected ${count} ids, one per ${side}, got ${Array.isArray(given) ? given.length : describe(given)}`);
    }
    return [...given];
  };
  const rowIds = ids('rowIds', options.rowIds, users.rows, 'row of user_factors');
  const colIds = ids('colIds', options.colIds, items.rows, 'row of item_factors');
  const checked = (name: string, data: Float32Array | Float64Array) => {
    for (let t = 0; t < data.length; t++) {
      if (!Number.isFinite(data[t])) throw new RangeError(`${where}: ${name}[${Math.floor(t / users.width)}][${t % users.width}]: expected a finite number, got ${data[t]}`);
    }
    return Float64Array.from(data);
  };
  const regularization = scalar(file.array('regularization'));
  return importedInfo(
    users.width, false, checked('user_factors', users.data), checked('item_factors', items.data), 0, 0,
    new Float64Array(users.rows).fill(1), new Float64Array(items.rows).fill(1), rowIds, colIds, null,
    regularization !== undefined && regularization >= 0 ? regularization : undefined,
  );
}

/** The number a 0-d (or one-entry) array holds, if any. */
function scalar(array: NpyArray | undefined): number | undefined {
  const value = array && array.data.length === 1 ? array.data[0] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
