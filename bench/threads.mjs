// npm run bench:threads [-- --threads 1,2,4] [--observed 1000000]   (ONLY=<label prefix>: one case)
//
// Thread scaling of every solver: the seconds of one epoch on one thread and on more, measured side by
// side in one process (runs alternate between the counts, the median of each kept), with the results
// checked to be the same to the bit whatever the count. Problems are generated from a seed: a sparse
// rating-like matrix with `--observed` entries (default 10^6), and the dense GD cases of `npm run bench`.
// After the table: what waking the threads costs (runs of empty kernel calls), and whether this machine's
// cores run two copies of dense gd's H half at full speed (one process, then two processes at once).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { backends } from '../dist/backends/index.js';
import { prepareRun } from '../dist/fit/plan.js';
import { Random } from '../dist/math/rng.js';
import { CASES, makeProblem } from './problems.mjs';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' }, observed: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' },
    'h-half': { type: 'boolean', default: false },
  },
});

/**
 * The median of dense gd's H half (denseStepH) at 1000×1000, rank 20, on one thread, in ms, timed for 1.5 s
 * (long enough that two processes started together overlap).
 */
async function denseHalfMs() {
  const { rows, cols, rank } = CASES['dense-1000'];
  const space = await backends.wasm.open({ real: { x: rows * cols, w: rows * rank, h: rank * cols, residual: 4 * cols + rank, g: rank * cols, counts: cols, params: 4 * rank }, i32: {} }, 1);
  const { kernels: k, real: b } = space;
  space.viewReal(b.x, rows * cols).set(makeProblem(CASES['dense-1000']).data);
  space.viewReal(b.w, rows * rank).fill(0.1);
  space.viewReal(b.h, rank * cols).fill(0.1);
  const times = [];
  for (const end = performance.now() + 1500; performance.now() < end; ) {
    const started = performance.now();
    k.denseStepH(b.x, b.w, b.h, b.residual, b.g, b.counts, b.params, rows, cols, cols, rank, 1e-9, 1);
    times.push(performance.now() - started);
  }
  space.close();
  return times.sort((p, q) => p - q)[times.length >> 1];
}

if (values['h-half']) {
  console.log(JSON.stringify(await denseHalfMs()));
  process.exit(0);
}
const counts = values.threads.split(',').map(Number);
const observed = Number(values.observed);
const rounds = Number(values.rounds);

/** rows × cols ratings on a 1–5 scale from a rank-8 model, `count` of them at random positions (1% observed). */
function ratings(count, seed = 7) {
  const rows = Math.round(Math.sqrt(count * 400));
  const cols = Math.round(rows / 4);
  const random = new Random(seed);
  const rank = 8;
  const U = Float64Array.from({ length: rows * rank }, () => random.normal());
  const V = Float64Array.from({ length: cols * rank }, () => random.normal());
  const row = new Int32Array(count);
  const col = new Int32Array(count);
  const value = new Float64Array(count);
  const seen = new Set();
  for (let p = 0; p < count; ) {
    const i = Math.floor(random.uniform() * rows);
    const j = Math.floor(random.uniform() * cols);
    if (seen.has(i * cols + j)) continue;
    seen.add(i * cols + j);
    let x = 0;
    for (let k = 0; k < rank; k++) x += U[i * rank + k] * V[j * rank + k];
    row[p] = i;
    col[p] = j;
    value[p++] = Math.min(5, Math.max(1, 3 + x / Math.sqrt(rank) + 0.3 * random.normal()));
  }
  return { rows, cols, rowIndices: row, colIndices: col, values: value };
}

const sparse = ratings(observed);
const only = process.env.ONLY;
const cases = [
  { label: `als rank 32, ${sparse.rows}×${sparse.cols}, ${observed} observed`, X: sparse, options: { solver: 'als', rank: 32 } },
  { label: `ials rank 64 (CG), same events`, X: sparse, options: { solver: 'ials', rank: 64 } },
  { label: `sgd rank 40, same ratings`, X: sparse, options: { solver: 'sgd', rank: 40 } },
  { label: `gd sparse rank 32, same ratings`, X: sparse, options: { solver: 'gd', rank: 32, learningRate: 1e-4, layout: 'sparse' } },
  ...['dense-300', 'dense-1000'].map((name) => ({ label: `gd dense ${CASES[name].label}`, X: makeProblem(CASES[name]), options: { solver: 'gd', rank: CASES[name].rank, learningRate: 1e-4, layout: 'dense' } })),
];

