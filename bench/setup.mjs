// npm run bench:setup [-- --ratings 10000000] [--libmf path/to/libmf]
//
// What a call costs before and beside its epochs:
// - the same call's setup stage by stage (plan: every check and X in rows; start: the run laid out; the initial loss
//   pass; then an epoch and its loss pass), in a child process of its own, with the pages of new memory each stage
//   writes first and what such a page costs on this machine (128 MiB of a fresh WebAssembly memory written a word a page);
// - with --libmf (the folder of LIBMF's source, built with its Makefile): LIBMF's mf_train on the same ratings in
//   memory (bench/libmf_setup.cpp, compiled against its mf.o), its setup and an iteration timed by its output lines,
//   with copy_data on (its default) and off;
// - through the API, 10M float32 ratings in typed arrays (the bench:parse shape: 200,000 × 50,000, half
//   stars), sgd rank 40, 3 epochs, one thread, in a child process: its peak RSS above the RSS once the input
//   arrays exist (the OS's high-water mark: a sampling timer cannot run during synchronous work), and the time
//   before the first epoch's report against an epoch's — as the first fit of a fresh process, and after a small
//   fit before it: a WebAssembly memory's first growth (or any ArrayBuffer detached, as a transfer to a worker
//   does) turns off an assumption of V8's optimized code, and typed-array loops run ~15% slower in that process
//   from then on, which is how a server or a page that fits more than once runs them;
// - the same call with gd (the default solver) and als, and sgd with keepObservations: false, its peak and its setup
//   with the first epoch;
// - factorize(X, { epochs: 0 }) on a dense 1000×1000 at rank 20 against one loss pass of the same run and one
//   copy of X (medians of 30, after ten rounds to warm up).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { factorize } from '../dist/index.js';
import { prepareRun } from '../dist/fit/plan.js';

