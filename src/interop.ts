// Models in other tools' shapes: LIBMF's text model (also what R's recosystem and ML.NET's matrix
// factorization write), and factor matrices as rows keyed by id (how Spark MLlib's ALS exports
// userFactors and itemFactors).
import { describe } from './describe.js';
import type { FactorizationInfo, Key } from './model.js';

const DEFAULT_FOLD_IN_REGULARIZATION = 0.1; // LIBMF's default -l2, used by foldIn on imported models

/** A model from given factors, with no biases, no training record and every row and column "seen". */
function importedInfo(rank: number, W: Float64Array, Ht: Float64Array, mean: number, rowSeen: Float64Array, colSeen: Float64Array, rowIds: Key[] | null, colIds: Key[] | null): FactorizationInfo {
  const rows = rowSeen.length;
  const cols = colSeen.length;
  return {
    parameters: {
      rows, cols, rank, width: rank, biases: false, W, H: Ht, hTransposed: true, offset: 0, mean,
      rowCounts: rowSeen, colCounts: colSeen, clip: null,
    },
    penalties: {
      rank, biases: false, nonnegative: false, l1: { W: 0, H: 0 },
      regularization: { W: DEFAULT_FOLD_IN_REGULARIZATION, H: DEFAULT_FOLD_IN_REGULARIZATION, bias: DEFAULT_FOLD_IN_REGULARIZATION },
    },
    training: {
      initialLoss: NaN, lossHistory: new Float64Array(0), validationHistory: new Float64Array(0), bestEpoch: -1,
      stoppedBy: 'epochs', solver: 'imported', backend: 'imported', kernel: 'imported',
    },
    observed: { rowStart: new Int32Array(rows + 1), colIndex: new Int32Array(0) },
    rowIds,
    colIds,
  };
}

/**
 * LIBMF's text model: header lines `f 0`, `m rows`, `n cols`, `k rank`, `b mean`, then `p<i> T v…` per row
 * and `q<j> T v…` per column (`F` for a row or column that had no data; LIBMF predicts b for it).
 * Biases and μ are folded into extra factors (P_i = [w_i, b_i, 1, μ], Q_j = [h_j, 1, c_j, 1]), so that
 * LIBMF's p·q gives the same predictions; clipping is not part of LIBMF's format.
 */
