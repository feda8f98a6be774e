// Parquet, as Spark writes a saved ALS model's factor tables: the footer (Thrift compact protocol), data pages
// v1 and v2, PLAIN and dictionary encodings, RLE/bit-packed levels, uncompressed or snappy. Read for two kinds
// of column only — a flat integer column (`id`) and a list of numbers (`features`) — straight into typed
// arrays, with no object per row. Anything else in a file is an error naming it, never a wrong answer.

/** A file's columns as read: integer columns and list columns, by name. */
export interface ParquetColumns {
  rows: number;
  /** Flat int32/int64 columns (values as numbers). */
  integers: Map<string, Float64Array>;
  /** list<float|double> columns: row r's list is values[offsets[r] … offsets[r + 1]). */
  lists: Map<string, { offsets: Int32Array; values: Float32Array | Float64Array }>;
}

type Thrift = Map<number, unknown>;

/** A position in bytes[…end): bytes, LEB128 varints and zigzag integers; `past` is the error for reading beyond. */
class Cursor {
  constructor(readonly bytes: Uint8Array, public at: number, readonly end: number, readonly fail: (why: string) => never, readonly past: string) {}
  byte(): number {
    if (this.at >= this.end) this.fail(this.past);
    return this.bytes[this.at++];
  }
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
    return this.fail(this.past);
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
}

/** A reader of the Thrift compact protocol over bytes (what Parquet's footer and page headers are written in). */
class Compact extends Cursor {
  constructor(bytes: Uint8Array, at: number, fail: (why: string) => never) {
    super(bytes, at, bytes.length, fail, 'a header runs past the end of the file');
  }
  value(type: number): unknown {
    switch (type) {
      case 1: return true;
      case 2: return false;
      case 3: return (this.byte() << 24) >> 24;
      case 4: case 5: case 6: return this.zigzag();
      case 7: {
        this.at += 8;
        if (this.at > this.bytes.length) this.fail('a header runs past the end of the file');
        return new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at - 8, 8).getFloat64(0, true);
      }
      case 8: {
        const length = this.varint();
        const start = this.at;
        this.at += length;
        if (this.at > this.bytes.length) this.fail('a header runs past the end of the file');
        return this.bytes.subarray(start, this.at);
      }
      case 9: case 10: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const element = header & 15;
        const list: unknown[] = [];
        for (let n = 0; n < size; n++) list.push(element === 1 || element === 2 ? this.byte() === 1 : this.value(element));
        return list;
      }
      case 11: {
        const size = this.varint();
        if (size > 0) {
          const types = this.byte();
          for (let n = 0; n < size; n++) {
            this.value(types >> 4);
            this.value(types & 15);
          }
        }
        return undefined;
      }
      case 12: return this.struct();
      default: return this.fail(`an unknown field type ${type} in a header`);
    }
  }
  struct(): Thrift {
    const fields: Thrift = new Map();
    let id = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return fields;
      const delta = header >> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      fields.set(id, this.value(header & 15));
    }
  }
}

const text = (value: unknown) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : undefined);

/** Typed reads of a decoded Thrift struct: a field of the wrong kind means a corrupt file, and says so. */
function fieldsOf(value: unknown, what: string, fail: (why: string) => never) {
  if (!(value instanceof Map)) return fail(`corrupt: ${what} is malformed`);
  const struct = value as Thrift;
  return {
    has: (id: number) => struct.has(id),
    /** A whole number ≥ 0 (or `fallback` when the field is absent, if given). */
    count(id: number, fallback?: number): number {
      const v = struct.get(id);
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return fail(`corrupt: ${what}: field ${id} is not a count`);
      return v;
    },
    flag: (id: number, fallback: boolean) => (typeof struct.get(id) === 'boolean' ? (struct.get(id) as boolean) : fallback),
    text: (id: number) => text(struct.get(id)),
    struct: (id: number, name: string) => fieldsOf(struct.get(id), `${what}'s ${name}`, fail),
    structs(id: number, name: string) {
      const list = struct.get(id) ?? [];
      if (!Array.isArray(list)) return fail(`corrupt: ${what}'s ${name} is malformed`);
      return list.map((item, n) => fieldsOf(item, `${what}'s ${name} ${n}`, fail));
    },
    texts(id: number, name: string): string[] {
      const list = struct.get(id) ?? [];
      if (!Array.isArray(list) || list.some((item) => !(item instanceof Uint8Array))) return fail(`corrupt: ${what}'s ${name} is malformed`);
      return list.map((item) => text(item)!);
    },
  };
}
type Fields = ReturnType<typeof fieldsOf>;