async function epochSeconds(X, options, threads) {
  const { run } = await prepareRun(X, { ...options, threads });
  // Three epochs, then the factors and loss, which must not depend on the thread count; they also warm up.
  for (let e = 0; e < 3; e++) await run.epoch();
  const loss = await run.loss();
  const { W, H } = run.view();
  const digest = createHash('sha1').update(new Uint8Array(W.buffer, W.byteOffset, W.byteLength)).update(new Uint8Array(H.buffer, H.byteOffset, H.byteLength)).digest('hex');
  const epochs = [];
  const deadline = performance.now() + 1500;
  do {
    const started = performance.now();
    await run.epoch();
    epochs.push((performance.now() - started) / 1e3);
  } while (epochs.length < 3 || (performance.now() < deadline && epochs.length < 200));
  run.close();
  epochs.sort((a, b) => a - b);
  return { seconds: epochs[epochs.length >> 1], digest: `${digest}:${loss}`, epochs: epochs.length };
}

const time = (s) => (s < 1e-3 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(2)} s`);
console.log(`mfwasm bench:threads — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
console.log(`Median seconds of one epoch (warm), ${rounds} alternating rounds per count; every count's factors and loss checked equal.\n`);
console.log(`| problem | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' | ')} | ${counts.slice(1).map((t) => `${t} vs 1`).join(' | ')} |`);
console.log(`|---|${counts.map(() => '---').join('|')}|${counts.slice(1).map(() => '---').join('|')}|`);
for (const { label, X, options } of cases.filter((c) => !only || c.label.startsWith(only))) {
  const samples = new Map(counts.map((t) => [t, []]));
  const digests = new Set();
  for (let round = 0; round < rounds; round++) {
    for (const threads of counts) {
      const { seconds, digest } = await epochSeconds(X, options, threads);
      samples.get(threads).push(seconds);
      digests.add(digest);
    }
  }
  const median = (list) => list.slice().sort((a, b) => a - b)[list.length >> 1];
  const base = median(samples.get(counts[0]));
  const cells = counts.map((t) => time(median(samples.get(t))));
  const ratios = counts.slice(1).map((t) => `${(base / median(samples.get(t))).toFixed(2)}×`);
  console.log(`| ${label} | ${cells.join(' | ')} | ${ratios.join(' | ')} |${digests.size === 1 ? '' : ' RESULTS DIFFER'}`);
}

// Waking the threads: runs of empty calls (no rows), one phase, then 20 phases (19 barriers).
{
  const space = await backends.wasm.open({ real: { a: 16 }, i32: {} }, 2);
  if (space.threads === 2) {
    const call = ['stepRows', space.real.a, space.real.a, space.real.a, space.real.a, 0, 1, 0.1, 1];
    const perRun = (phases) => {
      const program = Array.from({ length: phases }, () => [call, call]);
      for (let i = 0; i < 200; i++) space.run(program);
      const started = performance.now();
      for (let i = 0; i < 2000; i++) space.run(program);
      return ((performance.now() - started) / 2000) * 1000;
    };
    const one = perRun(1);
    const twenty = perRun(20);
    console.log(`\nWaking 2 threads: ${one.toFixed(1)} µs a run of one phase of empty calls; ${((twenty - one) / 19).toFixed(1)} µs a barrier (20 phases: ${twenty.toFixed(1)} µs).`);
  }
  space.close();
}

// Two copies of dense gd's H half at once, in two processes (nothing shared): what the cores give.
{
  const script = fileURLToPath(import.meta.url);
  const alone = Number(execFileSync(process.execPath, [script, '--h-half'], { encoding: 'utf8' }));
  const paired = await Promise.all([0, 1].map(() => new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [script, '--h-half']);
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', () => resolve(Number(out)));
  })));
  console.log(`Dense gd's H half (1000×1000, rank 20), one thread: ${alone.toFixed(2)} ms alone; ${paired.map((ms) => ms.toFixed(2)).join(' and ')} ms in two processes at once.`);
}
