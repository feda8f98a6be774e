// Ratings as users hold them — records with string or sparse numeric ids, or delimited text — turned
// into the sparse form factorize() takes, with the ids kept so that the model answers in them.
import { describe } from '../check/describe.js';
import type { Key } from '../types.js';

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
  /**
   * Events (`user,item[,count]`): the value column is optional and counts 1 where it is missing. A first
   * line of two fields is taken for a header when neither has a digit (`user,item`); say `header` to decide.
   * Default false.
   */
  events?: boolean;
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes('\t')) return '\t';
  if (line.includes('::')) return '::';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return / +/;
}

/**
 * A typed array filled one value at a time: allocated once at the expected length when the caller knows
 * it (the lines of a file or text: then reading holds each rating once, 16 bytes, and returns the array
 * itself), else grown by doubling.
 */
class Growing<T extends Int32Array | Float64Array> {
  length = 0;
  data: T;
  constructor(make: new (n: number) => T, expected: number) {
    this.data = new make(Math.max(1, expected));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  done(): T {
    // Nearly full (the expected length was right, less a header or blank lines): the array itself, no copy.
    if (this.length >= 0.99 * this.data.length) return this.data.subarray(0, this.length) as T;
    return this.data.slice(0, this.length) as T;
  }
}

/** Lines in `bytes` (newlines, plus one for a last line without one): what a reader of them can expect at most. */
export function linesIn(bytes: Uint8Array | string): number {
  let count = 1;
  if (typeof bytes === 'string') {
    for (let at = bytes.indexOf('\n'); at >= 0; at = bytes.indexOf('\n', at + 1)) count++;
  } else {
    for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  }
  return count;
}

const decoder = new TextDecoder();
const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const COLON = 58;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads ratings from bytes, a chunk at a time — the one parser behind parseRatings() and the command
 * line's streaming reader. Lines are split and fields found on the bytes themselves, plain-integer ids
 * and plain decimals are read without making strings (Number() and the id maps only see the rest), and
 * values land in growing typed arrays: millions of lines are mostly this loop.
 */
export class RatingsReader {
  readonly #options: TextOptions;
  /** -1: runs of blanks; otherwise the delimiter's first byte (with #double for '::'). */
  #delimiter = -2;
  #double = false;
  #positions: [number, number, number] | undefined;
  #rowAt = 0;
  #colAt = 1;
  #valueAt = 2;
  #fieldCount = 0;
  #wanted = 0;
  readonly #starts = new Int32Array(64);
  readonly #ends = new Int32Array(64);
  #pending: Uint8Array | undefined;
  #lineNumber = 0;
  readonly #rows = new IdIndex();
  readonly #cols = new IdIndex();
  readonly #rowIndices: Growing<Int32Array>;
  readonly #colIndices: Growing<Int32Array>;
  readonly #values: Growing<Float64Array>;
  /** Malformed lines passed over (with skipBadLines). */
  skipped = 0;
  /** The first one passed over, for the report. */
  firstSkipped: { line: number; text: string } | undefined;
  /** Lines beginning with this are comments (MatrixMarket's '%'). */
  readonly #comment: number;
  /** Non-comment lines to pass over before the data (MatrixMarket's size line). */
  #preamble: number;

  /** `expectedLines`: how many lines will come at most (linesIn()), so that the arrays are allocated once. */
  constructor(options: TextOptions & { comment?: string; preamble?: number } = {}, expectedLines = 1024) {
    this.#options = options;
    this.#rowIndices = new Growing(Int32Array, expectedLines);
    this.#colIndices = new Growing(Int32Array, expectedLines);
    this.#values = new Growing(Float64Array, expectedLines);
    this.#comment = options.comment ? options.comment.charCodeAt(0) : -1;
    this.#preamble = options.preamble ?? 0;
  }