/** Snappy's block format (Parquet's SNAPPY codec) into `out` (its length is the page's uncompressed size). */
function unsnappy(input: Uint8Array, out: Uint8Array, fail: (why: string) => never): void {
  // The preamble: the uncompressed length.
  const preamble = new Cursor(input, 0, input.length, fail, 'corrupt snappy data');
  const length = preamble.varint();
  let at = preamble.at;
  if (length !== out.length) fail(`snappy data of ${length} bytes where the page header says ${out.length}`);
  let written = 0;
  while (at < input.length) {
    const tag = input[at++];
    const kind = tag & 3;
    if (kind === 0) {
      let size = tag >> 2;
      if (size >= 60) {
        const extra = size - 59;
        size = 0;
        for (let b = 0; b < extra; b++) size += input[at++] * 2 ** (8 * b);
      }
      size += 1;
      if (at + size > input.length || written + size > out.length) fail('corrupt snappy data (a literal runs past the end)');
      out.set(input.subarray(at, at + size), written);
      at += size;
      written += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[at++];
    } else if (kind === 2) {
      size = (tag >> 2) + 1;
      offset = input[at] | (input[at + 1] << 8);
      at += 2;
    } else {
      size = (tag >> 2) + 1;
      offset = (input[at] | (input[at + 1] << 8) | (input[at + 2] << 16) | (input[at + 3] << 24)) >>> 0;
      at += 4;
    }
    if (offset === 0 || offset > written || written + size > out.length) fail('corrupt snappy data (a copy out of range)');
    if (offset >= size) out.copyWithin(written, written - offset, written - offset + size);
    else for (let b = 0; b < size; b++) out[written + b] = out[written - offset + b];
    written += size;
  }
  if (written !== out.length) fail(`snappy data gave ${written} bytes where the page header says ${out.length}`);
}

/** `count` values of the RLE/bit-packed hybrid encoding at bytes[at…end) of `width` bits, into `out`. */
function hybrid(bytes: Uint8Array, at: number, end: number, width: number, count: number, out: Int32Array, fail: (why: string) => never): void {
  // Levels take a bit or two, dictionary indices up to 24 bits (16M entries): the 32-bit buffer below holds them.
  if (width > 24) fail(`a bit width of ${width} in levels or indices`);
  let n = 0;
  const valueBytes = (width + 7) >> 3;
  const cursor = new Cursor(bytes, at, end, fail, 'levels or indices run past their data');
  while (n < count) {
    const header = cursor.varint();
    at = cursor.at;
    if (header % 2 === 0) {
      const run = header / 2;
      if (run === 0 || at + valueBytes > end) fail('levels or indices run past their data');
      let value = 0;
      for (let b = 0; b < valueBytes; b++) value |= bytes[at++] << (8 * b);
      out.fill(value, n, Math.min(count, n + run));
      n += run;
    } else {
      const values = ((header - 1) / 2) * 8;
      let bits = 0;
      let buffer = 0;
      const mask = (1 << width) - 1;
      if (at + (values / 8) * width > end) fail('levels or indices run past their data');
      for (let v = 0; v < values; v++) {
        while (bits < width) {
          buffer |= bytes[at++] << bits;
          bits += 8;
        }
        if (n < count) out[n] = buffer & mask;
        n++;
        buffer >>>= width;
        bits -= width;
      }
    }
    cursor.at = at;
  }
}

const bitWidth = (max: number) => (max === 0 ? 0 : 32 - Math.clz32(max));

/** One column chunk's values, levels and dictionary, decoded page by page. */
interface Chunk {
  repetition: Int32Array;
  definition: Int32Array;
  /** The values present (definition at its maximum), in order. */
  values: Float64Array | Float32Array;
  present: number;
}

/**
 * The Parquet file's flat integer columns and list-of-number columns, straight into typed arrays. `where` names
 * the file in errors. Columns of other kinds are skipped; lists of lists are errors.
 */
