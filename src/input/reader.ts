// Delimited text (CSV, TSV, MovieLens files, `user item rating` lines) → Ratings: a streaming reader that
// detects the delimiter and header and keeps ids as written, for parseRatings() and the command line's files.
import { describe } from '../check/describe.js';
import { optionsOf } from '../check/validate.js';
import { IdIndex, type Ratings } from './ratings.js';
import { MODEL_SIGNATURE, startsLikeModel } from '../formats/model-file.js';

export interface TextOptions {
  /** Column separator; default: detected (tab, '::', comma, ';' or runs of spaces). */
  delimiter?: string;
  /** Whether the first line names the columns; default: detected (a non-numeric third field). */
  header?: boolean;
  /**
   * Columns of the row id, column id and value, by 0-based position or header name. Default 0, 1, 2. Events may
   * name two (no value column: every line counts 1).
   */
  columns?: [number | string, number | string, number | string] | [number | string, number | string];
  /** Count malformed lines and go on, instead of stopping at the first. Default false. */
  skipBadLines?: boolean;
  /**
   * Events (`user,item[,count]`): the value column is optional and counts 1 where it is missing. A first
   * line of two fields is taken for a header when neither has a digit (`user,item`); say `header` to decide.
   * Default false.
   */
  events?: boolean;
}

/** A field as CSV quotes it (`"user"`, `"say ""hi"""`): its text, two quotes inside as one; any other field as it is. */
export function unquoted(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
}

/**
 * The first line's fields, split as #split splits a line (the delimiter inside a field CSV quotes is part of it), each
 * trimmed and unquoted (`"user"`; two quotes inside are one).
 */
function firstFields(text: string, delimiter: string | RegExp): string[] {
  const pieces = text.split(delimiter);
  const joiner = typeof delimiter === 'string' ? delimiter : ' ';
  const closed = /^\s*"(?:[^"]|"")*"\s*$/;
  const fields: string[] = [];
  for (let p = 0; p < pieces.length; p++) {
    let field = pieces[p];
    // A piece that opens a quote it does not close takes the next ones, with the delimiter between them.
    while (field.trimStart().startsWith('"') && !closed.test(field) && p + 1 < pieces.length) field += joiner + pieces[++p];
    fields.push(unquoted(field.trim()));
  }
  return fields;
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes('\t')) return '\t';
  if (line.includes('::')) return '::';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return / +/;
}

/**
 * The ratings read so far: row and column indices and values, one push a rating into arrays allocated once at
 * the expected count when the caller knows it (the lines of a file or text: then reading holds each rating once,
 * 12 bytes with float32 values, 16 without, and returns the arrays themselves), else grown by doubling.
 */
class Triples {
  length = 0;
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array | Float32Array;
  /** Float32Array values, to be widened on the first value float32 does not hold. */
  #narrow = true;
  constructor(expected: number) {
    const capacity = Math.max(1, expected);
    this.rows = new Int32Array(capacity);
    this.cols = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
  }
  push(row: number, col: number, value: number): void {
    if (this.#narrow && Math.fround(value) !== value) {
      // Values are kept in float32 while every one is a float32 value (ratings such as 1…5 in half steps:
      // 4 bytes each, not 8); the first that is not widens them all, exactly.
      const wider = new Float64Array(this.values.length);
      wider.set(this.values);
      this.values = wider;
      this.#narrow = false;
    }
    const at = this.length;
    if (at === this.rows.length) this.#grow();
    this.rows[at] = row;
    this.cols[at] = col;
    this.values[at] = value;
    this.length = at + 1;
  }
  #grow(): void {
    const bigger = <T extends Int32Array | Float32Array | Float64Array>(array: T): T => {
      const grown = new (array.constructor as new (n: number) => T)(array.length * 2);
      grown.set(array);
      return grown;
    };
    this.rows = bigger(this.rows);
    this.cols = bigger(this.cols);
    this.values = bigger(this.values);
  }
  /** The arrays, as long as what was read. */
  done(): { rowIndices: Int32Array; colIndices: Int32Array; values: Float64Array | Float32Array } {
    // Nearly full (the expected length was right, less a header or blank lines): the arrays themselves, no copy.
    const exact = this.length >= 0.99 * this.rows.length;
    const part = <T extends Int32Array | Float32Array | Float64Array>(array: T) => (exact ? array.subarray(0, this.length) : array.slice(0, this.length)) as T;
    return { rowIndices: part(this.rows), colIndices: part(this.cols), values: part(this.values) };
  }
}

