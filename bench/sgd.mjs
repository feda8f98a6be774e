// SGD throughput at rank 40 (LIBMF's -k 40): updates per second on MovieLens latest-small's train split
// and on 10 million generated ratings, on one thread and on more, plus the peak RSS of the 10M fit; and
// LIBMF side by side when its mf-train is given (built from its own sources with its own Makefile).
//   npm run bench:sgd -- [data folder] [ratings] [--threads 1,2] [--precision float64,float32] [--half-stars] [--libmf path/to/mf-train]
//   (defaults: ../shared/data/ml-latest-small, 10000000, 1 and 2 threads, both precisions, $LIBMF_TRAIN or no LIBMF)
// Two figures per row: the epoch kernel alone (the block order already drawn, no loss pass: what
// LIBMF counts) and factorize() end to end (input checks, shuffles, a loss per epoch) over 20 epochs.
// LIBMF's kernel figure is (wall of -t 21 − wall of -t 1) / 20 epochs with --quiet, so its file reading
// and setup cancel out; its end-to-end figure is the wall time of `mf-train -t 20`, reading included.
// The 10M fits run in child processes of their own so that their peak RSS is their own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { factorize } from 'mfwasm';
import { prepareRun } from '../dist/fit/plan.js';
import { Random } from '../dist/math/rng.js';
import { readSplit } from './movielens.mjs';

const RANK = 40;
const EPOCHS = 20;
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'half-stars': { type: 'boolean', default: false }, threads: { type: 'string', default: '1,2' }, precision: { type: 'string', default: 'float64,float32' }, libmf: { type: 'string', default: process.env.LIBMF_TRAIN }, child: { type: 'boolean', default: false } },
});
const [mode, ...rest] = positionals;
const threadCounts = flags.threads.split(',').map(Number);
const precisions = flags.precision.split(',');

/** `count` distinct (row, column) pairs, about count/rows per row, from a rank-10 model plus noise, on a 1–5 scale. */
function generated(count, seed = 5) {
  const rows = Math.round(count / 100);
  const cols = 20_000;
  const random = new Random(seed);
  const U = Float64Array.from({ length: rows * 10 }, () => random.normal() / Math.sqrt(10));
  const V = Float64Array.from({ length: 10 * cols }, () => random.normal());
  const rowIndices = new Int32Array(count);
  const colIndices = new Int32Array(count);
  const values = new Float64Array(count);
  const pool = Int32Array.from({ length: cols }, (_, j) => j);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    const take = Math.min(cols, Math.round((count - p) / (rows - i)));
    // A partial Fisher–Yates shuffle of the pool: `take` distinct columns.
    for (let t = 0; t < take; t++) {
      const s = t + Math.floor(random.uniform() * (cols - t));
      const j = pool[s];
      pool[s] = pool[t];
      pool[t] = j;
      let x = 3.5 + 0.3 * random.normal();
      for (let k = 0; k < 10; k++) x += U[i * 10 + k] * V[k * cols + j];
      rowIndices[p] = i;
      colIndices[p] = j;
      // --half-stars: values on MovieLens's scale of 0.5 steps, which a Float32Array holds exactly.
      values[p++] = flags['half-stars'] ? Math.min(5, Math.max(0.5, Math.round(2 * x) / 2)) : Math.min(5, Math.max(1, x));
    }
  }
  return { rows, cols, rowIndices, colIndices, values };
}

/** Updates per second of the epoch kernel alone (each epoch drawing its block order, src/solvers/order.ts), no loss pass. */
async function kernelRate(X, backendName, threads = 1, precision = 'float64') {
  const { run } = await prepareRun(X, { solver: 'sgd', rank: RANK, backend: backendName, seed: 1, threads, precision });
  const count = X.values.length;
  await run.epoch(); // warm-up
  const epochs = count > 1e6 ? 3 : 10;
  const started = performance.now();
  for (let e = 0; e < epochs; e++) await run.epoch();
  const seconds = (performance.now() - started) / 1000;
  const finite = Number.isFinite(await run.loss());
  run.close();
  if (!finite) throw new Error(`${backendName}: SGD diverged; not timing a wrong answer`);
  return (count * epochs) / seconds;
}

async function endToEnd(X, backendName, threads = 1, precision = 'float64', onEpoch = undefined) {
  const started = performance.now();
  const model = await factorize(X, { solver: 'sgd', rank: RANK, epochs: EPOCHS, backend: backendName, threads, precision, onEpoch });
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(model.lossHistory.at(-1))) throw new Error(`${backendName}: SGD diverged`);
  return { rate: (X.values.length * EPOCHS) / seconds, seconds };
}

const rate = (r) => `${(r / 1e6).toFixed(2)}M/s`;

/** LIBMF on a `user item rating` file: its training rate and its whole-run rate (see the top). */
function libmf(file, count, threads) {
  const model = join(tmpdir(), `mfwasm-bench-${process.pid}.model`);
  const wall = (epochs, quiet) => {
    const started = performance.now();
    execFileSync(flags.libmf, ['-k', String(RANK), '-t', String(epochs), '-s', String(threads), ...(quiet ? ['--quiet'] : []), file, model], { stdio: 'ignore' });
    return (performance.now() - started) / 1000;
  };
  try {
    const training = (wall(EPOCHS + 1, true) - wall(1, true)) / EPOCHS;
    const whole = wall(EPOCHS, false);
    return { kernel: count / training, rate: (count * EPOCHS) / whole, seconds: whole };
  } finally {
    rmSync(model, { force: true });
  }
}