export function readParquet(bytes: Uint8Array, where: string): ParquetColumns {
  const fail = (why: string): never => {
    throw new RangeError(`${where}: ${why}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = (at: number) => bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
  if (bytes.length < 12 || !magic(0) || !magic(bytes.length - 4)) fail('not a Parquet file (no PAR1 at both ends: truncated, or another format)');
  const footerLength = view.getUint32(bytes.length - 8, true);
  if (footerLength > bytes.length - 12) fail('truncated: its footer is longer than the file');
  const meta = fieldsOf(new Compact(bytes, bytes.length - 8 - footerLength, fail).struct(), 'the footer', fail);
  if (!meta.has(2)) fail('no schema in the footer');
  const schema = meta.structs(2, 'schema');
  const rows = meta.count(3, 0);
  if (rows > 2 ** 31 - 2) fail(`corrupt: ${rows} rows`);
  // The leaves under the root, with their path, their levels' maxima and their type.
  interface Leaf { path: string; type: number; maxRepetition: number; maxDefinition: number; list: boolean }
  const leaves: Leaf[] = [];
  let at = 1;
  const walk = (path: string[], repetition: number, definition: number) => {
    const element = schema[at++] ?? fail('corrupt: a schema shorter than it says');
    const name = element.text(4) ?? '';
    const kind = element.count(3, 0); // 0 required, 1 optional, 2 repeated
    const r = repetition + (kind === 2 ? 1 : 0);
    const d = definition + (kind === 0 ? 0 : 1);
    const children = element.count(5, 0);
    if (children > schema.length) fail('corrupt: a schema longer than it is');
    if (children > 0) {
      for (let c = 0; c < children; c++) walk([...path, name], r, d);
    } else {
      leaves.push({ path: [...path, name].join('.'), type: element.count(1, -1), maxRepetition: r, maxDefinition: d, list: r > 0 });
    }
  };
  const rootChildren = schema[0]?.count(5, 0) ?? 0;
  if (rootChildren > schema.length) fail('corrupt: a schema longer than it is');
  for (let c = 0; c < rootChildren; c++) walk([], 0, 0);
  const integers = new Map<string, Float64Array>();
  const lists = new Map<string, { offsets: Int32Array; values: Float32Array | Float64Array }>();
  const groups = meta.structs(4, 'row groups');
  const parts = new Map<string, Chunk[]>();
  for (const group of groups) {
    const chunks = group.structs(1, 'columns');
    chunks.forEach((chunk) => {
      if (!chunk.has(3)) fail('a column chunk without its metadata');
      const column = chunk.struct(3, 'metadata');
      const path = column.texts(3, 'path').join('.');
      const leaf = leaves.find((l) => l.path === path);
      // Read: flat integer columns (int32, int64) and lists of numbers (float, double); others are skipped.
      if (!leaf || (leaf.list ? leaf.type !== 4 && leaf.type !== 5 : leaf.type !== 1 && leaf.type !== 2)) return;
      if (leaf.maxRepetition > 1) fail(`column ${path}: nested lists are not read`);
      const list = parts.get(path) ?? [];
      list.push(readChunk(bytes, column, leaf, fail, path));
      parts.set(path, list);
    });
  }
  for (const leaf of leaves) {
    const chunks = parts.get(leaf.path);
    if (!chunks) continue;
    const name = leaf.list ? leaf.path.split('.')[0] : leaf.path;
    if (!leaf.list) {
      const values = new Float64Array(rows);
      let n = 0;
      for (const chunk of chunks) {
        if (chunk.present !== chunk.definition.length && leaf.maxDefinition > 0) fail(`column ${leaf.path}: a null where an integer was expected`);
        if (n + chunk.present > rows) fail(`column ${leaf.path}: more values than the file's ${rows} rows`);
        values.set(chunk.values.subarray(0, chunk.present), n);
        n += chunk.present;
      }
      if (n !== rows) fail(`column ${leaf.path}: ${n} values for the file's ${rows} rows`);
      integers.set(name, values);
      continue;
    }
    const offsets = new Int32Array(rows + 1);
    let total = 0;
    for (const chunk of chunks) total += chunk.present;
    const Values = leaf.type === 4 ? Float32Array : Float64Array;
    const values = new Values(total);
    let row = -1;
    let written = 0;
    for (const chunk of chunks) {
      values.set(chunk.values.subarray(0, chunk.present), written);
      for (let t = 0; t < chunk.definition.length; t++) {
        if (chunk.repetition[t] === 0) {
          row++;
          if (row >= rows) fail(`column ${leaf.path}: more rows than the file's ${rows}`);
          offsets[row] = written;
        }
        if (chunk.definition[t] === leaf.maxDefinition) written++;
        else if (chunk.definition[t] === leaf.maxDefinition - 1 && leaf.maxDefinition >= 3) fail(`column ${leaf.path}: a null inside a list`);
      }
      offsets[row + 1] = written;
    }
    if (row + 1 !== rows) fail(`column ${leaf.path}: ${row + 1} lists for the file's ${rows} rows`);
    lists.set(name, { offsets, values });
  }
  return { rows, integers, lists };
}