/** Lines in `bytes` (newlines, plus one for a last line without one): what a reader of them can expect at most. */
export function linesIn(bytes: Uint8Array | string): number {
  let count = 1;
  if (typeof bytes === 'string') {
    for (let at = bytes.indexOf('\n'); at >= 0; at = bytes.indexOf('\n', at + 1)) count++;
  } else {
    // Four bytes at a time where they are aligned: a search call per line costs more than the line's bytes.
    const head = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
    const words = (bytes.length - head) >>> 2;
    const tail = head + 4 * words;
    for (let at = 0; at < head; at++) if (bytes[at] === NEWLINE) count++;
    if (words > 0) {
      const view = new Uint32Array(bytes.buffer, bytes.byteOffset + head, words);
      for (let w = 0; w < words; w++) count += newlinesIn(view[w]);
    }
    for (let at = tail; at < bytes.length; at++) if (bytes[at] === NEWLINE) count++;
  }
  return count;
}

/** The newline bytes of a 32-bit word: each byte of x = word ^ 0x0a0a0a0a is 0 exactly where one is (no carry crosses bytes). */
function newlinesIn(word: number): number {
  const x = word ^ 0x0a0a0a0a;
  const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
  // One high bit per newline byte: brought down to the bytes' low bits and summed into the top byte.
  return Math.imul((zero >>> 7) & 0x01010101, 0x01010101) >>> 24;
}

const decoder = new TextDecoder();
/** Ids must be UTF-8: two ids whose bytes are not (Latin-1's café and cafè) would both read as "caf\uFFFD", one id. */
const idDecoder = new TextDecoder('utf-8', { fatal: true });
const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const COLON = 58;
const QUOTE = 34;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The number scanId or scanDecimal read last, in scanned[0] (no object per field; a typed array's slot is quicker than a module variable's). */
const scanned = new Float64Array(1);

/**
 * From `at`, a plain-integer id — 1 to 7 digits (below IdIndex's table limit, 2^24), no leading zero unless
 * alone — as far as `end` or the first other byte: returns where it stops (scanned[0]: its value), or −1.
 */
function scanId(bytes: Uint8Array, at: number, end: number): number {
  const start = at;
  let number = 0;
  for (; at < end; at++) {
    const digit = bytes[at] - 48;
    if (digit < 0 || digit > 9) break;
    number = number * 10 + digit;
  }
  const length = at - start;
  if (length === 0 || length > 7 || (length > 1 && bytes[start] === 48)) return -1;
  scanned[0] = number;
  return at;
}

/**
 * From `at`, a plain decimal — digits with at most one point, 1 to 15 digits — as far as `end` or the first other
 * byte: returns where it stops (scanned[0]: exactly the number Number() reads from it), or −1.
 */
function scanDecimal(bytes: Uint8Array, at: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let point = false;
  for (; at < end; at++) {
    const c = bytes[at];
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (point) scale++;
    } else if (c === 46 && !point) point = true;
    else break;
  }
  if (digits === 0 || digits > 15) return -1;
  // Both exact below 2^53 and 10^22, so one correctly rounded division gives Number()'s answer.
  scanned[0] = scale ? mantissa / POWERS_OF_TEN[scale] : mantissa;
  return at;
}

/**
 * Where the field after a delimiter at `at` starts (past a run of blanks for `delimiter` −1, past both bytes of
 * '::' when `double`), or −1 if none is there.
 */