if (flags.child) {
  // One 10M fit (WASM, factorize end to end) and its peak RSS: getrusage's high-water mark, since a
  // sampling timer would not run while training holds the event loop.
  const count = Number(mode);
  const threads = Number(rest[0]);
  const precision = rest[1];
  const X = generated(count);
  const inputBytes = X.rowIndices.byteLength + X.colIndices.byteLength + X.values.byteLength;
  const before = process.resourceUsage().maxRSS * 1024;
  // RSS while training, after a full collection: what a long fit holds, beside the peak of its setup.
  let training = 0;
  const result = await endToEnd(X, 'wasm', threads, precision, ({ epoch }) => {
    if (epoch !== 5) return;
    globalThis.gc?.();
    training = process.memoryUsage().rss;
  });
  const peak = process.resourceUsage().maxRSS * 1024;
  const kernel = await kernelRate(X, 'wasm', threads, precision);
  console.log(JSON.stringify({ ...result, kernel, peak, before, inputBytes, training }));
  process.exit(0);
}

const folder = resolve(mode ?? new URL('../../shared/data/ml-latest-small', import.meta.url).pathname);
const count = Number(rest[0] ?? 10_000_000);
const withLibmf = flags.libmf && existsSync(flags.libmf);
console.log(`SGD, rank ${RANK}, ${EPOCHS} epochs (defaults otherwise: AdaGrad steps, λ 0.08). One run.\n`);
console.log('| data | implementation | threads | kernel updates/s | end to end updates/s (20 epochs) |');
console.log('|---|---|---|---|---|');
/** The runs to time: wasm in each precision asked, js in float64. */
const variants = [...precisions.map((precision) => ['wasm', precision, threadCounts]), ['js', 'float64', [1]]];
if (existsSync(join(folder, 'train.txt'))) {
  const train = readSplit(folder, 'train.txt');
  const X = { rows: Math.max(...train.rowIndices) + 1, cols: Math.max(...train.colIndices) + 1, ...train };
  const label = `MovieLens latest-small train (${X.values.length.toLocaleString('en')})`;
  for (const [backendName, precision, counts] of variants) {
    for (const threads of counts) {
      const kernel = await kernelRate(X, backendName, threads, precision);
      const fit = await endToEnd(X, backendName, threads, precision);
      console.log(`| ${label} | mfwasm ${backendName} ${precision} | ${threads} | ${rate(kernel)} | ${rate(fit.rate)} (factorize() ${fit.seconds.toFixed(2)} s) |`);
    }
  }
  if (withLibmf) {
    for (const threads of threadCounts) {
      const result = libmf(join(folder, 'train.txt'), X.values.length, threads);
      console.log(`| ${label} | LIBMF | ${threads} | ${rate(result.kernel)} | ${rate(result.rate)} (mf-train ${result.seconds.toFixed(2)} s, reading the file included) |`);
    }
  }
} else {
  console.log(`| MovieLens latest-small | skipped: no train.txt in ${folder} | | | |`);
}
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const memory = [];
for (const precision of precisions) for (const threads of threadCounts) {
  const child = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', ...(flags['half-stars'] ? ['--half-stars'] : []), String(count), String(threads), precision], { encoding: 'utf8', maxBuffer: 1 << 20 })
      .trim().split('\n').pop(),
  );
  console.log(`| ${count.toLocaleString('en')} generated | mfwasm wasm ${precision} | ${threads} | ${rate(child.kernel)} | ${rate(child.rate)} (factorize() ${child.seconds.toFixed(1)} s) |`);
  memory.push(`${precision}, ${threads} thread${threads > 1 ? 's' : ''}: peak ${mib(child.peak)} (${mib(child.before)} before factorize(), the generated input arrays included: ` +
    `${mib(child.inputBytes)}); ${mib(child.training)} while training (after a full garbage collection at epoch 6)`);
}
if (withLibmf) {
  // The same generated ratings, as LIBMF reads them.
  const folder10M = mkdtempSync(join(tmpdir(), 'mfwasm-sgd-'));
  try {
    const X = generated(count);
    const file = join(folder10M, 'ratings.txt');
    const lines = [];
    for (let p = 0; p < count; p++) lines.push(`${X.rowIndices[p]} ${X.colIndices[p]} ${X.values[p].toFixed(4)}`);
    writeFileSync(file, lines.join('\n') + '\n');
    lines.length = 0;
    for (const threads of threadCounts) {
      const result = libmf(file, count, threads);
      console.log(`| ${count.toLocaleString('en')} generated | LIBMF | ${threads} | ${rate(result.kernel)} | ${rate(result.rate)} (mf-train ${result.seconds.toFixed(1)} s, reading the file included) |`);
    }
  } finally {
    rmSync(folder10M, { recursive: true, force: true });
  }
}
console.log(`\nPeak RSS of the ${count.toLocaleString('en')}-rating fit — ${memory.join('; ')}.`);
if (!withLibmf) {
  console.log("LIBMF not run (give --libmf path/to/mf-train or LIBMF_TRAIN); its figures from the speed issue: 1.2e7 updates/s single-threaded on MovieLens-size data, 2.1e7 on 10M; 139 MB peak RSS at 10M.");
}
