// Ratings as users hold them — records with string or sparse numeric ids, or delimited text — turned
// into the sparse form factorize() takes, with the ids kept so that the model answers in them.
import { describe } from './describe.js';
import type { Key } from './model.js';

/** Sparse observations with their row and column ids: pass it straight to factorize(). */
export interface Ratings {
  rows: number;
  cols: number;
  rowIndices: Int32Array;
  colIndices: Int32Array;
  values: Float64Array;
  rowIds: Key[];
  colIds: Key[];
}

/** Assigns dense indices to ids in order of first appearance. */
class IdIndex {
  readonly ids: Key[] = [];
  readonly #index = new Map<string, number>();

  constructor(known: readonly Key[] = []) {
    known.forEach((id) => this.of(id));
  }

  of(id: Key): number {
    const key = String(id);
    let index = this.#index.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.#index.set(key, index);
      this.ids.push(id);
    }
    return index;
  }
}

export interface RecordFields {
  /** Field holding the row id. Default 'user'. */
  row?: string;
  /** Field holding the column id. Default 'item'. */
  col?: string;
  /** Field holding the value. Default 'rating'. */
  value?: string;
}

/** `[{ user, item, rating }]` (field names configurable) → Ratings. */
export function ratingsFromRecords(records: readonly Record<string, unknown>[], fields: RecordFields = {}): Ratings {
  const { row = 'user', col = 'item', value = 'rating' } = fields;
  if (!Array.isArray(records)) throw new TypeError(`ratingsFromRecords: expected an array of records, got ${describe(records)}`);
  const rowIds = new IdIndex();
  const colIds = new IdIndex();
  const count = records.length;
  const rowIndices = new Int32Array(count);
  const colIndices = new Int32Array(count);
  const values = new Float64Array(count);
  records.forEach((record, t) => {
    const r = record?.[row];
    const c = record?.[col];
    const v = record?.[value];
    if (typeof r !== 'string' && typeof r !== 'number') throw new TypeError(`records[${t}].${row}: expected a string or number id, got ${describe(r)}`);
    if (typeof c !== 'string' && typeof c !== 'number') throw new TypeError(`records[${t}].${col}: expected a string or number id, got ${describe(c)}`);
    const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`records[${t}].${value}: expected a finite number, got ${describe(v)}`);
    rowIndices[t] = rowIds.of(r);
    colIndices[t] = colIds.of(c);
    values[t] = x;
  });
  return { rows: rowIds.ids.length, cols: colIds.ids.length, rowIndices, colIndices, values, rowIds: rowIds.ids, colIds: colIds.ids };
}

export interface TextOptions {
  /** Column separator; default: detected (tab, comma, '::', ';' or runs of spaces). */
  delimiter?: string;
  /** Whether the first line names the columns; default: detected (a non-numeric third field). */
  header?: boolean;
  /** Columns of the row id, column id and value, by 0-based position or header name. Default 0, 1, 2. */
  columns?: [number | string, number | string, number | string];
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes('\t')) return '\t';
  if (line.includes('::')) return '::';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return / +/;
}

/**
 * Delimited text (CSV, TSV, MovieLens `ratings.csv` and `u.data`, `user item rating` lines) → Ratings.
 * Ids stay strings, as written. A malformed line is an error naming its number and content.
 */
export function parseRatings(text: string, options: TextOptions = {}): Ratings {
  if (typeof text !== 'string') throw new TypeError(`parseRatings: expected text, got ${describe(text)}`);
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) throw new RangeError('parseRatings: expected at least one line of ratings, got none');
  const delimiter = options.delimiter ?? detectDelimiter(lines[first].trim());
  const split = (line: string) => line.trim().split(delimiter).map((field) => field.trim());
  const firstFields = split(lines[first]);
  const header = options.header ?? (firstFields.length >= 3 && !Number.isFinite(Number(firstFields[2])));
  const names = header ? firstFields : [];
  const position = (column: number | string, fallback: number) => {
    if (column === undefined) return fallback;
    if (typeof column === 'number') return column;
    const at = names.indexOf(column);
    if (at < 0) throw new RangeError(`parseRatings: options.columns: no column named ${describe(column)} in the header [${names.join(', ')}]`);
    return at;
  };
  const [rowAt, colAt, valueAt] = [0, 1, 2].map((d) => position(options.columns?.[d] as number | string, d));
  const records: Record<string, unknown>[] = [];
  for (let n = first + (header ? 1 : 0); n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const fields = split(lines[n]);
    const value = Number(fields[valueAt]);
    if (fields.length <= Math.max(rowAt, colAt, valueAt) || fields[rowAt] === '' || fields[colAt] === '' || !Number.isFinite(value) || fields[valueAt] === '') {
      throw new RangeError(`parseRatings: line ${n + 1}: expected a row id, a column id and a number, got ${JSON.stringify(lines[n].slice(0, 80))}`);
    }
    records.push({ user: fields[rowAt], item: fields[colAt], rating: value });
  }
  return ratingsFromRecords(records);
}
