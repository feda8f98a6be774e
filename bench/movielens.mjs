// MovieLens latest-small's fixed split (../shared/data, never copied here): `user item rating` lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