function pastDelimiter(bytes: Uint8Array, at: number, delimiter: number, double: boolean): number {
  if (at >= bytes.length) return -1;
  if (double) return bytes[at] === COLON && at + 1 < bytes.length && bytes[at + 1] === COLON ? at + 2 : -1;
  if (delimiter >= 0) return bytes[at] === delimiter ? at + 1 : -1;
  if (bytes[at] !== SPACE && bytes[at] !== TAB) return -1;
  while (at < bytes.length && (bytes[at] === SPACE || bytes[at] === TAB)) at++;
  return at;
}

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
  /** Whether the field is quoted with a doubled quote inside: its text is then not its bytes as they are. */
  readonly #escaped = new Uint8Array(64);
  #pending: Uint8Array | undefined;
  #lineNumber = 0;
  readonly #rows = new IdIndex();
  readonly #cols = new IdIndex();
  readonly #read: Triples;
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
    this.#read = new Triples(expectedLines);
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
    let fast = false;
    for (;;) {
      if (fast || (fast = this.#fastPath())) {
        // Most lines of most files: `id,id,value[,…]` read in one pass; any other line goes the general way.
        const next = this.#plainLine(bytes, start);
        if (next >= 0) {
          start = next;
          continue;
        }
      }
      const end = bytes.indexOf(NEWLINE, start);
      if (end < 0) break;
      this.#line(bytes, start, end > start && bytes[end - 1] === RETURN ? end - 1 : end);
      start = end + 1;
    }
    if (start < bytes.length) this.#pending = bytes.slice(start);
  }

  /** Whether lines may go through #plainLine: the columns settled as row, column, value. */
  #fastPath(): boolean {
    return this.#positions !== undefined && this.#preamble === 0 &&
      this.#rowAt === 0 && this.#colAt === 1 && this.#valueAt === 2 && !(this.#comment >= 48 && this.#comment <= 57);
  }

  /**
   * A line that starts at `start` and is a plain integer id (no leading zero, ≤ 7 digits), the delimiter (one byte,
   * '::' or a run of blanks), another, the delimiter and a plain decimal (digits with at most one point, ≤ 15 digits) ending the
   * line or followed by the delimiter (further fields passed over): read as #line would read it, without the search for the line's end,
   * the field split and the calls. Returns where the next line starts, or −1 (nothing read) for any other line,
   * one not whole in `bytes` included.
   */
  #plainLine(bytes: Uint8Array, start: number): number {
    const delimiter = this.#delimiter;
    const length = bytes.length;
    // The two ids and the value.
    const rowStart = start;
    const rowEnd = scanId(bytes, rowStart, length);
    if (rowEnd < 0) return -1;
    const row = scanned[0];
    const double = this.#double;
    const colStart = pastDelimiter(bytes, rowEnd, delimiter, double);
    const colEnd = colStart < 0 ? -1 : scanId(bytes, colStart, length);
    if (colEnd < 0) return -1;
    const col = scanned[0];
    const valueStart = pastDelimiter(bytes, colEnd, delimiter, double);
    const at = valueStart < 0 ? -1 : scanDecimal(bytes, valueStart, length);
    if (at < 0 || at >= length) return -1;
    const value = scanned[0];
    // The line's end: a newline, a return then a newline, or the delimiter, further fields, then a newline.
    let end = at;
    if (double ? pastDelimiter(bytes, at, delimiter, true) > 0 : bytes[at] === delimiter || (delimiter < 0 && (bytes[at] === SPACE || bytes[at] === TAB))) {
      end = bytes.indexOf(NEWLINE, at);
      if (end < 0) return -1;
    } else if (bytes[at] === RETURN) {
      if (at + 1 >= length || bytes[at + 1] !== NEWLINE) return -1;
      end = at + 1;
    } else if (bytes[at] !== NEWLINE) {
      return -1;
    }
    this.#lineNumber++;
    this.#read.push(this.#integerId(this.#rows, row), this.#integerId(this.#cols, col), value);
    return end + 1;
  }

  /**
   * The index of a plain-integer id read as `number` (scanId's: no leading zero, so its text is String(number); no
   * view of the bytes and no decoding per new id).
   */
  #integerId(index: IdIndex, number: number): number {
    const known = index.indexOfInteger(number);
    return known >= 0 ? known : this.#newInteger(index, number);
  }

  /**
   * A new plain-integer id's index. Out of line: inlined into the per-line path, the string made here had V8 box
   * every line's value (tens of megabytes of garbage over 10^7 lines).
   */
  #newInteger(index: IdIndex, number: number): number {
    return index.addInteger(number, String(number));
  }

  /** The ratings read; call after the last chunk. */
  ratings(): Ratings {
    if (this.#pending) {
      const last = this.#pending;
      this.#pending = undefined;
      this.#line(last, 0, last.length);
    }
    if (this.#read.length === 0) throw new RangeError('expected at least one rating, got none');
    return {
      rows: this.#rows.ids.length,
      cols: this.#cols.ids.length,
      ...this.#read.done(),
      rowIds: this.#rows.ids,
      colIds: this.#cols.ids,
    };
  }

  #line(bytes: Uint8Array, start: number, end: number): void {
    const n = ++this.#lineNumber;
    if (n === 1 && startsLikeModel(bytes, start)) {
      throw new RangeError(`line 1: this is an mfwasm model file (it begins "${MODEL_SIGNATURE}"), not ratings: expected lines of a row id, a column id and a number`);
    }
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
    const value = valueAt >= 0 && found > valueAt ? this.#number(bytes, this.#starts[valueAt], this.#ends[valueAt]) : this.#options.events ? 1 : NaN;
    if (found < this.#fieldCount || this.#starts[rowAt] === this.#ends[rowAt] || this.#starts[colAt] === this.#ends[colAt] || value !== value || value === Infinity || value === -Infinity) {
      const text = decoder.decode(bytes.subarray(start, end));
      if (this.#options.skipBadLines) {
        this.skipped++;
        this.firstSkipped ??= { line: n, text };
        return;
      }
      throw new RangeError(`line ${n}: expected a row id, a column id and a number, got ${JSON.stringify(text.slice(0, 80))}`);
    }
    this.#read.push(this.#id(this.#rows, bytes, rowAt), this.#id(this.#cols, bytes, colAt), value);
  }

  /** Settles the delimiter, the header and the columns; true when the line was the header. */
  #firstLine(text: string): boolean {
    const delimiter = this.#options.delimiter ?? detectDelimiter(text);
    if (typeof delimiter === 'string' && (delimiter.length === 0 || delimiter.length > 2 || delimiter.charCodeAt(0) > 127 || (delimiter.length === 2 && delimiter !== '::'))) {
      throw new RangeError(`options.delimiter: expected one ASCII character or '::', got ${describe(delimiter)}`);
    }
    this.#delimiter = typeof delimiter === 'string' && delimiter !== ' ' ? delimiter.charCodeAt(0) : -1;
    this.#double = delimiter === '::';
    const fields = firstFields(text, delimiter);
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
      if (at < 0) throw new RangeError(`options.columns: no column named ${JSON.stringify(column)} in the header [${names.join(', ')}]`);
      return at;
    };
    const columns = this.#options.columns ?? [];
    if (columns.length === 2 && !this.#options.events) {
      throw new RangeError('options.columns: expected a row, a column and a value column; two columns (no value) are for events');
    }
    const valueAt = columns.length === 2 ? -1 : position(columns[2], 2);
    this.#positions = [position(columns[0], 0), position(columns[1], 1), valueAt];
    [this.#rowAt, this.#colAt, this.#valueAt] = this.#positions;
    // Fields looked for on each line, and fields a line must have (events may leave out the value).
    this.#wanted = Math.max(...this.#positions) + 1;
    this.#fieldCount = this.#options.events ? Math.max(this.#rowAt, this.#colAt) + 1 : this.#wanted;
    if (this.#wanted > this.#starts.length) throw new RangeError(`options.columns: expected positions below ${this.#starts.length}`);
    return header;
  }

  /**
   * Finds the first fields' [start, end) on the line, blanks trimmed, and inside the quotes of a field CSV quotes
   * (which may hold the delimiter; two quotes in it are one); returns how many it found, 0 for a quote left open
   * or text after a closing quote.
   */
  #split(bytes: Uint8Array, start: number, end: number): number {
    const starts = this.#starts;
    const ends = this.#ends;
    const wanted = this.#wanted;
    const delimiter = this.#delimiter;
    let found = 0;
    let at = start;
    while (found < wanted) {
      let stop = at;
      let opening = at;
      while (opening < end && (bytes[opening] === SPACE || bytes[opening] === TAB) && bytes[opening] !== delimiter) opening++;
      this.#escaped[found] = 0;
      if (opening < end && bytes[opening] === QUOTE) {
        let closing = opening + 1;
        for (;;) {
          if (closing >= end) return 0;
          if (bytes[closing] === QUOTE) {
            if (bytes[closing + 1] !== QUOTE) break;
            this.#escaped[found] = 1;
            closing++;
          }
          closing++;
        }
        starts[found] = opening + 1;
        ends[found] = closing;
        // Past the closing quote: the line's end, or the delimiter after blanks (for blank-separated fields, a blank).
        stop = closing + 1;
        if (delimiter < 0) {
          if (stop < end && bytes[stop] !== SPACE && bytes[stop] !== TAB) return 0;
        } else {
          while (stop < end && (bytes[stop] === SPACE || bytes[stop] === TAB) && bytes[stop] !== delimiter) stop++;
          if (stop < end && (bytes[stop] !== delimiter || (this.#double && bytes[stop + 1] !== COLON))) return 0;
        }
      } else {
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
      }
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
    if (scanDecimal(bytes, i, end) === end) return negative ? -scanned[0] : scanned[0];
    const text = decoder.decode(bytes.subarray(start, end));
    return text === '' ? NaN : Number(text);
  }

  /** The index of the id in field `field` of the line: integers without making a string, text through the id map. */
  #id(index: IdIndex, bytes: Uint8Array, field: number): number {
    const start = this.#starts[field];
    const end = this.#ends[field];
    if (scanId(bytes, start, end) === end && !this.#escaped[field]) return this.#integerId(index, scanned[0]);
    let text: string;
    try {
      text = idDecoder.decode(bytes.subarray(start, end));
    } catch {
      throw new RangeError(
        `line ${this.#lineNumber}: the id ${JSON.stringify(decoder.decode(bytes.subarray(start, end)))} is not UTF-8 text (Latin-1 or another encoding?); ` +
          'save the file as UTF-8 (read as UTF-8, ids in another encoding could not be told apart)',
      );
    }
    return index.of(this.#escaped[field] ? text.replace(/""/g, '"') : text);
  }
}

/**
 * Delimited text (CSV, TSV, MovieLens `ratings.csv` and `u.data`, `user item rating` lines) → Ratings.
 * Ids stay strings, as written. A malformed line is an error naming its number and content.
 */
export function parseRatings(text: string, options: TextOptions = {}): Ratings {
  optionsOf('parseRatings: options', options, ['delimiter', 'header', 'columns', 'skipBadLines', 'events']);
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