/** A column chunk's pages: dictionary, then data pages v1 or v2. */
function readChunk(bytes: Uint8Array, column: Fields, leaf: { type: number; maxRepetition: number; maxDefinition: number }, fail: (why: string) => never, path: string): Chunk {
  const problem = (why: string): never => fail(`column ${path}: ${why}`);
  const codec = column.count(4);
  if (codec !== 0 && codec !== 1) problem(`compressed with codec ${codec}; only uncompressed and snappy (Spark's default) are read`);
  const count = column.count(5);
  const dictionaryAt = column.count(11, 0);
  const first = dictionaryAt > 0 ? dictionaryAt : column.count(9);
  const size = column.count(7);
  if (!(first >= 4 && first + size <= bytes.length - 8)) problem('its pages lie outside the file (truncated?)');
  // Every value takes at least a bit of its pages once uncompressed: a larger count is a corrupt header.
  if (count > 8 * Math.max(size, column.count(6, 0)) + 8 || count > 2 ** 31 - 2) problem(`corrupt: ${count} values in ${size} bytes`);
  const repetition = new Int32Array(count);
  const definition = new Int32Array(count);
  const valueSize = leaf.type === 1 || leaf.type === 4 ? 4 : 8;
  const values = leaf.type === 4 ? new Float32Array(count) : new Float64Array(count);
  let dictionary: Float64Array | Float32Array | undefined;
  let n = 0;
  let present = 0;
  let at = first;
  let scratch = new Int32Array(0);
  while (n < count) {
    if (at >= first + size) problem(`${count - n} of its ${count} values missing (truncated?)`);
    const reader = new Compact(bytes, at, fail);
    const header = fieldsOf(reader.struct(), `column ${path}'s page header`, fail);
    const type = header.count(1);
    const uncompressedSize = header.count(2);
    const compressedSize = header.count(3);
    if (uncompressedSize > 2 ** 30) problem(`corrupt: a page of ${uncompressedSize} bytes`);
    const start = reader.at;
    at = start + compressedSize;
    if (at > bytes.length - 8) problem('a page runs past the end of the file (truncated?)');
    const v2 = type === 3 ? header.struct(8, 'v2 header') : undefined;
    // Page v2: the levels come first, never compressed.
    const levelBytes = v2 ? v2.count(5, 0) + v2.count(6, 0) : 0;
    if (levelBytes > compressedSize || levelBytes > uncompressedSize) problem('corrupt: a page\'s levels longer than the page');
    const compressed = v2 ? v2.flag(7, true) : true;
    let page: Uint8Array;
    if (codec === 1 && compressed) {
      page = new Uint8Array(uncompressedSize);
      page.set(bytes.subarray(start, start + levelBytes));
      unsnappy(bytes.subarray(start + levelBytes, at), page.subarray(levelBytes), (why) => problem(why));
    } else {
      page = bytes.subarray(start, at);
    }
    const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
    if (type === 2) {
      const dict = header.struct(7, 'dictionary header');
      const entries = dict.count(1);
      if (entries * valueSize > page.length) problem('a dictionary page shorter than its entries');
      dictionary = leaf.type === 4 ? new Float32Array(entries) : new Float64Array(entries);
      for (let e = 0; e < entries; e++) dictionary[e] = plainValue(pageView, e * valueSize, leaf.type);
      continue;
    }
    if (type !== 0 && type !== 3) continue; // index pages
    const data = v2 ?? header.struct(5, 'data header');
    const pageValues = data.count(1);
    if (n + pageValues > count) problem('more values in its pages than its metadata says');
    const encoding = data.count(v2 ? 4 : 2);
    let p = 0;
    const levels = (max: number, out: Int32Array, length: number | undefined) => {
      if (max === 0) {
        out.fill(0, n, n + pageValues);
        return;
      }
      if (length === undefined && p + 4 > page.length) problem('a data page shorter than its levels');
      const byteLength = length ?? pageView.getUint32(p, true);
      if (length === undefined) p += 4;
      if (p + byteLength > page.length) problem('a data page shorter than its levels');
      hybrid(page, p, p + byteLength, bitWidth(max), pageValues, out.subarray(n), problem);
      p += byteLength;
    };
    levels(leaf.maxRepetition, repetition, v2 ? v2.count(6, 0) : undefined);
    levels(leaf.maxDefinition, definition, v2 ? v2.count(5, 0) : undefined);
    let here = 0;
    for (let t = n; t < n + pageValues; t++) if (definition[t] === leaf.maxDefinition) here++;
    if (encoding === 0) {
      if (p + here * valueSize > page.length) problem('a data page shorter than its values');
      if (leaf.type === 4 && (page.byteOffset + p) % 4 === 0) {
        (values as Float32Array).set(new Float32Array(page.buffer, page.byteOffset + p, here), present);
      } else {
        for (let v = 0; v < here; v++) values[present + v] = plainValue(pageView, p + v * valueSize, leaf.type);
      }
    } else if (encoding === 2 || encoding === 8) {
      if (!dictionary) problem('a dictionary-encoded page without a dictionary page');
      if (p >= page.length) problem('a data page without its indices');
      const width = page[p++];
      if (scratch.length < here) scratch = new Int32Array(here);
      hybrid(page, p, page.length, width, here, scratch, problem);
      for (let v = 0; v < here; v++) {
        const index = scratch[v];
        if (index >= dictionary!.length) problem(`a dictionary index ${index} past its ${dictionary!.length} entries`);
        values[present + v] = dictionary![index];
      }
    } else if (encoding === 5 && (leaf.type === 1 || leaf.type === 2)) {
      deltaBinaryPacked(page, p, here, values, present, problem);
    } else {
      problem(`encoding ${encoding} is not read (PLAIN, dictionary and, for integers, DELTA_BINARY_PACKED are)`);
    }
    present += here;
    n += pageValues;
  }
  return { repetition, definition, values, present };
}

