// Saving and loading models: JSON, and a compact binary form with a format version and a checksum.
// Both round-trip exactly (the binary form in float32 rounds the factors, by request).
import { describe } from '../check/describe.js';
import { SOLVER_NAMES } from '../solvers/index.js';
import { boolean, finite, ids, integer, nonNegative, object, oneOf, range } from '../check/validate.js';
import type { FactorizationInfo, PenaltySettings } from '../types.js';
import { factorWidth } from '../fit/spec.js';
import { MODEL_MAGIC, MODEL_SIGNATURE } from '../formats/model-file.js';

/**
 * 2: the training values are kept (observedValues), for model.update(); 3: the binary form stores them as
 * float32 when every one is a float32 value (flag bit 1). Version 1 and 2 files still load.
 */
export const FORMAT_VERSION = 3;

// The arrays of a model, in the order the binary form stores them; factors may be float32.
const ARRAYS = [
  ['W', 'factor'], ['H', 'factor'], ['rowCounts', 'u32'], ['colCounts', 'u32'],
  ['lossHistory', 'f64'], ['validationHistory', 'f64'], ['rowStart', 'u32'], ['colIndex', 'u32'], ['observedValues', 'f64'],
] as const;
type ArrayName = (typeof ARRAYS)[number][0];
/** The arrays of a version-1 file: no training values. */
const arraysOfVersion = (version: number) => (version >= 2 ? ARRAYS : ARRAYS.slice(0, 8));

function arraysOf(info: FactorizationInfo): Record<ArrayName, ArrayLike<number>> {
  const p = info.parameters;
  return {
    W: p.W, H: p.H, rowCounts: p.rowCounts, colCounts: p.colCounts,
    lossHistory: info.training.lossHistory, validationHistory: info.training.validationHistory,
    rowStart: info.observed.rowStart, colIndex: info.observed.colIndex, observedValues: info.observed.values ?? new Float64Array(0),
  };
}

/**
 * The penalties in one order, as a fit records them, whatever order the object came in (a model read from a file,
 * an import): a model's file and JSON depend on what it holds, not on how it was made, so that a model saved,
 * read and saved again (as a worker returns it) gives the same bytes.
 */
function penaltiesInOrder(p: PenaltySettings): PenaltySettings {
  return {
    rank: p.rank, biases: p.biases,
    regularization: { W: p.regularization.W, H: p.regularization.H, bias: p.regularization.bias },
    l1: { W: p.l1.W, H: p.l1.H }, nonnegative: p.nonnegative,
    ...(p.alpha === undefined ? {} : { alpha: p.alpha }),
    ...(p.cgSteps === undefined ? {} : { cgSteps: p.cgSteps }),
  };
}

/** Everything but the arrays. */
function header(info: FactorizationInfo) {
  const p = info.parameters;
  const t = info.training;
  return {
    rows: p.rows, cols: p.cols, rank: p.rank, width: p.width, biases: p.biases, offset: p.offset, mean: p.mean, clip: p.clip,
    penalties: penaltiesInOrder(info.penalties),
    training: {
      initialLoss: t.initialLoss, bestEpoch: t.bestEpoch, stoppedBy: t.stoppedBy, solver: t.solver, backend: t.backend, kernel: t.layout,
      ...(t.trainingRmse === undefined ? {} : { trainingRmse: t.trainingRmse }),
    },
    rowIds: info.rowIds, colIds: info.colIds,
  };
}

type Header = ReturnType<typeof header>;

/** Ids a header part holds: a few thousand, so that no part (and no string made for it) is large. */
const IDS_A_PART = 4096;

/**
 * JSON.stringify(header(info)) as UTF-8, in parts: the ids (the bulk of a header: 250k ids are megabytes) a few
 * thousand at a time, so that writing a model file never holds the whole text twice (a string and its bytes).
 */
export function headerParts(info: FactorizationInfo): Uint8Array[] {
  const { rowIds, colIds, ...rest } = header(info);
  const encoder = new TextEncoder();
  // The ids are header()'s last two keys: the rest's text without its closing brace, then theirs.
  let pending = JSON.stringify(rest).slice(0, -1);
  const parts: Uint8Array[] = [];
  for (const [key, ids] of [['rowIds', rowIds], ['colIds', colIds]] as const) {
    pending += `,"${key}":`;
    if (ids === null) {
      pending += 'null';
      continue;
    }
    pending += '[';
    for (let from = 0; from < ids.length; from += IDS_A_PART) {
      const listed = JSON.stringify(ids.slice(from, from + IDS_A_PART));
      parts.push(encoder.encode(pending + (from > 0 ? ',' : '') + listed.slice(1, -1)));
      pending = '';
    }
    pending += ']';
  }
  parts.push(encoder.encode(pending + '}'));
  return parts;
}

