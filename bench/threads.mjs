// npm run bench:threads [-- --threads 1,2,default] [--observed 1000000] [--busy]   (ONLY=<label prefix>: one case)
//
// Thread scaling of every solver: the seconds of one epoch on one thread, on more, and on the default count
// (`default`: options.threads left out, as a user leaves it), measured side by side in one process (runs
// alternate between the counts, the median of each kept), with the results checked to be the same to the bit
// whatever the count. An epoch's time is the mean over a whole run from its first epoch — a run that finds
// its threads starved and goes on alone pays for the finding. Problems are generated from a seed: a sparse
// rating-like matrix with `--observed` entries (default 10^6), and the dense GD cases of `npm run bench` with a 600²
// between them.
// With --whole it times whole factorize() calls instead (input to model, the solvers' default epochs, 30 for gd),
// each on 1 and 2 threads, every round's ratio printed. With --busy the table is made again beside one busy process (a plain `node -e` loop), as a user's machine
// is. After the table: what waking the threads costs, and whether this machine's cores run two copies of
// dense gd's H half at full speed (one process, then two processes at once).
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
    threads: { type: 'string', default: '1,2,default' }, observed: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' },
    'h-half': { type: 'boolean', default: false }, busy: { type: 'boolean', default: false }, whole: { type: 'boolean', default: false },
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
const counts = values.threads.split(',').map((count) => (count === 'default' ? count : Number(count)));
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
  // 600² between them: epochs of 1–2 ms, the longest the short runs' choice (src/runtime/choice.ts) times alone.
  ...[CASES['dense-300'], { rows: 600, cols: 600, rank: 20, observed: 0.6, label: '600×600, rank 20, 60% observed' }, CASES['dense-1000']].map((shape) => (
    { label: `gd dense ${shape.label}`, X: makeProblem(shape), options: { solver: 'gd', rank: shape.rank, learningRate: 1e-4, layout: 'dense' } })),
];

/** Epochs each case runs: as many as take about a second on one thread (at least 4), fixed before timing. */
const epochsOf = new Map();

async function epochSeconds(X, options, threads) {
  const started = performance.now();
  const { run, threads: chosen } = await prepareRun(X, threads === 'default' ? options : { ...options, threads });
  const prepared = performance.now();
  let epochs = epochsOf.get(options);
  let ran = 0;
  do {
    await run.epoch();
    ran++;
  } while (epochs ? ran < epochs : ran < 4 || (performance.now() - prepared < 1000 && ran < 200));
  const seconds = (performance.now() - prepared) / 1e3 / ran;
  if (!epochs) epochsOf.set(options, ran);
  // The factors and loss after the same epochs, which must not depend on the thread count.
  const loss = await run.loss();
  const { W, H } = run.view();
  const digest = createHash('sha1').update(new Uint8Array(W.buffer, W.byteOffset, W.byteLength)).update(new Uint8Array(H.buffer, H.byteOffset, H.byteLength)).digest('hex');
  run.close();
  return { seconds, digest: `${digest}:${loss}`, chosen, setup: (prepared - started) / 1e3 };
}

const time = (s) => (s < 1e-3 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(2)} s`);
const name = (t) => (t === 'default' ? 'default' : `${t} thread${t > 1 ? 's' : ''}`);
console.log(`mfwasm bench:threads — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
console.log(`Seconds of one epoch (the mean over a whole run from its first epoch, the median of ${rounds} alternating rounds per count); every count's factors and loss checked equal.`);