/** DELTA_BINARY_PACKED integers (what data page v2 writers use for them) at page[at…), `count` of them into out[from…). */
function deltaBinaryPacked(page: Uint8Array, at: number, count: number, out: Float64Array | Float32Array, from: number, fail: (why: string) => never): void {
  const cursor = new Cursor(page, at, page.length, fail, 'delta-encoded integers run past their page');
  const blockSize = cursor.varint();
  const miniblocks = cursor.varint();
  cursor.varint(); // the total count, which the page header gives too
  let value = cursor.zigzag();
  const perMiniblock = blockSize / miniblocks;
  if (!(Number.isInteger(perMiniblock) && perMiniblock > 0)) fail('corrupt delta-encoded integers');
  if (count > 0) out[from] = value;
  let n = 1;
  while (n < count) {
    const minDelta = cursor.zigzag();
    at = cursor.at;
    const widths = page.subarray(at, at + miniblocks);
    at += miniblocks;
    for (let m = 0; m < miniblocks && n < count; m++) {
      const width = widths[m];
      if (width > 64 || at + (perMiniblock / 8) * width > page.length) fail('delta-encoded integers run past their page');
      let bits = 0;
      let buffer = 0;
      for (let v = 0; v < perMiniblock; v++) {
        // Up to 64 bits a value: gathered in a float, exact below 2^53.
        let packed = 0;
        for (let got = 0; got < width; ) {
          if (bits === 0) {
            buffer = page[at++];
            bits = 8;
          }
          const take = Math.min(width - got, bits);
          packed += (buffer & ((1 << take) - 1)) * 2 ** got;
          buffer >>>= take;
          bits -= take;
          got += take;
        }
        if (n < count) {
          value += minDelta + packed;
          out[from + n] = value;
        }
        n++;
      }
    }
    cursor.at = at;
  }
}

/** A PLAIN value of a physical type: 1 int32, 2 int64, 4 float, 5 double. */
function plainValue(view: DataView, at: number, type: number): number {
  switch (type) {
    case 1: return view.getInt32(at, true);
    case 2: return Number(view.getBigInt64(at, true));
    case 4: return view.getFloat32(at, true);
    default: return view.getFloat64(at, true);
  }
}
