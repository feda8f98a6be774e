// Reading speed of the command line's streaming ratings reader: 10 million `user item rating` lines
// (generated, seeded, in a temporary folder), lines per second and peak memory.
//   npm run bench:parse -- [lines]
import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRatingsFile } from '../dist/cli/files.js';
import { Random } from '../dist/rng.js';

const lines = Number(process.argv[2] ?? 10_000_000);
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-parse-'));
const file = join(folder, 'ratings.txt');
const random = new Random(3);
const out = createWriteStream(file);
for (let written = 0; written < lines; ) {
  const batch = [];
  for (let b = 0; b < 100_000 && written < lines; b++, written++) {
    batch.push(`${random.uint32() % 200_000} ${random.uint32() % 50_000} ${1 + (random.uint32() % 10) / 2}`);
  }
  if (!out.write(batch.join('\n') + '\n')) await new Promise((resolve) => out.once('drain', resolve));
}
await new Promise((resolve) => out.end(resolve));
globalThis.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = performance.now();
const { ratings } = await readRatingsFile(file, {});
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
rmSync(folder, { recursive: true, force: true });
console.log(`${ratings.values.length.toLocaleString('en')} lines (${ratings.rows.toLocaleString('en')} users × ${ratings.cols.toLocaleString('en')} items) ` +
  `in ${seconds.toFixed(2)} s: ${(ratings.values.length / seconds / 1e6).toFixed(2)} million lines/s; ` +
  `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${(before / 2 ** 20).toFixed(0)} MiB before reading: ${((peak - before) / ratings.values.length).toFixed(1)} bytes a rating)`);