async function table(title) {
  console.log(`\n${title}\n`);
  console.log(`| problem | ${counts.map(name).join(' | ')} | ${counts.slice(1).map((t) => `${name(t)} vs 1`).join(' | ')} |`);
  console.log(`|---|${counts.map(() => '---').join('|')}|${counts.slice(1).map(() => '---').join('|')}|`);
  for (const { label, X, options } of cases.filter((c) => !only || c.label.startsWith(only))) {
    const samples = new Map(counts.map((t) => [t, []]));
    const digests = new Set();
    let chosen;
    for (let round = 0; round < rounds; round++) {
      for (const threads of counts) {
        const result = await epochSeconds(X, options, threads);
        samples.get(threads).push(result.seconds);
        digests.add(result.digest);
        if (threads === 'default') chosen = result.chosen;
      }
    }
    const median = (list) => list.slice().sort((a, b) => a - b)[list.length >> 1];
    const base = median(samples.get(counts[0]));
    const cells = counts.map((t) => `${time(median(samples.get(t)))}${t === 'default' ? ` (${chosen})` : ''}`);
    const ratios = counts.slice(1).map((t) => `${(base / median(samples.get(t))).toFixed(2)}×`);
    console.log(`| ${label} | ${cells.join(' | ')} | ${ratios.join(' | ')} |${digests.size === 1 ? '' : ' RESULTS DIFFER'}`);
  }
}

/** Whole factorize() calls, 1 vs 2 threads alternating, the ratio of each round (a warm pool: one call first). */
async function whole() {
  const { factorize } = await import('../dist/index.js');
  console.log('\nWhole factorize() (input to model), 1 and 2 threads alternating; every round\'s 2-vs-1 ratio:\n');
  console.log('| problem | 1 thread (median) | 2 threads (median) | 2 vs 1, each round | median |');
  console.log('|---|---|---|---|---|');
  for (const { label, X, options } of cases.filter((c) => !only || c.label.startsWith(only))) {
    const given = options.solver === 'gd' ? { ...options, epochs: 30 } : options;
    await factorize(X, { ...given, threads: 2, epochs: 1 });
    const times = { 1: [], 2: [] };
    const digests = new Set();
    for (let round = 0; round < rounds; round++) {
      for (const threads of [1, 2]) {
        const started = performance.now();
        const model = await factorize(X, { ...given, threads });
        times[threads].push((performance.now() - started) / 1e3);
        digests.add(`${model.loss}`);
      }
    }
    const median = (list) => list.slice().sort((a, b) => a - b)[list.length >> 1];
    const ratios = times[1].map((one, round) => one / times[2][round]);
    console.log(`| ${label} | ${time(median(times[1]))} | ${time(median(times[2]))} | ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')} | ${median(ratios).toFixed(2)}× |${digests.size === 1 ? '' : ' RESULTS DIFFER'}`);
  }
}

if (values.whole) {
  await whole();
  process.exit(0);
}

await table('Idle machine (nothing else running, as far as this bench knows):');
if (values.busy) {
  const busy = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
  try {
    await table('Beside one busy process (`node -e "for (;;);"`, started before the table):');
  } finally {
    busy.kill();
  }
}

// Waking the threads: runs of empty calls (no rows), one phase, then 20 phases (19 barriers), for 6 ms each, on a
// workspace of its own: under the 10 ms after which short runs are timed alone (src/runtime/choice.ts), where these
// would go alone — they measure the threads, not the choice.
{
  const perRun = async (phases) => {
    const space = await backends.wasm.open({ real: { a: 16 }, i32: {} }, 2);
    if (space.threads !== 2) return (space.close(), undefined);
    const call = ['stepRows', space.real.a, space.real.a, space.real.a, space.real.a, 0, 1, 0.1, 1];
    const program = Array.from({ length: phases }, () => [call, call]);
    // A run that had to await a helper returns a promise: the next may start only after it.
    const run = async () => {
      const ran = space.run(program);
      if (ran instanceof Promise) await ran;
    };
    for (let i = 0; i < 20; i++) await run();
    const started = performance.now();
    let runs = 0;
    for (; performance.now() - started < 6; runs++) await run();
    const micros = ((performance.now() - started) / runs) * 1000;
    space.close();
    return micros;
  };
  const one = await perRun(1);
  const twenty = await perRun(20);
  if (one !== undefined && twenty !== undefined) {
    console.log(`\nWaking 2 threads: ${one.toFixed(1)} µs a run of one phase of empty calls; ${((twenty - one) / 19).toFixed(1)} µs a barrier (20 phases: ${twenty.toFixed(1)} µs).`);
  }
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
