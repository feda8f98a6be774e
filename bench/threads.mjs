// npm run bench:threads [-- --threads 1,2,4] [--observed 1000000]   (ONLY=<label prefix>: one case)
//
// Thread scaling of every solver: the seconds of one epoch on one thread and on more, measured side by
// side in one process (runs alternate between the counts, the median of each kept), with the results
// checked to be the same to the bit whatever the count. Problems are generated from a seed: a sparse
// rating-like matrix with `--observed` entries (default 10^6), and the dense GD cases of `npm run bench`.
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareRun } from '../dist/prepare.js';
import { Random } from '../dist/rng.js';
import { CASES, makeProblem } from './problems.mjs';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1,2' }, observed: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } } });
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
  { label: `gd sparse rank 32, same ratings`, X: sparse, options: { solver: 'gd', rank: 32, learningRate: 1e-4, kernel: 'sparse' } },
  ...['dense-300', 'dense-1000'].map((name) => ({ label: `gd dense ${CASES[name].label}`, X: makeProblem(CASES[name]), options: { solver: 'gd', rank: CASES[name].rank, learningRate: 1e-4, kernel: 'dense' } })),
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
