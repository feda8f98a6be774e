// SGD throughput at rank 40 (LIBMF's -k 40): updates per second on MovieLens latest-small's train split
// and on 10 million generated ratings, both backends, plus the peak RSS of the 10M fit.
//   npm run bench:sgd -- [data folder] [ratings]      (defaults: ../shared/data/ml-latest-small, 10000000)
// Two figures per row: the epoch kernel alone (the permutation already drawn, no loss pass: what
// LIBMF counts) and factorize() end to end (input checks, shuffles, a loss per epoch) over 20 epochs.
// The 10M fit runs in a child process of its own so that its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { factorize } from 'mfwasm';
import { prepareRun } from '../dist/prepare.js';
import { Random } from '../dist/rng.js';
import { readSplit } from './movielens.mjs';

const RANK = 40;
const EPOCHS = 20;
const [mode, ...rest] = process.argv.slice(2);

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
      values[p++] = Math.min(5, Math.max(1, x));
    }
  }
  return { rows, cols, rowIndices, colIndices, values };
}

/** Updates per second of the epoch kernel alone (each epoch drawing its block order, src/order.ts), no loss pass. */
async function kernelRate(X, backendName) {
  const { run } = await prepareRun(X, { solver: 'sgd', rank: RANK, backend: backendName, seed: 1 });
  const count = X.values.length;
  run.epoch(); // warm-up
  const epochs = count > 1e6 ? 3 : 10;
  const started = performance.now();
  for (let e = 0; e < epochs; e++) run.epoch();
  const seconds = (performance.now() - started) / 1000;
  const finite = Number.isFinite(run.loss());
  run.close();
  if (!finite) throw new Error(`${backendName}: SGD diverged; not timing a wrong answer`);
  return (count * epochs) / seconds;
}

async function endToEnd(X, backendName, onEpoch) {
  const started = performance.now();
  const model = await factorize(X, { solver: 'sgd', rank: RANK, epochs: EPOCHS, backend: backendName, onEpoch });
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(model.lossHistory.at(-1))) throw new Error(`${backendName}: SGD diverged`);
  return { rate: (X.values.length * EPOCHS) / seconds, seconds };
}

const rate = (r) => `${(r / 1e6).toFixed(2)}M/s`;

if (mode === '--child') {
  // One 10M fit (WASM, factorize end to end) and its peak RSS: getrusage's high-water mark, since a
  // sampling timer would not run while training holds the event loop.
  const count = Number(rest[0]);
  const X = generated(count);
  const inputBytes = X.rowIndices.byteLength + X.colIndices.byteLength + X.values.byteLength;
  const before = process.resourceUsage().maxRSS * 1024;
  // RSS while training, after a full collection: what a long fit holds, beside the peak of its setup.
  let training = 0;
  const result = await endToEnd(X, 'wasm', ({ epoch }) => {
    if (epoch !== 5) return;
    globalThis.gc?.();
    training = process.memoryUsage().rss;
  });
  const peak = process.resourceUsage().maxRSS * 1024;
  const kernel = await kernelRate(X, 'wasm');
  console.log(JSON.stringify({ ...result, kernel, peak, before, inputBytes, training }));
  process.exit(0);
}

const folder = resolve(mode ?? new URL('../../shared/data/ml-latest-small', import.meta.url).pathname);
const count = Number(rest[0] ?? 10_000_000);
console.log(`SGD, rank ${RANK}, ${EPOCHS} epochs (defaults otherwise: AdaGrad steps, λ 0.08). One run.\n`);
console.log('| data | backend | kernel updates/s | factorize() updates/s (20 epochs, end to end) |');
console.log('|---|---|---|---|');
if (existsSync(join(folder, 'train.txt'))) {
  const train = readSplit(folder, 'train.txt');
  const X = { rows: Math.max(...train.rowIndices) + 1, cols: Math.max(...train.colIndices) + 1, ...train };
  for (const backendName of ['wasm', 'js']) {
    const kernel = await kernelRate(X, backendName);
    const fit = await endToEnd(X, backendName);
    console.log(`| MovieLens latest-small train (${X.values.length.toLocaleString('en')}) | ${backendName} | ${rate(kernel)} | ${rate(fit.rate)} (${fit.seconds.toFixed(2)} s) |`);
  }
} else {
  console.log(`| MovieLens latest-small | skipped: no train.txt in ${folder} | | |`);
}
const child = JSON.parse(
  execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', String(count)], { encoding: 'utf8', maxBuffer: 1 << 20 })
    .trim().split('\n').pop(),
);
console.log(`| ${count.toLocaleString('en')} generated | wasm | ${rate(child.kernel)} | ${rate(child.rate)} (${child.seconds.toFixed(1)} s) |`);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
console.log(`\nPeak RSS of the ${count.toLocaleString('en')}-rating fit: ${mib(child.peak)} ` +
  `(${mib(child.before)} before factorize(), the generated input arrays included: ${mib(child.inputBytes)}); ` +
  `${mib(child.training)} while training (after a full garbage collection at epoch 6).`);
console.log("LIBMF's figures on this machine (from the speed issue, not rerun here): 1.2e7 updates/s single-threaded on MovieLens-size data, 2.1e7 on 10M; 139 MB peak RSS at 10M.");
