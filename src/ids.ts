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

/** The number an id is, when its text is a plain non-negative integer as written ("42", not "042"). */
function canonicalInteger(id: Key): number {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 && id < 2 ** 31 ? id : -1;
  const length = id.length;
  if (length === 0 || length > 10 || (length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value < 2 ** 31 ? value : -1;
}

/** Ids below this that are plain integers are looked up in a table rather than a Map. */
const TABLE_LIMIT = 1 << 24;

/**
 * Assigns dense indices to ids in order of first appearance. Ids that are plain integers (most rating
 * files) below 2²⁴ are looked up in a growing Int32Array indexed by the id — a Map lookup costs several
 * times more, and reading millions of lines is mostly lookups; "42" and 42 are one id.
 */
class IdIndex {
  readonly ids: Key[] = [];
  #table = new Int32Array(1024).fill(-1);
  readonly #others = new Map<string, number>();

  constructor(known: readonly Key[] = []) {
    known.forEach((id) => this.of(id));
  }

  of(id: Key): number {
    const number = canonicalInteger(id);
    if (number >= 0 && number < TABLE_LIMIT) {
      if (number >= this.#table.length) {
        let size = this.#table.length;
        while (size <= number) size *= 2;
        const grown = new Int32Array(size).fill(-1);
        grown.set(this.#table);
        this.#table = grown;
      }
      let index = this.#table[number];
      if (index < 0) {
        index = this.ids.length;
        this.#table[number] = index;
        this.ids.push(id);
      }
      return index;
    }
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
  /** Column separator; default: detected (tab, '::', comma, ';' or runs of spaces). */
  delimiter?: string;
  /** Whether the first line names the columns; default: detected (a non-numeric third field). */
  header?: boolean;
  /** Columns of the row id, column id and value, by 0-based position or header name. Default 0, 1, 2. */
  columns?: [number | string, number | string, number | string];
  /** Count malformed lines and go on, instead of stopping at the first. Default false. */
  skipBadLines?: boolean;
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes('\t')) return '\t';
  if (line.includes('::')) return '::';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return / +/;
}

/** A growable typed array. */
class Growing<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(public data: T) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * Reads ratings a line at a time — the one parser behind parseRatings() and the command line's streaming
 * reader — into growing typed arrays, assigning indices to ids as they first appear.
 */
export class RatingsReader {
  readonly #options: TextOptions;
  #delimiter: string | RegExp | undefined;
  #positions: [number, number, number] | undefined;
  readonly #rows = new IdIndex();
  readonly #cols = new IdIndex();
  readonly #rowIndices = new Growing(new Int32Array(1024));
  readonly #colIndices = new Growing(new Int32Array(1024));
  readonly #values = new Growing(new Float64Array(1024));
  /** Malformed lines passed over (with skipBadLines). */
  skipped = 0;
  /** The first one passed over, for the report. */
  firstSkipped: { line: number; text: string } | undefined;

  constructor(options: TextOptions = {}) {
    this.#options = options;
  }

  /** Takes line number `n` (1-based, for messages). */
  line(text: string, n: number): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (!this.#positions) {
      this.#delimiter = this.#options.delimiter ?? detectDelimiter(trimmed);
      const fields = trimmed.split(this.#delimiter);
      const header = this.#options.header ?? (fields.length >= 3 && !Number.isFinite(Number(fields[2])));
      const names = header ? fields.map((f) => f.trim()) : [];
      const position = (column: number | string | undefined, fallback: number) => {
        if (column === undefined) return fallback;
        if (typeof column === 'number') return column;
        const at = names.indexOf(column);
        if (at < 0) throw new RangeError(`options.columns: no column named ${describe(column)} in the header [${names.join(', ')}]`);
        return at;
      };
      const columns = this.#options.columns ?? [];
      this.#positions = [position(columns[0], 0), position(columns[1], 1), position(columns[2], 2)];
      if (header) return;
    }
    const [rowAt, colAt, valueAt] = this.#positions;
    const fields = this.#split(trimmed, Math.max(rowAt, colAt, valueAt) + 1);
    const row = fields[rowAt];
    const col = fields[colAt];
    const raw = fields[valueAt];
    const value = Number(raw);
    if (!row || !col || !raw || !Number.isFinite(value)) {
      if (this.#options.skipBadLines) {
        this.skipped++;
        this.firstSkipped ??= { line: n, text };
        return;
      }
      throw new RangeError(`line ${n}: expected a row id, a column id and a number, got ${JSON.stringify(text.slice(0, 80))}`);
    }
    this.#rowIndices.push(this.#rows.of(row));
    this.#colIndices.push(this.#cols.of(col));
    this.#values.push(value);
  }

  readonly #fields: string[] = [];

  /**
   * The first `count` fields of a line, trimmed. A hand-written scan rather than String.split: this is
   * the hot loop of reading millions of lines (a space delimiter means runs of blanks).
   */
  #split(text: string, count: number): string[] {
    const fields = this.#fields;
    fields.length = 0;
    const delimiter = this.#delimiter!;
    if (typeof delimiter !== 'string') {
      let start = 0;
      while (fields.length < count && start < text.length) {
        let end = text.indexOf(' ', start);
        if (end < 0) end = text.length;
        fields.push(text.slice(start, end));
        start = end + 1;
        while (text.charCodeAt(start) === 32) start++;
      }
      return fields;
    }
    let start = 0;
    while (fields.length < count) {
      const end = text.indexOf(delimiter, start);
      fields.push((end < 0 ? text.slice(start) : text.slice(start, end)).trim());
      if (end < 0) break;
      start = end + delimiter.length;
    }
    return fields;
  }

  /** The ratings read so far. */
  ratings(): Ratings {
    if (this.#values.length === 0) throw new RangeError('expected at least one rating, got none');
    return {
      rows: this.#rows.ids.length,
      cols: this.#cols.ids.length,
      rowIndices: this.#rowIndices.done(),
      colIndices: this.#colIndices.done(),
      values: this.#values.done(),
      rowIds: this.#rows.ids,
      colIds: this.#cols.ids,
    };
  }
}

/**
 * Delimited text (CSV, TSV, MovieLens `ratings.csv` and `u.data`, `user item rating` lines) → Ratings.
 * Ids stay strings, as written. A malformed line is an error naming its number and content.
 */
export function parseRatings(text: string, options: TextOptions = {}): Ratings {
  if (typeof text !== 'string') throw new TypeError(`parseRatings: expected text, got ${describe(text)}`);
  const reader = new RatingsReader(options);
  try {
    text.split(/\r?\n/).forEach((line, n) => reader.line(line, n + 1));
    return reader.ratings();
  } catch (error) {
    (error as Error).message = `parseRatings: ${(error as Error).message}`;
    throw error;
  }
}
