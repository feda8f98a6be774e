// Speed of one iALS epoch at 1 million events, rank 64 (the implicit-feedback issue's target 3): mfwasm's
// exact (Cholesky) and CG epochs on both backends, beside the arithmetic lower bound and a plain numpy
// implementation that uses BLAS/LAPACK for every row (bench/ials_epoch.py), on the same events.
//   npm run bench:ials -- [events] [rank]      (defaults 1000000, 64)
// Lower bound: an exact epoch needs at least n·k² (each event's rank-one update of its row's system, once
// per side: 2·n·k²/2·2) + (rows + cols)·k³/3 (Cholesky) + 2·(rows + cols)·k² … flops; we count
// n·k² + (rows + cols)·k³/3 multiply-adds ×2, over the GFLOP/s the WASM kernels reach on dense work (the
// gramian, a k×k accumulation of rank-one updates, measured here) — the best this code could do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareRun } from '../dist/fit/plan.js';
import { backends } from '../dist/backends/index.js';
import { Random } from '../dist/math/rng.js';

const count = Number(process.argv[2] ?? 1_000_000);
const rank = Number(process.argv[3] ?? 64);
const ALPHA = 2;
const LAMBDA = 1;

/** Events over 40,000 users × 20,000 items with popularity falling off like real catalogues (Zipf-ish). */
function events(n) {
  const random = new Random(7);
  const rows = 40000;
  const cols = 20000;
  const seen = new Set();
  const rowIndices = new Int32Array(n);
  const colIndices = new Int32Array(n);
  const values = new Float64Array(n);
  let m = 0;
  while (m < n) {
    const u = Math.floor(random.uniform() * rows);
    const i = Math.min(cols - 1, Math.floor(cols * random.uniform() ** 2.5));
    const key = u * cols + i;
    if (seen.has(key)) continue;
    seen.add(key);
    rowIndices[m] = u;
    colIndices[m] = i;
    values[m++] = 1 + Math.floor(random.uniform() * 3);
  }
  return { rows, cols, rowIndices, colIndices, values };
}

const X = events(count);
const time = async (backend, cgSteps, epochs) => {
  const { run } = await prepareRun(X, { solver: 'ials', rank, alpha: ALPHA, regularization: LAMBDA, cgSteps, backend });
  run.epoch(); // warm-up
  let best = Infinity;
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    run.epoch();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  run.close();
  return best;
};

// The kernels' dense rate: the gramian of 200,000 × rank factors, k²·n multiply-adds.
async function denseRate() {
  const n = 200000;
  const space = await backends.wasm.open({ real: { f: n * rank, g: rank * rank }, i32: {} });
  space.viewReal(space.real.f, n * rank).fill(0.5);
  space.kernels.gramian(space.real.f, n, rank, space.real.g);
  const started = performance.now();
  space.kernels.gramian(space.real.f, n, rank, space.real.g);
  const seconds = (performance.now() - started) / 1000;
  space.close();
  return (2 * n * rank * rank) / seconds;
}

const flops = 2 * (count * rank * rank + (X.rows + X.cols) * rank ** 3 / 3);
const rate = await denseRate();
const bound = flops / rate;
console.log(`iALS epoch, ${count.toLocaleString('en')} events, ${X.rows}×${X.cols}, rank ${rank}, α ${ALPHA}, λ ${LAMBDA}. One run.\n`);
console.log(`Lower bound: ${(flops / 1e9).toFixed(1)} GFLOP at the WASM kernels' dense ${(rate / 1e9).toFixed(2)} GFLOP/s (gramian) = ${bound.toFixed(3)} s\n`);
console.log('| implementation | seconds per epoch | vs the lower bound | numpy vs it |');
console.log('|---|---|---|---|');
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-ials-'));
let numpy;
try {
  const file = join(folder, 'events.bin');
  const header = Int32Array.of(X.rows, X.cols, count);
  writeFileSync(file, Buffer.concat([Buffer.from(header.buffer), Buffer.from(X.rowIndices.buffer), Buffer.from(X.colIndices.buffer), Buffer.from(X.values.buffer)]));
  const script = fileURLToPath(new URL('./ials_epoch.py', import.meta.url));
  const python = spawnSync('python3', [script, file, String(rank), String(ALPHA), String(LAMBDA), '2'], { encoding: 'utf8' });
  numpy = python.status === 0 ? JSON.parse(python.stdout.trim().split('\n').pop()).secondsPerEpoch : undefined;
  if (python.status !== 0) console.error(`numpy skipped: ${python.stderr.trim().split('\n').pop()}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
for (const [label, backend, steps] of [['mfwasm WASM, exact (cgSteps 0)', 'wasm', 0], ['mfwasm WASM, CG 3 (default)', 'wasm', 3], ['mfwasm JS, CG 3', 'js', 3]]) {
  const seconds = await time(backend, steps, backend === 'js' ? 1 : 2);
  console.log(`| ${label} | ${seconds.toFixed(3)} | ${(seconds / bound).toFixed(2)}× | ${numpy ? `${(numpy / seconds).toFixed(1)}×` : '—'} |`);
}
if (numpy) console.log(`| numpy + OpenBLAS, exact, BLAS per row | ${numpy.toFixed(3)} | ${(numpy / bound).toFixed(2)}× | — |`);
