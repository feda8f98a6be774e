// MovieLens latest-small's fixed split (../shared/data, never copied here): `user item rating` lines.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One file of the split as coordinate lists. */
export function readSplit(folder, file) {
  const lines = readFileSync(join(folder, file), 'utf8').trim().split('\n');
  const rowIndices = new Int32Array(lines.length);
  const colIndices = new Int32Array(lines.length);
  const values = new Float64Array(lines.length);
  lines.forEach((line, p) => {
    const [u, i, r] = line.split(/\s+/);
    rowIndices[p] = Number(u);
    colIndices[p] = Number(i);
    values[p] = Number(r);
  });
  return { rowIndices, colIndices, values };
}

/**
 * The split from the folder given as the first argument (default ../shared/data/ml-latest-small), with the
 * shape both files span; exits cleanly, saying why, when the folder does not hold it.
 */
export function loadSplitOrSkip(argument = process.argv[2]) {
  const folder = resolve(argument ?? new URL('../../shared/data/ml-latest-small', import.meta.url).pathname);
  if (!existsSync(join(folder, 'train.txt')) || !existsSync(join(folder, 'test.txt'))) {
    console.log(`skipped: no train.txt/test.txt in ${folder} (pass the MovieLens latest-small split folder)`);
    process.exit(0);
  }
  const train = readSplit(folder, 'train.txt');
  const test = readSplit(folder, 'test.txt');
  const rows = Math.max(...train.rowIndices, ...test.rowIndices) + 1;
  const cols = Math.max(...train.colIndices, ...test.colIndices) + 1;
  return { folder, train, test, rows, cols };
}
