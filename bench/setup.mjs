// npm run bench:setup [-- --ratings 10000000]
//
// What a call costs before and beside its epochs:
// - the same call's setup stage by stage (plan: every check and X in rows; start: the run laid out; the initial loss
//   pass; then an epoch and its loss pass), in a child process of its own;
// - through the API, 10M float32 ratings in typed arrays (the bench:parse shape: 200,000 × 50,000, half
//   stars), sgd rank 40, 3 epochs, one thread, in a child process: its peak RSS above the RSS once the input
//   arrays exist (the OS's high-water mark: a sampling timer cannot run during synchronous work), and the time
//   before the first epoch's report against an epoch's — as the first fit of a fresh process, and after a small
//   fit before it: a WebAssembly memory's first growth (or any ArrayBuffer detached, as a transfer to a worker
//   does) turns off an assumption of V8's optimized code, and typed-array loops run ~15% slower in that process
//   from then on, which is how a server or a page that fits more than once runs them;
// - factorize(X, { epochs: 0 }) on a dense 1000×1000 at rank 20 against one loss pass of the same run and one
//   copy of X (medians of 30, after ten rounds to warm up).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { factorize } from '../dist/index.js';
import { prepareRun } from '../dist/fit/plan.js';

const { values: flags } = parseArgs({ options: { ratings: { type: 'string', default: '10000000' } } });
const child = `
import { factorize } from '${new URL('../dist/index.js', import.meta.url)}';
import { Random } from '${new URL('../dist/math/rng.js', import.meta.url)}';
const count = ${Number(flags.ratings)}, users = 200_000, items = 50_000;
const random = new Random(3);
const rowIndices = new Int32Array(count), colIndices = new Int32Array(count), values = new Float32Array(count);
const rated = new Int32Array(users);
for (let p = 0; p < count; p++) {
  const u = random.uint32() % users;
  rowIndices[p] = u;
  colIndices[p] = (u * 7919 + rated[u]++ * 4729) % items;
  values[p] = 1 + (random.uint32() % 10) / 2;
}
if (process.argv.includes('--stages')) {
  // The setup's stages, through the functions factorize() calls (src/fit/plan.ts): every check and X in rows
  // (plan), the run laid out and started (start), then the initial loss pass, one epoch and its loss pass.
  const { plan, start } = await import('${new URL('../dist/fit/plan.js', import.meta.url)}');
  const stages = {};
  let at = performance.now();
  const lap = (name) => { const now = performance.now(); stages[name] = now - at; at = now; };
  const planned = await plan({ rows: users, cols: items, rowIndices, colIndices, values }, { solver: 'sgd', rank: 40, epochs: 1, threads: 1, precision: 'float32' });
  lap('plan');
  const { run } = await start(planned);
  lap('start');
  await run.loss();
  lap('initial loss');
  await run.epoch();
  lap('epoch');
  await run.loss();
  lap('loss');
  run.close();
  console.log(JSON.stringify({ stages }));
  process.exit(0);
}
if (process.argv.includes('--after-a-fit')) await factorize({ rows: 3, cols: 2, rowIndices: [0, 1, 2], colIndices: [0, 1, 0], values: [1, 2, 3] }, { solver: 'sgd', rank: 1, epochs: 1 });
globalThis.gc();
const before = process.memoryUsage().rss;
const started = performance.now();
let last = started;
const times = [];
await factorize({ rows: users, cols: items, rowIndices, colIndices, values }, { solver: 'sgd', rank: 40, epochs: 3, threads: 1, precision: 'float32',
  onEpoch: () => { const now = performance.now(); times.push(now - last); last = now; } });
console.log(JSON.stringify({ above: process.resourceUsage().maxRSS * 1024 - before, times }));
`;
{
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, '--', '--stages'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const { stages } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  console.log(`API setup by stage (a process's first fit): ${Object.entries(stages).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(', ')}`);
}
for (const [label, flag] of [['the first fit of a process', []], ['after a small fit', ['--after-a-fit']]]) {
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, '--', ...flag], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const { above, times } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  // The first report comes after the setup, the initial loss pass and the first epoch.
  const epoch = (times[1] + times[2]) / 2;
  console.log(`API, ${Number(flags.ratings).toLocaleString('en')} float32 ratings, sgd rank 40, one thread, ${label}: peak ${(above / 2 ** 20).toFixed(0)} MiB above the input arrays; ` +
    `before the first epoch ${((times[0] - epoch) / 1000).toFixed(2)} s, an epoch (with its loss pass) ${(epoch / 1000).toFixed(2)} s`);
}

const n = 1000;
const data = new Float64Array(n * n);
let seed = 7;
for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 16807) % 2147483647) / 2147483647;
const X = { rows: n, cols: n, data };
const [whole, loss, copy] = [[], [], []];
for (let round = 0; round < 40; round++) {
  let started = performance.now();
  await factorize(X, { rank: 20, epochs: 0 });
  const a = performance.now() - started;
  const prepared = await prepareRun(X, { rank: 20, epochs: 0 });
  started = performance.now();
  await prepared.run.loss();
  const b = performance.now() - started;
  prepared.run.close();
  started = performance.now();
  new Float64Array(data);
  const c = performance.now() - started;
  if (round >= 10) whole.push(a), loss.push(b), copy.push(c); // the first ten rounds are slower while V8 compiles
}
const median = (list) => list.sort((a, b) => a - b)[list.length >> 1];
console.log(`factorize(dense 1000², { rank: 20, epochs: 0 }): ${median(whole).toFixed(2)} ms; one loss pass ${median(loss).toFixed(2)} ms; one copy of X ${median(copy).toFixed(2)} ms ` +
  `(${(median(whole) - median(loss)).toFixed(2)} ms beyond the loss pass)`);
// The same X as nested arrays (number[][]), the form most callers have at this size: read into a copy of the fit's own.
const nested = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * n, (i + 1) * n)));
const fromNested = [];
for (let round = 0; round < 40; round++) {
  const started = performance.now();
  await factorize(nested, { rank: 20, epochs: 0 });
  if (round >= 10) fromNested.push(performance.now() - started);
}
console.log(`factorize(the same X as number[][], { rank: 20, epochs: 0 }): ${median(fromNested).toFixed(2)} ms`);
