// Files for the command line: ratings read as a stream (never the whole text in memory), MatrixMarket
// coordinate files, dense CSV matrices, and writes that never leave a partial file behind.
import { closeSync, createReadStream, openSync, readSync, unlinkSync } from 'node:fs';
import { lstat, open, readFile, readlink, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import type { Ratings } from '../input/ratings.js';
import type { Factorization } from '../model/factorization.js';
import { modelToParts, type Checksum } from '../model/persist.js';
import { linesIn, RatingsReader, unquoted, type TextOptions } from '../input/reader.js';

/**
 * A file's bytes in 4 MiB chunks, each a view of one reused buffer (valid until the next chunk): read
 * synchronously, which on a file in the page cache is several times the speed of a stream's 1 MiB reads
 * (each a trip through libuv's thread pool), yielding to the event loop between chunks so that Ctrl-C is
 * still answered at once.
 */
async function* chunksOf(path: string): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(1 << 22);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      yield buffer.subarray(0, read);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

/** A gzip-compressed file's text, decompressed as it is read, a chunk at a time. */
async function* gunzippedChunksOf(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }).pipe(zlib.createGunzip({ chunkSize: 1 << 20 }))) yield chunk as Uint8Array;
}

/** Feeds a file to a reader a chunk at a time: the text is never held whole (the reader copies what it keeps). */
async function feed(chunks: () => AsyncGenerator<Uint8Array>, reader: RatingsReader): Promise<void> {
  for await (const chunk of chunks()) reader.feed(chunk);
}

/**
 * The file's lines, counted in a first pass (a newline search, fast beside parsing, and the file is then
 * in the page cache; a compressed one is decompressed twice): the reader allocates its arrays once, at their final size.
 */
async function countLines(chunks: () => AsyncGenerator<Uint8Array>): Promise<number> {
  let lines = 1;
  for await (const chunk of chunks()) lines += linesIn(chunk) - 1;
  return lines;
}

/** A file's first bytes (its signature, MatrixMarket's header). */
async function firstBytes(path: string, count: number): Promise<Buffer> {
  const handle = await open(path);
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(count), 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first line of a file (to recognise MatrixMarket's header). */
async function firstLine(path: string): Promise<string> {
  return (await firstBytes(path, 256)).toString('utf8').split('\n')[0];
}

/** Ratings from a delimited or MatrixMarket (.mtx: 1-based indices, kept as ids) file. */
export async function readRatingsFile(path: string, options: TextOptions): Promise<{ ratings: Ratings; skipped: number; firstSkipped?: { line: number; text: string } }> {
  try {
    let reader: RatingsReader;
    // A compressed file is read through gzip's decompressor (ratings are often shipped so); a zip archive holds files.
    const signature = await firstBytes(path, 4);
    const gzipped = signature[0] === 0x1f && signature[1] === 0x8b;
    if (signature.length === 4 && signature.readUInt32LE(0) === 0x04034b50) {
      throw new RangeError('a zip archive, not a ratings file: extract the ratings file from it first (unzip)');
    }
    const chunks = gzipped ? () => gunzippedChunksOf(path) : () => chunksOf(path);
    if (path.endsWith('.mtx') && !gzipped) {
      const header = await firstLine(path);
      if (!/^%%MatrixMarket\s+matrix\s+coordinate\s+(real|integer)/i.test(header)) {
        throw new RangeError(`line 1: expected a MatrixMarket coordinate header of a real or integer matrix, got ${JSON.stringify(header.slice(0, 80))}`);
      }
      // '%' lines are comments; the first other line is the size.
      reader = new RatingsReader({ ...options, delimiter: ' ', header: false, comment: '%', preamble: 1 }, await countLines(chunks));
    } else {
      reader = new RatingsReader(options, await countLines(chunks));
    }
    await feed(chunks, reader);
    return { ratings: reader.ratings(), skipped: reader.skipped, firstSkipped: reader.firstSkipped };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EISDIR') throw new Error(`${path}: is a folder, not a ratings file`);
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new Error(`${path}: a gzip file that does not decompress (${(error as Error).message}): truncated or corrupt`);
    // The reader names its options as the library does; here they are flags.
    if (code === undefined) (error as Error).message = `${path}: ${(error as Error).message.replace(/^options\.(columns|delimiter|header)/, '--$1')}`;
    throw error;
  }
}

/**
 * A dense matrix from CSV: empty cells, NaN or NA are missing (quoted or not: a spreadsheet's export quotes every
 * cell); with `header`, the first line names the columns.
 */
export async function readDenseCsv(path: string, header = false): Promise<{ header: string | undefined; rows: number[][] }> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '');
  const first = header ? lines.shift() : undefined;
  const offset = header ? 2 : 1;
  return { header: first, rows: lines.map((line, i) =>
    line.split(/[,\t;]/).map((cell, j) => {
      const text = unquoted(cell.trim()).trim();
      if (text === '' || /^(nan|na)$/i.test(text)) return NaN;
      const x = Number(text);
      if (!Number.isFinite(x)) {
        const hint = i === 0 && !header ? ' (a first line of column names: --header)' : '';
        throw new RangeError(`${path}: line ${i + offset}, column ${j + 1}: expected a number or an empty cell, got ${JSON.stringify(text)}${hint}`);
      }
      return x;
    }),
  ) };
}