  /** Takes the next bytes of the file; a line may span chunks. */
  feed(chunk: Uint8Array): void {
    const bytes = chunk;
    let start = 0;
    if (this.#pending) {
      // The line begun in the last chunk: only it is joined, not the whole chunk.
      const newline = bytes.indexOf(NEWLINE);
      const head = bytes.subarray(0, newline < 0 ? bytes.length : newline);
      const joined = new Uint8Array(this.#pending.length + head.length);
      joined.set(this.#pending);
      joined.set(head, this.#pending.length);
      this.#pending = undefined;
      if (newline < 0) {
        this.#pending = joined;
        return;
      }
      const end = joined.length > 0 && joined[joined.length - 1] === RETURN ? joined.length - 1 : joined.length;
      this.#line(joined, 0, end);
      start = newline + 1;
    }
    for (let end = bytes.indexOf(NEWLINE, start); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
      this.#line(bytes, start, end > start && bytes[end - 1] === RETURN ? end - 1 : end);
      start = end + 1;
    }
    if (start < bytes.length) this.#pending = bytes.slice(start);
  }

  /** The ratings read; call after the last chunk. */
  ratings(): Ratings {
    if (this.#pending) {
      const last = this.#pending;
      this.#pending = undefined;
      this.#line(last, 0, last.length);
    }
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

  #line(bytes: Uint8Array, start: number, end: number): void {
    const n = ++this.#lineNumber;
    while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
    while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
    if (start === end || bytes[start] === this.#comment) return;
    if (this.#preamble > 0) {
      this.#preamble--;
      return;
    }
    if (!this.#positions && this.#firstLine(decoder.decode(bytes.subarray(start, end)))) return;
    const rowAt = this.#rowAt;
    const colAt = this.#colAt;
    const valueAt = this.#valueAt;
    const found = this.#split(bytes, start, end);
    const value = found > valueAt ? this.#number(bytes, this.#starts[valueAt], this.#ends[valueAt]) : this.#options.events ? 1 : NaN;
    if (found < this.#fieldCount || this.#starts[rowAt] === this.#ends[rowAt] || this.#starts[colAt] === this.#ends[colAt] || value !== value || value === Infinity || value === -Infinity) {
      const text = decoder.decode(bytes.subarray(start, end));
      if (this.#options.skipBadLines) {
        this.skipped++;
        this.firstSkipped ??= { line: n, text };
        return;
      }
      throw new RangeError(`line ${n}: expected a row id, a column id and a number, got ${JSON.stringify(text.slice(0, 80))}`);
    }
    this.#rowIndices.push(this.#id(this.#rows, bytes, this.#starts[rowAt], this.#ends[rowAt]));
    this.#colIndices.push(this.#id(this.#cols, bytes, this.#starts[colAt], this.#ends[colAt]));
    this.#values.push(value);
  }

  /** Settles the delimiter, the header and the columns; true when the line was the header. */
  #firstLine(text: string): boolean {
    const delimiter = this.#options.delimiter ?? detectDelimiter(text);
    if (typeof delimiter === 'string' && (delimiter.length === 0 || delimiter.length > 2 || delimiter.charCodeAt(0) > 127 || (delimiter.length === 2 && delimiter !== '::'))) {
      throw new RangeError(`options.delimiter: expected one ASCII character or '::', got ${describe(delimiter)}`);
    }
    this.#delimiter = typeof delimiter === 'string' && delimiter !== ' ' ? delimiter.charCodeAt(0) : -1;
    this.#double = delimiter === '::';
    const fields = text.split(delimiter).map((field) => field.trim());
    // A header names its columns; a value such as NaN or Infinity is a bad rating, not a header.
    // Events may have two fields: then a first line with no digit in either (`user,item`) is the header.
    const header =
      this.#options.header ??
      (fields.length >= 3
        ? !/^\s*[+-]?(\d|\.\d|nan\s*$|inf)/i.test(fields[2])
        : this.#options.events === true && fields.length === 2 && !/\d/.test(fields[0]) && !/\d/.test(fields[1]));
    const names = header ? fields : [];
    const position = (column: number | string | undefined, fallback: number) => {
      if (column === undefined) return fallback;
      if (typeof column === 'number') return column;
      const at = names.indexOf(column);
      if (at < 0) throw new RangeError(`options.columns: no column named ${describe(column)} in the header [${names.join(', ')}]`);
      return at;
    };
    const columns = this.#options.columns ?? [];
    this.#positions = [position(columns[0], 0), position(columns[1], 1), position(columns[2], 2)];
    [this.#rowAt, this.#colAt, this.#valueAt] = this.#positions;
    // Fields looked for on each line, and fields a line must have (events may leave out the value).
    this.#wanted = Math.max(...this.#positions) + 1;
    this.#fieldCount = this.#options.events ? Math.max(this.#rowAt, this.#colAt) + 1 : this.#wanted;
    if (this.#wanted > this.#starts.length) throw new RangeError(`options.columns: expected positions below ${this.#starts.length}`);
    return header;
  }

  /** Finds the first fields' [start, end) on the line, blanks trimmed; returns how many it found. */
  #split(bytes: Uint8Array, start: number, end: number): number {
    const starts = this.#starts;
    const ends = this.#ends;
    const wanted = this.#wanted;
    const delimiter = this.#delimiter;
    let found = 0;
    let at = start;
    while (found < wanted) {
      let stop = at;
      if (delimiter < 0) {
        while (stop < end && bytes[stop] !== SPACE && bytes[stop] !== TAB) stop++;
      } else {
        while (stop < end && !(bytes[stop] === delimiter && (!this.#double || bytes[stop + 1] === COLON))) stop++;
      }
      let s = at;
      let e = stop;
      while (s < e && (bytes[s] === SPACE || bytes[s] === TAB)) s++;
      while (e > s && (bytes[e - 1] === SPACE || bytes[e - 1] === TAB)) e--;
      starts[found] = s;
      ends[found] = e;
      found++;
      if (stop >= end) break;
      at = stop + (this.#double ? 2 : 1);
      if (delimiter < 0) while (at < end && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
    }
    return found;
  }

  /** A plain decimal (-?digits[.digits], at most 15 digits) exactly as Number() reads it; otherwise Number(). */
  #number(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    const negative = bytes[i] === 45;
    if (negative || bytes[i] === 43) i++;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let point = false;
    for (; i < end; i++) {
      const c = bytes[i];
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        if (point) scale++;
      } else if (c === 46 && !point) point = true;
      else break;
    }
    // Both exact below 2^53 and 10^22, so one correctly rounded division gives Number()'s answer.
    if (i === end && digits > 0 && digits <= 15 && scale <= 22) {
      const value = scale ? mantissa / POWERS_OF_TEN[scale] : mantissa;
      return negative ? -value : value;
    }
    const text = decoder.decode(bytes.subarray(start, end));
    return text === '' ? NaN : Number(text);
  }

  /** The index of the id at [start, end): integers without making a string, text through the id map. */
  #id(index: IdIndex, bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    // Up to 7 digits: below TABLE_LIMIT (2^24), so the table holds it.
    if (length <= 7 && (length === 1 || bytes[start] !== 48)) {
      let number = 0;
      let i = start;
      for (; i < end; i++) {
        const digit = bytes[i] - 48;
        if (digit < 0 || digit > 9) break;
        number = number * 10 + digit;
      }
      if (i === end) {
        const known = index.indexOfInteger(number);
        return known >= 0 ? known : index.addInteger(number, decoder.decode(bytes.subarray(start, end)));
      }
    }
    return index.of(decoder.decode(bytes.subarray(start, end)));
  }
}

/**
 * Delimited text (CSV, TSV, MovieLens `ratings.csv` and `u.data`, `user item rating` lines) → Ratings.
 * Ids stay strings, as written. A malformed line is an error naming its number and content.
 */
export function parseRatings(text: string, options: TextOptions = {}): Ratings {
  if (typeof text !== 'string') throw new TypeError(`parseRatings: expected text, got ${describe(text)}`);
  const reader = new RatingsReader(options, linesIn(text));
  try {
    reader.feed(new TextEncoder().encode(text));
    return reader.ratings();
  } catch (error) {
    (error as Error).message = `parseRatings: ${(error as Error).message}`;
    throw error;
  }
}

/**
 * The same observations with each repeated (row, column) pair kept once, its values summed: an event log
 * (a line per play or click) as counts, which is what a solver of events takes. Order: first occurrence.
 */
export function sumDuplicates<T extends { rows: number; cols: number; rowIndices: ArrayLike<number>; colIndices: ArrayLike<number>; values: ArrayLike<number> }>(data: T): T {
  if (typeof data !== 'object' || data === null || data.values?.length === undefined) {
    throw new TypeError(`sumDuplicates: expected { rows, cols, rowIndices, colIndices, values }, got ${describe(data)}`);
  }
  const n = data.values.length;
  const first = new Map<number, number>();
  const keep: number[] = [];
  const sums: number[] = [];
  for (let t = 0; t < n; t++) {
    const key = data.rowIndices[t] * data.cols + data.colIndices[t];
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, keep.length);
      keep.push(t);
      sums.push(data.values[t]);
    } else {
      sums[at] += data.values[t];
    }
  }
  return {
    ...data,
    rowIndices: Int32Array.from(keep, (t) => data.rowIndices[t]),
    colIndices: Int32Array.from(keep, (t) => data.colIndices[t]),
    values: Float64Array.from(sums),
  };
}
