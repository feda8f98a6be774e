// Files for the command line: ratings read as a stream (never the whole text in memory), MatrixMarket
// coordinate files, dense CSV matrices, and writes that never leave a partial file behind.
import { createReadStream } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { RatingsReader, type Ratings, type TextOptions } from '../ids.js';

/** Calls `onLine(text, lineNumber)` for every line of a file, reading it in chunks. */
async function eachLine(path: string, onLine: (text: string, n: number) => void): Promise<void> {
  let rest = '';
  let n = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      onLine(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end), ++n);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') onLine(rest, ++n);
}

/** A MatrixMarket coordinate file (1-based indices; ids are the indices as written). */
async function readMatrixMarket(path: string, reader: RatingsReader): Promise<void> {
  let size: number[] | undefined;
  await eachLine(path, (text, n) => {
    if (n === 1) {
      if (!/^%%MatrixMarket\s+matrix\s+coordinate\s+(real|integer)/i.test(text)) {
        throw new RangeError(`line 1: expected a MatrixMarket coordinate header of a real or integer matrix, got ${JSON.stringify(text.slice(0, 80))}`);
      }
      return;
    }
    if (text.startsWith('%') || text.trim() === '') return;
    if (!size) {
      size = text.trim().split(/\s+/).map(Number);
      return;
    }
    reader.line(text, n);
  });
}

/** Ratings from a delimited or MatrixMarket file, with the line of any malformed entry. */
export async function readRatingsFile(path: string, options: TextOptions): Promise<{ ratings: Ratings; skipped: number; firstSkipped?: { line: number; text: string } }> {
  const reader = new RatingsReader(path.endsWith('.mtx') ? { ...options, delimiter: ' ', header: false } : options);
  try {
    if (path.endsWith('.mtx')) await readMatrixMarket(path, reader);
    else await eachLine(path, (text, n) => reader.line(text, n));
    return { ratings: reader.ratings(), skipped: reader.skipped, firstSkipped: reader.firstSkipped };
  } catch (error) {
    (error as Error).message = `${path}: ${(error as Error).message}`;
    throw error;
  }
}

/** A dense matrix from CSV: empty cells, NaN or NA are missing. */
export async function readDenseCsv(path: string): Promise<number[][]> {
  const rows = (await readFile(path, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '');
  return rows.map((line, i) =>
    line.split(/[,\t;]/).map((cell, j) => {
      const text = cell.trim();
      if (text === '' || /^(nan|na)$/i.test(text)) return NaN;
      const x = Number(text);
      if (!Number.isFinite(x)) throw new RangeError(`${path}: line ${i + 1}, column ${j + 1}: expected a number or an empty cell, got ${JSON.stringify(text)}`);
      return x;
    }),
  );
}

/** Writes through a temporary file and a rename, so that a failed write leaves no partial file. */
export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}
