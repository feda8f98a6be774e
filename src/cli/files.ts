// Files for the command line: ratings read as a stream (never the whole text in memory), MatrixMarket
// coordinate files, dense CSV matrices, and writes that never leave a partial file behind.
import { createReadStream } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { RatingsReader, type Ratings, type TextOptions } from '../ids.js';

/** Feeds a file to a reader in 1 MiB chunks: the text is never held whole. */
async function feed(path: string, reader: RatingsReader): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) reader.feed(chunk as Uint8Array);
}

/** The first line of a file (to recognise MatrixMarket's header). */
async function firstLine(path: string): Promise<string> {
  const handle = await open(path);
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0];
  } finally {
    await handle.close();
  }
}

/** Ratings from a delimited or MatrixMarket (.mtx: 1-based indices, kept as ids) file. */
export async function readRatingsFile(path: string, options: TextOptions): Promise<{ ratings: Ratings; skipped: number; firstSkipped?: { line: number; text: string } }> {
  try {
    let reader: RatingsReader;
    if (path.endsWith('.mtx')) {
      const header = await firstLine(path);
      if (!/^%%MatrixMarket\s+matrix\s+coordinate\s+(real|integer)/i.test(header)) {
        throw new RangeError(`line 1: expected a MatrixMarket coordinate header of a real or integer matrix, got ${JSON.stringify(header.slice(0, 80))}`);
      }
      // '%' lines are comments; the first other line is the size.
      reader = new RatingsReader({ ...options, delimiter: ' ', header: false, comment: '%', preamble: 1 });
    } else {
      reader = new RatingsReader(options);
    }
    await feed(path, reader);
    return { ratings: reader.ratings(), skipped: reader.skipped, firstSkipped: reader.firstSkipped };
  } catch (error) {
    if ((error as { code?: string }).code === undefined) (error as Error).message = `${path}: ${(error as Error).message}`;
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