function expectedLength(name: ArrayName, h: Header, lengths: Partial<Record<ArrayName, number>>): number | undefined {
  switch (name) {
    case 'W': return h.rows * h.width;
    case 'H': return h.cols * h.width;
    case 'rowCounts': return h.rows;
    case 'colCounts': return h.cols;
    case 'rowStart': return h.rows + 1;
    default: return lengths[name];
  }
}

const BACKEND_NAMES = ['wasm', 'js', 'imported'];
const KERNEL_NAMES = ['dense', 'sparse', 'imported'];
const STOP_REASONS = ['epochs', 'tolerance', 'patience', 'callback'];

/**
 * Every field of a saved model checked as strictly as a training input, before anything is allocated
 * from it: a damaged file fails here, naming the field, rather than loading with wrong predictions.
 */
function checkHeader(h: unknown, where: string): Header {
  const o = object(`${where}: header`, h);
  const at = (field: string) => `${where}: ${field}`;
  const rows = integer(at('rows'), o.rows, 1, 0x7fffffff);
  const cols = integer(at('cols'), o.cols, 1, 0x7fffffff);
  const biases = boolean(at('biases'), o.biases);
  // Rank 0 is a model of biases alone (solver 'baseline').
  const rank = integer(at('rank'), o.rank, biases ? 0 : 1, 0x7fffffff - 2);
  const width = factorWidth({ rank, biases });
  if (o.width !== width) throw new RangeError(`${at('width')}: expected rank${biases ? ' + 2 (biases)' : ''} = ${width}, got ${describe(o.width)}`);
  finite(at('offset'), o.offset);
  finite(at('mean'), o.mean);
  if (!biases && o.offset !== 0) throw new RangeError(`${at('offset')}: expected 0 for a model without biases, got ${describe(o.offset)}`);
  if (o.clip !== null) range(at('clip'), o.clip);
  const penalties = object(at('penalties'), o.penalties);
  if (penalties.rank !== rank) throw new RangeError(`${at('penalties.rank')}: expected the model's rank ${rank}, got ${describe(penalties.rank)}`);
  if (penalties.biases !== biases) throw new RangeError(`${at('penalties.biases')}: expected the model's biases ${biases}, got ${describe(penalties.biases)}`);
  boolean(at('penalties.nonnegative'), penalties.nonnegative);
  const l1 = object(at('penalties.l1'), penalties.l1);
  for (const side of ['W', 'H']) nonNegative(at(`penalties.l1.${side}`), l1[side]);
  const l2 = object(at('penalties.regularization'), penalties.regularization);
  for (const side of ['W', 'H', 'bias']) nonNegative(at(`penalties.regularization.${side}`), l2[side]);
  if (penalties.alpha !== undefined) nonNegative(at('penalties.alpha'), penalties.alpha);
  if (penalties.cgSteps !== undefined) integer(at('penalties.cgSteps'), penalties.cgSteps, 0);
  const training = object(at('training'), o.training);
  if (training.initialLoss !== null && typeof training.initialLoss !== 'number') {
    throw new RangeError(`${at('training.initialLoss')}: expected a number or null, got ${describe(training.initialLoss)}`);
  }
  if (training.trainingRmse !== undefined) nonNegative(at('training.trainingRmse'), training.trainingRmse);
  integer(at('training.bestEpoch'), training.bestEpoch, -1);
  oneOf(at('training.stoppedBy'), training.stoppedBy, STOP_REASONS);
  oneOf(at('training.solver'), training.solver, [...SOLVER_NAMES, 'imported']);
  oneOf(at('training.backend'), training.backend, BACKEND_NAMES);
  oneOf(at('training.kernel'), training.kernel, KERNEL_NAMES);
  for (const [field, count] of [['rowIds', rows], ['colIds', cols]] as const) {
    if (o[field] !== null) ids(at(field), o[field], count);
  }
  return o as unknown as Header;
}

