// numpy's .npz files (what implicit's save() writes): a zip of .npy arrays, read without a dependency.
// Stored (uncompressed) members, as np.savez writes them, with or without zip64 records; arrays of
// little-endian floats and integers, booleans and unicode strings, in C or Fortran order.
import { describe } from '../check/describe.js';

/** One array of an .npz file: its shape and its entries in C order (strings for a unicode array). */
export interface NpyArray {
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | string[];
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;

/** The members of a zip file by name, as views of `bytes` (stored members only). `where` prefixes errors. */
function zipMembers(bytes: Uint8Array, where: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw new RangeError(`${where}: truncated: ${what} runs past the end of the file (${bytes.length} bytes)`);
  };
  // The end record is within the last 22 + 65,535 bytes (its comment is at most that long).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (u32(at) === END) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new RangeError(`${where}: not an .npz file (no zip directory at its end${bytes.length < 22 ? '; it is only ' + bytes.length + ' bytes' : ''})`);
  let entries = u16(end + 10);
  let directory = u32(end + 16);
  if ((entries === 0xffff || directory === U32_MAX) && end >= 20 && u32(end - 20) === END64_LOCATOR) {
    const record = u64(end - 20 + 8);
    need(record + 56, 'the zip64 end record');
    if (u32(record) !== END64) throw new RangeError(`${where}: corrupt: the zip64 end record is not where its locator says`);
    entries = u64(record + 32);
    directory = u64(record + 48);
  }
  const members = new Map<string, Uint8Array>();
  let at = directory;
  for (let n = 0; n < entries; n++) {
    need(at + 46, 'the zip directory');
    if (u32(at) !== CENTRAL) throw new RangeError(`${where}: corrupt: zip directory entry ${n + 1} of ${entries} is damaged`);
    const method = u16(at + 10);
    let size = u32(at + 20);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let offset = u32(at + 42);
    need(at + 46 + nameLength + extraLength, 'the zip directory');
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64: the sizes and offset that do not fit 32 bits are in extra field 1, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; e += 4 + u16(e + 2)) {
      if (u16(e) !== 1) continue;
      let field = e + 4;
      if (u32(at + 24) === U32_MAX) field += 8;
      if (size === U32_MAX) {
        size = u64(field);
        field += 8;
      }
      if (offset === U32_MAX) offset = u64(field);
    }
    if (method !== 0) {
      throw new RangeError(`${where}: ${name} is compressed (zip method ${method}): expected the stored members np.savez writes (not np.savez_compressed); save with save() or np.savez`);
    }
    need(offset + 30, name);
    if (u32(offset) !== LOCAL) throw new RangeError(`${where}: corrupt: ${name}'s data is not where the zip directory says`);
    const start = offset + 30 + u16(offset + 26) + u16(offset + 28);
    need(start + size, name);
    members.set(name, bytes.subarray(start, start + size));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** A .npy array (format versions 1 to 3). */
function npy(bytes: Uint8Array, where: string): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new RangeError(`${where}: not a .npy array (no \\x93NUMPY signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  if (dataStart > bytes.length) throw new RangeError(`${where}: truncated: its header runs past the end`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, dataStart));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw new RangeError(`${where}: corrupt: unreadable header ${JSON.stringify(header.slice(0, 80))}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((product, n) => product * n, 1);
  const type = /^([<|=])([fiub])(\d+)$/.exec(descr);
  const unicode = /^<U(\d+)$/.exec(descr);
  const itemSize = type ? Number(type[3]) : unicode ? 4 * Number(unicode[1]) : NaN;
  if (!type && !unicode) throw new RangeError(`${where}: arrays of type ${descr} are not read (expected little-endian numbers or unicode text)`);
  if (dataStart + count * itemSize > bytes.length) throw new RangeError(`${where}: truncated: ${count} entries of ${itemSize} bytes need ${count * itemSize} bytes after the header, the file has ${bytes.length - dataStart}`);
  const at = (t: number) => dataStart + t * itemSize;
  let data: NpyArray['data'];
  if (unicode) {
    data = Array.from({ length: count }, (_, t) => {
      let text = '';
      for (let c = 0; c < itemSize / 4; c++) {
        const point = view.getUint32(at(t) + 4 * c, true);
        if (point === 0) break;
        text += String.fromCodePoint(point);
      }
      return text;
    });
  } else {
    const [, , kind, size] = type!;
    const read =
      kind === 'f' && size === '4' ? (t: number) => view.getFloat32(at(t), true)
        : kind === 'f' && size === '8' ? (t: number) => view.getFloat64(at(t), true)
          : kind === 'i' && size === '4' ? (t: number) => view.getInt32(at(t), true)
            : kind === 'i' && size === '8' ? (t: number) => Number(view.getBigInt64(at(t), true))
              : kind === 'b' && size === '1' ? (t: number) => bytes[at(t)]
                : undefined;
    if (!read) throw new RangeError(`${where}: arrays of type ${descr} are not read (expected float32, float64, int32, int64 or bool)`);
    const Type = kind === 'f' && size === '4' ? Float32Array : kind === 'f' ? Float64Array : kind === 'i' && size === '8' ? Float64Array : Int32Array;
    data = new Type(count);
    for (let t = 0; t < count; t++) data[t] = read(t);
  }
  if (fortran && shape.length === 2 && !unicode) {
    // Column-major on disk: entry (i, j) at j·rows + i.
    const [rows, cols] = shape;
    const source = data as Float64Array | Float32Array | Int32Array;
    const ordered = new (source.constructor as Float64ArrayConstructor)(count);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) ordered[i * cols + j] = source[j * rows + i];
    data = ordered as typeof source;
  }
  return { shape, data };
}

/**
 * The arrays of an .npz file by name (without the .npy suffix), read when asked for: an object array
 * (pickled) is only an error if it is read.
 */
export function readNpz(input: Uint8Array | ArrayBuffer, where: string): { names: string[]; array(name: string): NpyArray | undefined } {
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    const hint = typeof input === 'string' ? " (a path? read the file first, e.g. readFileSync(path) in Node)" : '';
    throw new TypeError(`${where}: expected the file's bytes (a Uint8Array or an ArrayBuffer), got ${describe(input)}${hint}`);
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const members = zipMembers(bytes, where);
  const names = [...members.keys()].map((name) => name.replace(/\.npy$/, ''));
  return {
    names,
    array: (name) => {
      const member = members.get(`${name}.npy`);
      return member && npy(member, `${where}: ${name}.npy`);
    },
  };
}