const { values: flags } = parseArgs({ options: { ratings: { type: 'string', default: '10000000' }, libmf: { type: 'string' } } });
const child = `
import { factorize } from '${new URL('../dist/index.js', import.meta.url)}';
import { Random } from '${new URL('../dist/math/rng.js', import.meta.url)}';
const count = ${Number(flags.ratings)}, users = 200_000, items = 50_000;
const random = new Random(3);
const skewed = process.argv.includes('--skewed');
const rowIndices = new Int32Array(count), colIndices = new Int32Array(count), values = new Float32Array(count);
const rated = new Int32Array(users);
for (let p = 0; p < count; p++) {
  // --skewed: users drawn as ⌊users·r²⌋ (r uniform), so that a few hundred users hold tens of thousands of ratings
  // each, as real rating data has heavy users: the CSR build then cuts its bins of rows smaller.
  const u = skewed ? Math.floor(users * random.uniform() ** 2) : random.uint32() % users;
  rowIndices[p] = u;
  colIndices[p] = (u * 7919 + rated[u]++ * 4729) % items;
  values[p] = 1 + (random.uint32() % 10) / 2;
}
if (process.argv.includes('--write')) {
  // The same ratings as three raw arrays, for LIBMF's driver (bench/libmf_setup.cpp).
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.argv.at(-1), new Uint8Array(0));
  for (const list of [rowIndices, colIndices, values]) writeFileSync(process.argv.at(-1), new Uint8Array(list.buffer), { flag: 'a' });
  process.exit(0);
}
if (process.argv.includes('--stages')) {
  // The setup's stages, through the functions factorize() calls (src/fit/plan.ts): every check and X in rows
  // (plan), the run laid out and started (start), then the initial loss pass, one epoch and its loss pass.
  const { plan, start } = await import('${new URL('../dist/fit/plan.js', import.meta.url)}');
  const stages = {};
  const faults = {};
  let at = performance.now();
  let faulted = process.resourceUsage().minorPageFault;
  const lap = (name) => {
    const now = performance.now();
    const count = process.resourceUsage().minorPageFault;
    stages[name] = now - at;
    faults[name] = count - faulted;
    at = now;
    faulted = count;
  };
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
  // What a page of memory costs the first time it is written, on this machine: 128 MiB of a fresh WebAssembly memory
  // written one word a page (the run's buffers are new memory too: every page of them is first written in the setup).
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4096 });
  memory.grow(2048);
  const words = new Int32Array(memory.buffer);
  const touched = performance.now();
  for (let p = 0; p < words.length; p += 1024) words[p] = 1;
  const touch = (performance.now() - touched) / 128;
  console.log(JSON.stringify({ stages, faults, touch }));
  process.exit(0);
}
if (process.argv.includes('--after-a-fit')) await factorize({ rows: 3, cols: 2, rowIndices: [0, 1, 2], colIndices: [0, 1, 0], values: [1, 2, 3] }, { solver: 'sgd', rank: 1, epochs: 1 });
globalThis.gc();
const before = process.memoryUsage().rss;
const started = performance.now();
let last = started;
const times = [];
const solver = process.argv.find((arg) => arg.startsWith('--solver='))?.slice(9) ?? 'sgd';
const keepObservations = !process.argv.includes('--keep-none');
await factorize({ rows: users, cols: items, rowIndices, colIndices, values }, { solver, rank: 40, epochs: 3, threads: 1, precision: 'float32', keepObservations,
  onEpoch: () => { const now = performance.now(); times.push(now - last); last = now; } });
console.log(JSON.stringify({ above: process.resourceUsage().maxRSS * 1024 - before, times }));
`;
for (const [label, flag] of [['', []], [' (skewed users)', ['--skewed']]]) {
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, '--', '--stages', ...flag], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const { stages, faults, touch } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  console.log(`API setup by stage${label} (a process's first fit): ${Object.entries(stages).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  const pages = faults.plan + faults.start;
  console.log(`  pages first written: plan ${faults.plan}, start ${faults.start} (${(pages / 256).toFixed(0)} MiB); a fresh page costs ${(touch / 256 * 1000).toFixed(2)} µs here ` +
    `(${touch.toFixed(2)} ms a MiB): ~${(pages * touch / 256 / 1000).toFixed(2)} s of the setup`);
}
if (flags.libmf) libmfSetup(flags.libmf);
for (const [label, flag] of [['the first fit of a process', []], ['after a small fit', ['--after-a-fit']]]) {
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, '--', ...flag], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const { above, times } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  // The first report comes after the setup, the initial loss pass and the first epoch.
  const epoch = (times[1] + times[2]) / 2;
  console.log(`API, ${Number(flags.ratings).toLocaleString('en')} float32 ratings, sgd rank 40, one thread, ${label}: peak ${(above / 2 ** 20).toFixed(1)} MiB above the input arrays; ` +
    `before the first epoch ${((times[0] - epoch) / 1000).toFixed(2)} s, an epoch (with its loss pass) ${(epoch / 1000).toFixed(2)} s`);
}

// The other solvers through the API the same way: gd (the default), whose automatic step redoes an epoch at half the
// step while it would raise the loss (an epoch's figure holds those redone), and als.
// And sgd with keepObservations: false, whose model copies the factors out beside the run rather than keep its memory.
for (const [solver, flag, label] of [['gd', [], ''], ['als', [], ''], ['sgd', ['--keep-none'], ', keepObservations: false']]) {
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, '--', `--solver=${solver}`, ...flag], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const { above, times } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  console.log(`API, ${Number(flags.ratings).toLocaleString('en')} float32 ratings, ${solver} rank 40${label}, one thread, the first fit of a process: peak ${(above / 2 ** 20).toFixed(1)} MiB above the input arrays; ` +
    `the setup and first epoch ${(times[0] / 1000).toFixed(2)} s, the next two ${(times[1] / 1000).toFixed(2)} and ${(times[2] / 1000).toFixed(2)} s`);
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

/**
 * LIBMF's mf_train() on the same ratings in memory (bench/libmf_setup.cpp, compiled against the given folder's mf.o):
 * the time from the call to its first iteration's line, less one iteration (the mean of the next two), as the
 * setup — with copy_data (its default: the caller's array copied before it is shuffled in blocks) and without.
 */
function libmfSetup(folder) {
  const scratch = mkdtempSync(join(tmpdir(), 'mfwasm-libmf-'));
  try {
    const driver = join(scratch, 'libmf_setup');
    const built = spawnSync('g++', ['-O3', '-pthread', '-std=c++11', '-march=native', '-fopenmp', '-I', folder, '-o', driver,
      fileURLToPath(new URL('./libmf_setup.cpp', import.meta.url)), join(folder, 'mf.o')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`--libmf: could not build the driver against ${folder}/mf.o (run make there first): ${built.stderr}`);
    const ratings = join(scratch, 'ratings.bin');
    const written = spawnSync(process.execPath, ['--input-type=module', '-e', child, '--', '--write', ratings], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    for (const copy of [1, 0]) {
      const times = timedLines(driver, [ratings, flags.ratings, '200000', '50000', String(copy)]);
      const epoch = (times[2] - times[0]) / 2;
      console.log(`LIBMF mf_train, the same ratings in memory, k 40, 3 iterations, one thread, copy_data ${copy ? 'true (its default)' : 'false'}: ` +
        `before the first iteration ${((times[0] - epoch) / 1000).toFixed(2)} s, an iteration (with its loss) ${(epoch / 1000).toFixed(2)} s`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The driver's iteration lines' times in ms after its "start" line, each taken as the line arrives. */
function timedLines(command, args) {
  // A child that timestamps the driver's lines as they come (spawnSync would only see them at its end).
  const source = `
    const { spawn } = await import('node:child_process');
    const driver = spawn(${JSON.stringify(command)}, ${JSON.stringify(args)}, { stdio: ['ignore', 'pipe', 'inherit'] });
    let started, pending = '';
    const times = [];
    driver.stdout.on('data', (chunk) => {
      const now = performance.now();
      pending += chunk;
      const lines = pending.split('\\n');
      pending = lines.pop();
      for (const line of lines) {
        if (line === 'start') started = now;
        else if (/^\\s*\\d+\\s/.test(line)) times.push(now - started);
      }
    });
    driver.on('close', (code) => { console.log(JSON.stringify({ code, times })); });`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' });
  const { code, times } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  if (code !== 0 || times.length !== 3) throw new Error(`LIBMF's driver: exit ${code}, ${times.length} iteration lines: ${run.stderr}`);
  return times;
}