function assemble(header: unknown, arrays: Record<ArrayName, ArrayLike<number>>, where: string): FactorizationInfo {
  const h = checkHeader(header, where);
  for (const [name] of ARRAYS) {
    const expected = expectedLength(name, h, {});
    if (expected !== undefined && arrays[name].length !== expected) {
      throw new RangeError(`${where}: ${name} has ${arrays[name].length} entries, expected ${expected} for a ${h.rows}×${h.cols} model of width ${h.width}`);
    }
  }
  const check = (name: ArrayName, ok: (v: number, i: number) => boolean, expected: string) => {
    const array = arrays[name];
    for (let i = 0; i < array.length; i++) {
      if (!ok(array[i], i)) throw new RangeError(`${where}: ${name}[${i}]: expected ${expected}, got ${describe(array[i])}`);
    }
  };
  const isFinite = (v: number) => typeof v === 'number' && Number.isFinite(v);
  check('W', isFinite, 'a finite number');
  check('H', isFinite, 'a finite number');
  check('rowCounts', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  check('colCounts', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  check('lossHistory', (v) => typeof v === 'number' && !Number.isNaN(v), 'a number');
  check('validationHistory', (v) => typeof v === 'number' && !Number.isNaN(v), 'a number');
  const { rowStart, colIndex } = arrays;
  check('rowStart', (v, i) => Number.isInteger(v) && (i === 0 ? v === 0 : v >= rowStart[i - 1]) && v <= colIndex.length, 'a non-decreasing index from 0 to colIndex.length');
  if (rowStart[h.rows] !== colIndex.length) throw new RangeError(`${where}: rowStart[${h.rows}]: expected colIndex.length ${colIndex.length}, got ${rowStart[h.rows]}`);
  check('colIndex', (v) => Number.isInteger(v) && v >= 0 && v < h.cols, `a column index from 0 to ${h.cols - 1}`);
  if (arrays.observedValues.length !== 0 && arrays.observedValues.length !== colIndex.length) {
    throw new RangeError(`${where}: observedValues has ${arrays.observedValues.length} entries, expected 0 or colIndex's ${colIndex.length}`);
  }
  check('observedValues', (v) => typeof v === 'number' && Number.isFinite(v), 'a finite number');
  const epochs = arrays.lossHistory.length;
  if (h.training.bestEpoch >= Math.max(epochs, 0) && !(epochs === 0 && h.training.bestEpoch === -1)) {
    throw new RangeError(`${where}: training.bestEpoch: expected −1 to ${epochs - 1} (lossHistory has ${epochs} entries), got ${h.training.bestEpoch}`);
  }
  if (arrays.validationHistory.length !== 0 && arrays.validationHistory.length !== epochs) {
    throw new RangeError(`${where}: validationHistory has ${arrays.validationHistory.length} entries, expected 0 or lossHistory's ${epochs}`);
  }
  const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
  return {
    parameters: {
      rows: h.rows, cols: h.cols, rank: h.rank, width: h.width, biases: h.biases, W: f64(arrays.W), H: f64(arrays.H), hTransposed: true,
      offset: h.offset, mean: h.mean, rowCounts: f64(arrays.rowCounts), colCounts: f64(arrays.colCounts), clip: h.clip && [h.clip[0], h.clip[1]],
    },
    penalties: penaltiesInOrder({
      ...h.penalties, rank: h.rank, biases: h.biases,
      cgSteps: h.penalties.alpha === undefined ? undefined : h.penalties.cgSteps ?? 0,
    }),
    training: {
      initialLoss: h.training.initialLoss ?? NaN, bestEpoch: h.training.bestEpoch, stoppedBy: h.training.stoppedBy,
      ...(h.training.trainingRmse === undefined ? {} : { trainingRmse: h.training.trainingRmse }),
      solver: h.training.solver, backend: h.training.backend, layout: h.training.kernel,
      lossHistory: f64(arrays.lossHistory), validationHistory: f64(arrays.validationHistory),
    },
    observed: {
      rowStart: Int32Array.from(arrays.rowStart), colIndex: Int32Array.from(arrays.colIndex),
      ...(arrays.observedValues.length
        ? { values: arrays.observedValues instanceof Float32Array ? arrays.observedValues.slice() : Float64Array.from(arrays.observedValues) } : {}),
    },
    rowIds: h.rowIds ? [...h.rowIds] : null,
    colIds: h.colIds ? [...h.colIds] : null,
  };
}

/** A plain, JSON-serialisable object. */
export function modelToJson(info: FactorizationInfo): object {
  const arrays = arraysOf(info);
  return {
    format: 'mfwasm-model',
    version: FORMAT_VERSION,
    ...header(info),
    ...Object.fromEntries(ARRAYS.map(([name]) => [name, Array.from(arrays[name])])),
  };
}

function checkVersion(version: unknown, where: string): void {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RangeError(`${where}: not an mfwasm model (format version ${describe(version)})`);
  }
  if (version > FORMAT_VERSION) {
    throw new RangeError(`${where}: written by a newer mfwasm (format version ${version}); this version reads up to ${FORMAT_VERSION}`);
  }
}

export function modelFromJson(value: unknown): FactorizationInfo {
  const where = 'fromJSON';
  let json: Record<string, unknown>;
  try {
    json = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  } catch (error) {
    throw new RangeError(`${where}: not valid JSON (${(error as Error).message}); was the file cut short?`);
  }
  if (typeof json !== 'object' || json === null || json.format !== 'mfwasm-model') {
    throw new TypeError(`${where}: not an mfwasm model (expected format 'mfwasm-model', got ${describe((json as { format?: unknown })?.format)})`);
  }
  checkVersion(json.version, where);
  const arrays = { observedValues: [] } as unknown as Record<ArrayName, number[]>;
  for (const [name] of arraysOfVersion(json.version as number)) {
    if (!Array.isArray(json[name])) throw new TypeError(`${where}: ${name}: expected an array, got ${describe(json[name])}`);
    arrays[name] = json[name] as number[];
  }
  const header = Object.fromEntries(Object.entries(json).filter(([key]) => !ARRAYS.some(([name]) => name === key) && key !== 'format' && key !== 'version'));
  return assemble(header, arrays, where);
}

let crcTables: Uint32Array[] | undefined;

/**
 * CRC-32 (IEEE), to tell a corrupt file from a valid one. Eight bytes a step through eight tables (table k
 * holds the CRC of a byte followed by k zero bytes): the same CRC as a byte at a time, about four times
 * sooner on a model file of 10M ratings (164 MB).
 */
function crc32(bytes: Uint8Array, crc: number): number {
  if (!crcTables) {
    const first = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      first[n] = c >>> 0;
    }
    crcTables = [first];
    for (let k = 1; k < 8; k++) {
      const previous = crcTables[k - 1];
      crcTables.push(Uint32Array.from(previous, (c) => (c >>> 8) ^ first[c & 0xff]));
    }
  }
  const [t0, t1, t2, t3, t4, t5, t6, t7] = crcTables;
  let i = 0;
  for (const end = bytes.length - 8; i <= end; i += 8) {
    const low = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc = t7[low & 0xff] ^ t6[(low >>> 8) & 0xff] ^ t5[(low >>> 16) & 0xff] ^ t4[low >>> 24] ^
      t3[bytes[i + 4]] ^ t2[bytes[i + 5]] ^ t1[bytes[i + 6]] ^ t0[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc;
}

/**
 * Continues a CRC-32 over `bytes` (`crc`: the running value, as crc32() keeps it): crc32() here, or a faster
 * one where the platform has it (the command line passes Node's zlib.crc32).
 */
export type Checksum = (bytes: Uint8Array, crc: number) => number;

/** A CRC-32 begins from all ones and ends inverted; crc32() continues one across parts in between. */
const CRC_START = 0xffffffff;
const crcEnd = (crc: number) => (crc ^ 0xffffffff) >>> 0;

/** Flag bits of the binary form. */
const FACTORS_FLOAT32 = 1;
const VALUES_FLOAT32 = 2;

/**
 * Layout (little-endian): signature u32 (MODEL_MAGIC: the bytes "MWFM"), version u16, flags u16 (bit 0: factors in float32; bit 1: the
 * training values in float32), header length u32, the header as UTF-8 JSON, then for each array its length
 * u32 and its entries (factors f64 or f32, counts and indices u32, histories f64, training values f64 or f32),
 * each array starting on an 8-byte boundary; last, the CRC-32 of everything before it, u32.
 *
 * Returned as the parts whose concatenation is the file: an array already in its stored type is a view of
 * the model's own bytes, so that a caller writing the parts one after another (the command line, 10M
 * ratings) never holds a second copy of the model.
 */
export function modelToParts(info: FactorizationInfo, precision: 'float64' | 'float32' = 'float64', checksum: Checksum = crc32): Uint8Array[] {
  if (precision !== 'float64' && precision !== 'float32') {
    throw new RangeError(`toBytes: precision: expected 'float64' or 'float32', got ${describe(precision)}`);
  }
  const text = headerParts(info);
  const textLength = text.reduce((sum, part) => sum + part.length, 0);
  const arrays = arraysOf(info);
  const valuesFloat32 = arrays.observedValues instanceof Float32Array;
  const typeOf = (name: ArrayName, kind: string) =>
    kind === 'u32' ? Uint32Array
      : (kind === 'factor' && precision === 'float32') || (name === 'observedValues' && valuesFloat32) ? Float32Array : Float64Array;
  const parts: Uint8Array[] = [];
  let size = 0;
  // Zeros up to the next 8-byte boundary unless `unaligned`, then `bytes`.
  const push = (bytes: Uint8Array, unaligned = false) => {
    const padding = unaligned ? 0 : -size & 7;
    if (padding) parts.push(new Uint8Array(padding));
    parts.push(bytes);
    size += padding + bytes.length;
  };
  const start = new Uint8Array(12);
  const view = new DataView(start.buffer);
  view.setUint32(0, MODEL_MAGIC, true);
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint16(6, (precision === 'float32' ? FACTORS_FLOAT32 : 0) | (valuesFloat32 ? VALUES_FLOAT32 : 0), true);
  view.setUint32(8, textLength, true);
  push(start);
  for (const part of text) push(part, true);
  for (const [name, kind] of ARRAYS) {
    const array = arrays[name];
    push(new Uint8Array(Uint32Array.of(array.length).buffer), name !== ARRAYS[0][0]);
    const Type = typeOf(name, kind);
    // Int32Array indices are ≥ 0: their bytes are their u32 bytes.
    const same = array instanceof Type || (Type === Uint32Array && array instanceof Int32Array);
    const stored = same ? (array as Float64Array | Float32Array | Uint32Array | Int32Array) : Type.from(array);
    push(new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength));
  }
  push(new Uint8Array(0)); // the checksum's own boundary, which it covers
  let crc = CRC_START;
  for (const part of parts) crc = checksum(part, crc);
  parts.push(new Uint8Array(Uint32Array.of(crcEnd(crc)).buffer));
  return parts;
}

/** The binary form as one array (modelToParts joined). */
export function modelToBytes(info: FactorizationInfo, precision: 'float64' | 'float32' = 'float64'): Uint8Array {
  const parts = modelToParts(info, precision);
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

export function modelFromBytes(input: Uint8Array | ArrayBuffer): FactorizationInfo {
  const where = 'fromBytes';
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    throw new TypeError(`${where}: expected a Uint8Array or an ArrayBuffer, got ${describe(input)}`);
  }
  // The arrays are read through typed-array views (then copied into the model's own): a copy only where the
  // caller's bytes do not start on an 8-byte boundary, which the views need.
  const given = input instanceof Uint8Array ? input : new Uint8Array(input);
  const bytes = given.byteOffset % 8 === 0 ? given : given.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || view.getUint32(0, true) !== MODEL_MAGIC) throw new RangeError(`${where}: not an mfwasm model (no "${MODEL_SIGNATURE}" signature)`);
  const version = view.getUint16(4, true);
  checkVersion(version, where);
  const flags = view.getUint16(6, true);
  const float32 = (flags & FACTORS_FLOAT32) !== 0;
  const valuesFloat32 = (flags & VALUES_FLOAT32) !== 0;
  const align = (n: number) => Math.ceil(n / 8) * 8;
  const need = (end: number) => {
    if (end > bytes.length) throw new RangeError(`${where}: truncated: needs at least ${end} bytes, got ${bytes.length}`);
  };
  const textLength = view.getUint32(8, true);
  need(12 + textLength);
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + textLength)));
  } catch {
    throw new RangeError(`${where}: corrupt: the header is not valid JSON`);
  }
  let at = align(12 + textLength);
  const arrays = { observedValues: new Float64Array(0) } as unknown as Record<ArrayName, ArrayLike<number>>;
  for (const [name, kind] of arraysOfVersion(version)) {
    need(at + 4);
    const length = view.getUint32(at, true);
    at = align(at + 4);
    const Type = kind === 'u32' ? Uint32Array
      : (kind === 'factor' && float32) || (name === 'observedValues' && valuesFloat32) ? Float32Array : Float64Array;
    need(at + length * Type.BYTES_PER_ELEMENT);
    arrays[name] = new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, length);
    at += length * Type.BYTES_PER_ELEMENT;
  }
  at = align(at);
  need(at + 4);
  if (view.getUint32(at, true) !== crcEnd(crc32(bytes.subarray(0, at), CRC_START))) throw new RangeError(`${where}: corrupt: checksum mismatch`);
  return assemble(h, arrays, where);
}
