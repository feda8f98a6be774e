// Reading speed of the command line's streaming ratings reader: 10 million `user item rating` lines
// (generated, seeded, in a temporary folder), lines per second and peak memory.
//   npm run bench:parse -- [lines] [--fit] [--libmf path/to/mf-train] [--defaults] [--movielens-25m]
// --movielens-25m: a file shaped like MovieLens 25M instead (25,000,095 lines, 162,541 users × 59,047 items,
// ratings 0.5 to 5 in half steps) — its shape, not its data.
// --fit: then `mfwasm fit` on the same file end to end (sgd rank 40, 3 epochs, one thread, no test split) in
// float64 and float32, each in a child process, its wall time and peak RSS; with --libmf (or LIBMF_TRAIN),
// LIBMF's `mf-train -k 40 -t 3 -s 1` on the file side by side (its peak RSS through /usr/bin/time).
// --defaults: `mfwasm fit <file>` with the command line's defaults (ALS rank 40 with biases, 15 epochs, 10% held out,
// every core) in float64 and with --float32, its wall time and peak RSS likewise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRatingsFile } from '../dist/cli/files.js';
import { Random } from '../dist/math/rng.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    fit: { type: 'boolean', default: false }, libmf: { type: 'string', default: process.env.LIBMF_TRAIN },
    'movielens-25m': { type: 'boolean', default: false }, defaults: { type: 'boolean', default: false },
  },
});
const shape = flags['movielens-25m']
  ? { lines: 25_000_095, users: 162_541, items: 59_047, rating: () => (1 + (random.uint32() % 10)) / 2 }
  : { lines: 10_000_000, users: 200_000, items: 50_000, rating: () => 1 + (random.uint32() % 10) / 2 };
const lines = Number(positionals[0] ?? shape.lines);
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-parse-'));
const file = join(folder, 'ratings.txt');
const random = new Random(3);
const out = createWriteStream(file);
// Each user's items distinct (so that the file can be trained on): its n-th rating is of item (user·7919 + n·4729)
// mod the items (4729 is prime to both item counts).
const rated = new Int32Array(shape.users);
for (let written = 0; written < lines; ) {
  const batch = [];
  for (let b = 0; b < 100_000 && written < lines; b++, written++) {
    const user = random.uint32() % shape.users;
    const item = (user * 7919 + rated[user]++ * 4729) % shape.items;
    batch.push(`${user} ${item} ${shape.rating()}`);
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
const fits = flags.fit || flags.defaults ? fitsOf(file) : [];
rmSync(folder, { recursive: true, force: true });
console.log(`${ratings.values.length.toLocaleString('en')} lines (${ratings.rows.toLocaleString('en')} users × ${ratings.cols.toLocaleString('en')} items) ` +
  `in ${seconds.toFixed(2)} s: ${(ratings.values.length / seconds / 1e6).toFixed(2)} million lines/s; ` +
  `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${(before / 2 ** 20).toFixed(0)} MiB before reading: ${((peak - before) / ratings.values.length).toFixed(1)} bytes a rating)`);
for (const line of fits) console.log(line);

/** `mfwasm fit` on the file in each precision, and LIBMF when given: wall time and peak RSS, one run each. */
function fitsOf(ratingsFile) {
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const model = join(folder, 'model');
  // The child reports its own high-water mark as it exits (a sampling timer would not run while it trains).
  const report = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))";
  const rows = [];
  const sgd = ['--solver', 'sgd', '--rank', '40', '--epochs', '3', '--threads', '1', '--test-fraction', '0'];
  for (const [label, settings] of [...(flags.fit ? [['sgd rank 40, 3 epochs, one thread', sgd]] : []), ...(flags.defaults ? [['the defaults (als)', []]] : [])]) {
    for (const precision of ['float64', 'float32']) {
      const started = performance.now();
      const run = spawnSync(process.execPath, ['--import', report, cli, 'fit', ratingsFile, ...settings, '--quiet', '--force', '--out', model,
        ...(precision === 'float32' ? ['--float32'] : [])], { encoding: 'utf8' });
      const seconds = (performance.now() - started) / 1000;
      if (run.status !== 0) throw new Error(`mfwasm fit failed: ${run.stderr}`);
      const kib = Number(/maxrss (\d+)/.exec(run.stderr)[1]);
      rows.push(`mfwasm fit, ${label}, ${precision}: ${seconds.toFixed(1)} s, peak RSS ${(kib / 1024).toFixed(0)} MiB`);
    }
  }
  if (!flags.fit) return rows;
  if (flags.libmf && existsSync(flags.libmf) && existsSync('/usr/bin/time')) {
    const started = performance.now();
    const run = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', flags.libmf, '-k', '40', '-t', '3', '-s', '1', '--quiet', ratingsFile, model], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    const kib = Number(/maxrss (\d+)/.exec(run.stderr)[1]);
    rows.push(`LIBMF mf-train -k 40 -t 3 -s 1: ${seconds.toFixed(1)} s, peak RSS ${(kib / 1024).toFixed(0)} MiB`);
  } else {
    rows.push('LIBMF not run (give --libmf path/to/mf-train or LIBMF_TRAIN; its peak RSS needs /usr/bin/time)');
  }
  return rows;
}