/** The fields of one CSV line: commas split it, double quotes enclose a field that holds commas ("" is a quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < line.length; at++) {
    const c = line[at];
    if (quoted) {
      if (c === '"' && line[at + 1] === '"') field += line[at++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Titles by id from a CSV file whose first two columns are an id and a title (MovieLens movies.csv:
 * movieId,title,genres, titles quoted where they hold commas); a first line naming the columns is passed over.
 */
export async function readTitles(path: string): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    const [id, title] = csvFields(line);
    if (title === undefined) throw new RangeError(`${path}: line ${n + 1}: expected an id and a title, got ${JSON.stringify(line.slice(0, 80))}`);
    if (n === 0 && /^title$/i.test(title.trim())) return; // the header
    titles.set(id.trim(), title.trim());
  });
  return titles;
}

/** Temporary files being written, removed if the process is stopped by a signal mid-write. */
const pending = new Set<string>();
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    for (const path of pending) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
    process.exit(code);
  });
}

/**
 * Writes through a temporary file and a rename, so that a failed write leaves no partial file. A symbolic
 * link is written through (its target is replaced, the link stays); anything but a regular file (a device,
 * a folder) is refused rather than replaced. Errors name the path the user gave.
 */
export async function writeAtomically(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  let target = path;
  const info = await lstat(path).catch(() => undefined);
  if (info?.isSymbolicLink()) {
    // A link whose target does not exist yet is written through too: the file it names is created.
    target = await realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
    const resolved = await stat(target).catch(() => undefined);
    if (resolved && !resolved.isFile()) throw new Error(`${path}: links to ${target}, which is not a regular file; refusing to replace it`);
  } else if (info && !info.isFile()) {
    throw new Error(`${path}: not a regular file (${info.isDirectory() ? 'a folder' : 'a device or special file'}); refusing to replace it`);
  }
  const temporary = `${target}.tmp-${process.pid}`;
  pending.add(temporary);
  try {
    await writeFile(temporary, data);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    const code = (error as { code?: string }).code;
    throw new Error(`${path}: cannot write it (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'no such folder' : (error as Error).message})`);
  } finally {
    pending.delete(temporary);
  }
}

/**
 * A model file, written part by part (modelToParts): the arrays go from the model's own memory to the file,
 * never joined into a second copy of the model.
 */
export function writeModel(path: string, model: Factorization, precision: 'float64' | 'float32' = 'float64'): Promise<void> {
  return writeAtomically(path, modelToParts(model.info, precision, nativeCrc32));
}

/**
 * Node's CRC-32 (zlib's, from Node 20.15, native and several times the speed of the package's), continuing the running value as
 * persist.ts keeps it (the CRC's complement); the package's own where Node has none. An empty part is passed
 * over: zlib reads an empty buffer's missing data pointer as "start afresh" and returns 0.
 */
const nativeCrc32: Checksum | undefined = typeof zlib.crc32 === 'function'
  ? (bytes, crc) => (bytes.length === 0 ? crc : ~zlib.crc32(bytes, ~crc >>> 0))
  : undefined;
