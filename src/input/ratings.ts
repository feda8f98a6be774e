// Ratings as users hold them — records with string or sparse numeric ids — turned into the sparse form
// factorize() takes, with the ids kept so that the model answers in them (text: reader.ts); repeats summed.
import { describe } from '../check/describe.js';
import { canonicalInteger, integer, optionsOf } from '../check/validate.js';
import type { Key } from '../types.js';
import { picked, positionsWhere } from '../math/gather.js';
import { indexList } from './observations.js';

/** Sparse observations with their row and column ids: pass it straight to factorize(). */
export interface Ratings {
  rows: number;
  cols: number;
  rowIndices: Int32Array;
  colIndices: Int32Array;
  /** A Float32Array when every value is a float32 value (half the memory: ratings such as 1…5 in half steps). */
  values: Float64Array | Float32Array;
  rowIds: Key[];
  colIds: Key[];
}

/** Ids below this that are plain integers are looked up in a table rather than a Map. */
const TABLE_LIMIT = 1 << 24;

/**
 * Assigns dense indices to ids in order of first appearance. Ids that are plain integers (most rating
 * files) below 2²⁴ are looked up in a growing Int32Array indexed by the id — a Map lookup costs several
 * times more, and reading millions of lines is mostly lookups; "42" and 42 are one id.
 */
export class IdIndex {
  readonly ids: Key[] = [];
  #table = new Int32Array(1024).fill(-1);
  readonly #others = new Map<string, number>();

  constructor(known: readonly Key[] = []) {
    known.forEach((id) => this.of(id));
  }

  of(id: Key): number {
    const number = canonicalInteger(id);
    if (number < 0 || number >= TABLE_LIMIT) return this.#ofText(id);
    const index = this.indexOfInteger(number);
    return index >= 0 ? index : this.addInteger(number, id);
  }

  /** The index of a plain-integer id below TABLE_LIMIT, or −1 if it has not been seen. */
  indexOfInteger(number: number): number {
    return number < this.#table.length ? this.#table[number] : -1;
  }

  /** Adds a plain-integer id below TABLE_LIMIT (`id` as written); returns its index. */
  addInteger(number: number, id: Key): number {
    if (number >= this.#table.length) {
      let size = this.#table.length;
      while (size <= number) size *= 2;
      const grown = new Int32Array(size).fill(-1);
      grown.set(this.#table);
      this.#table = grown;
    }
    const index = this.ids.length;
    this.#table[number] = index;
    this.ids.push(id);
    return index;
  }

  #ofText(id: Key): number {
    const key = String(id);
    let index = this.#others.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.#others.set(key, index);
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
  const { row = 'user', col = 'item', value = 'rating' } = optionsOf('ratingsFromRecords: fields', fields, ['row', 'col', 'value']);
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

/**
 * The same observations with each repeated (row, column) pair kept once, its values summed: an event log
 * (a line per play or click) as counts, which is what a solver of events takes. Order: first occurrence.
 */
export function sumDuplicates<T extends { rows: number; cols: number; rowIndices: ArrayLike<number>; colIndices: ArrayLike<number>; values: ArrayLike<number> }>(data: T): T {
  const where = 'sumDuplicates';
  if (typeof data !== 'object' || data === null || data.values?.length === undefined) {
    throw new TypeError(`${where}: expected { rows, cols, rowIndices, colIndices, values }, got ${describe(data)}`);
  }
  const { values } = data;
  const n = values.length;
  const rows = integer(`${where}: data.rows`, data.rows, 0);
  const cols = integer(`${where}: data.cols`, data.cols, 0);
  // Checked as factorize checks a sparse X's lists (an Int32Array as it is; other lists into one).
  const rowIndices = indexList(`${where}: data.rowIndices`, data.rowIndices, n, rows, 'data.rows', false);
  const colIndices = indexList(`${where}: data.colIndices`, data.colIndices, n, cols, 'data.cols', false);
  // The entries in (row, column, position) order: by column, then stably by row (two counting sorts; a Map of every
  // pair held ~130 bytes a pair and took seconds a million). A pair's repeats are then side by side, first one first.
  const byColumn = countingOrder(n, cols, (t) => colIndices[t], undefined);
  const byPair = countingOrder(n, rows, (t) => rowIndices[t], byColumn);
  // Each pair's first entry keeps it: a mark, then each kept entry's place in the result (first occurrences in order).
  const kept = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    const t = byPair[s];
    if (s === 0 || rowIndices[t] !== rowIndices[byPair[s - 1]] || colIndices[t] !== colIndices[byPair[s - 1]]) kept[t] = 1;
  }
  const placeOf = byColumn; // no longer needed as an order
  let count = 0;
  for (let t = 0; t < n; t++) if (kept[t]) placeOf[t] = count++;
  const sums = new Float64Array(count);
  // Summed in the order the repeats occur, the first one's place taking them.
  let place = 0;
  for (let s = 0; s < n; s++) {
    const t = byPair[s];
    if (kept[t]) place = placeOf[t];
    sums[place] += values[t];
  }
  const at = positionsWhere(n, (t) => kept[t] === 1);
  return { ...data, rowIndices: picked(Int32Array, rowIndices, at), colIndices: picked(Int32Array, colIndices, at), values: sums };
}

/**
 * Positions 0…n − 1 ordered by key(t) ∈ [0, keys), stably: in `within`'s order among equal keys (ascending without it).
 */
function countingOrder(n: number, keys: number, key: (t: number) => number, within: Int32Array | undefined): Int32Array {
  const start = new Int32Array(keys + 1);
  for (let t = 0; t < n; t++) start[key(t) + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const order = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const t = within ? within[s] : s;
    order[start[key(t)]++] = t;
  }
  return order;
}