export function toLibmf(info: FactorizationInfo): string {
  const p = info.parameters;
  const extra = p.biases || p.offset !== 0 ? 1 : 0;
  const k = p.width + extra;
  const lines = ['f 0', `m ${p.rows}`, `n ${p.cols}`, `k ${k}`, `b ${p.mean}`];
  const write = (prefix: string, n: number, seen: Float64Array, vector: (i: number) => number[]) => {
    for (let i = 0; i < n; i++) {
      lines.push(seen[i] > 0 ? `${prefix}${i} T ${vector(i).join(' ')}` : `${prefix}${i} F ${new Array(k).fill(0).join(' ')}`);
    }
  };
  write('p', p.rows, p.rowCounts, (i) => [...p.W.subarray(i * p.width, (i + 1) * p.width), ...(extra ? [p.offset] : [])]);
  write('q', p.cols, p.colCounts, (j) => [...p.H.subarray(j * p.width, (j + 1) * p.width), ...(extra ? [1] : [])]);
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
    header[key] = Number(value);
  }
  for (const key of ['m', 'n', 'k']) {
    if (!Number.isInteger(header[key]) || header[key] < 1) {
      throw new RangeError(`${where}: not a LIBMF model: expected a header line '${key} <positive integer>' before the factors`);
    }
  }
  if (header.f !== undefined && header.f !== 0 && header.f !== 1 && header.f !== 2) {
    throw new RangeError(`${where}: LIBMF loss f ${header.f} is a classification or one-class model; only real-valued models (f 0, 1, 2) are supported`);
  }
  const { m: rows, n: cols, k: rank } = header;
  const mean = Number.isFinite(header.b) ? header.b : 0;
  const W = new Float64Array(rows * rank);
  const Ht = new Float64Array(cols * rank);
  const rowSeen = new Float64Array(rows);
  const colSeen = new Float64Array(cols);
  const filled = { p: 0, q: 0 };
  for (; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    const match = /^([pq])(\d+) (?:([TF]) )?(.*)$/.exec(line);
    const side = match?.[1] as 'p' | 'q' | undefined;
    const index = Number(match?.[2]);
    const values = match ? match[4].trim().split(/\s+/).map(Number) : [];
    const count = side === 'p' ? rows : cols;
    if (!side || index >= count || values.length !== rank || values.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`${where}: line ${n + 1}: expected 'p<i>' or 'q<j>', an optional T/F and ${rank} numbers, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    (side === 'p' ? W : Ht).set(values, index * rank);
    (side === 'p' ? rowSeen : colSeen)[index] = match![3] === 'F' ? 0 : 1;
    filled[side]++;
  }
  if (filled.p !== rows || filled.q !== cols) {
    throw new RangeError(`${where}: truncated: expected ${rows} p rows and ${cols} q rows, got ${filled.p} and ${filled.q}`);
  }
  return importedInfo(rank, W, Ht, mean, rowSeen, colSeen, null, null);
}

/** One row of a factor matrix keyed by id, as Spark's userFactors/itemFactors hold them. */
export interface FactorRow {
  id: Key;
  features: number[];
  /** The row's (or column's) bias, for a model with biases. */
  bias?: number;
}

/** W's rows (side 'rows') or H's columns (side 'cols') as records keyed by id (or index). */
export function factorRows(info: FactorizationInfo, side: 'rows' | 'cols'): FactorRow[] {
  const p = info.parameters;
  const [n, data, ids, biasAt] = side === 'rows' ? [p.rows, p.W, info.rowIds, p.rank] : [p.cols, p.H, info.colIds, p.rank + 1];
  return Array.from({ length: n }, (_, i) => {
    const record: FactorRow = { id: ids ? ids[i] : i, features: Array.from(data.subarray(i * p.width, i * p.width + p.rank)) };
    if (p.biases) record.bias = data[i * p.width + biasAt];
    return record;
  });
}

/**
 * A model from factor rows keyed by id, e.g. Spark ALS's `userFactors` and `itemFactors` collected as
 * `{ id, features }`: predictions are w·h (Spark's ALS has no biases); `mean` is what rows or columns not
 * listed are predicted as.
 */
export function fromFactorRows({ rows, cols, mean = 0 }: { rows: readonly FactorRow[]; cols: readonly FactorRow[]; mean?: number }): FactorizationInfo {
  const where = 'fromFactors';
  const read = (name: string, records: readonly FactorRow[], rank: number | undefined) => {
    if (!Array.isArray(records) || records.length === 0) throw new TypeError(`${where}: ${name}: expected a non-empty array of { id, features }, got ${describe(records)}`);
    const k = rank ?? records[0]?.features?.length;
    const data = new Float64Array(records.length * k);
    const ids: Key[] = [];
    const seen = new Set<string>();
    records.forEach((record, i) => {
      const { id, features } = record ?? {};
      if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError(`${where}: ${name}[${i}].id: expected a string or number, got ${describe(id)}`);
      if (seen.has(String(id))) throw new RangeError(`${where}: ${name}: id ${describe(id)} appears twice`);
      seen.add(String(id));
      if (!Array.isArray(features) || features.length !== k || features.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new RangeError(`${where}: ${name}[${i}].features: expected ${k} finite numbers, got ${describe(features)}`);
      }
      ids.push(id);
      data.set(features, i * k);
    });
    return { k, data, ids };
  };
  const r = read('rows', rows, undefined);
  const c = read('cols', cols, r.k);
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new RangeError(`${where}: mean: expected a finite number, got ${describe(mean)}`);
  return importedInfo(r.k, r.data, c.data, mean, new Float64Array(rows.length).fill(1), new Float64Array(cols.length).fill(1), r.ids, c.ids);
}

/** Factor rows as CSV: `id,f0,…` (with `bias` after id when present). */
export function factorRowsToCsv(records: readonly FactorRow[]): string {
  const k = records[0]?.features.length ?? 0;
  const hasBias = records.some((r) => r.bias !== undefined);
  const quote = (id: Key) => (typeof id === 'string' && /[",\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : String(id));
  const head = ['id', ...(hasBias ? ['bias'] : []), ...Array.from({ length: k }, (_, d) => `f${d}`)].join(',');
  return [head, ...records.map((r) => [quote(r.id), ...(hasBias ? [r.bias ?? 0] : []), ...r.features].join(','))].join('\n') + '\n';
}

/** The reverse of factorRowsToCsv (ids come back as strings). */
export function factorRowsFromCsv(text: string): FactorRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const head = lines[0]?.split(',') ?? [];
  if (head[0] !== 'id') throw new RangeError(`factorRowsFromCsv: expected a header starting 'id', got ${JSON.stringify(lines[0] ?? '')}`);
  const hasBias = head[1] === 'bias';
  return lines.slice(1).map((line, n) => {
    const match = /^("(?:[^"]|"")*"|[^,]*),(.*)$/.exec(line);
    const numbers = (match?.[2] ?? '').split(',').map(Number);
    if (!match || numbers.length !== head.length - 1 || numbers.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`factorRowsFromCsv: line ${n + 2}: expected an id and ${head.length - 1} numbers, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const id = match[1].startsWith('"') ? match[1].slice(1, -1).replace(/""/g, '"') : match[1];
    return hasBias ? { id, bias: numbers[0], features: numbers.slice(1) } : { id, features: numbers };
  });
}
