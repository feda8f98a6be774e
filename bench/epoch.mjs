// Times one epoch of one backend and kernel on one problem with benchmark.js, in its own process
// (V8's pure-JS timings depend on what the process ran before). Prints one JSON line.
//   node bench/epoch.mjs <case> <wasm|js> [dense|sparse|auto] [observed fraction] [threads (default 1)]
import Benchmark from 'benchmark';
import { backends } from '../dist/backends/index.js';
import { prepareRun } from '../dist/fit/plan.js';
import { CASES, makeProblem } from './problems.mjs';

const [name, backendName, kernel = 'auto', observed, threads = '1'] = process.argv.slice(2);
const shape = { ...CASES[name] };
if (!shape.rows || !backends[backendName]) {
  console.error(`usage: node bench/epoch.mjs <${Object.keys(CASES).join('|')}> <wasm|js> [dense|sparse|auto] [observed]`);
  process.exit(2);
}
if (observed) shape.observed = Number(observed);

// A step small enough to stay stable however many epochs benchmark.js runs.
const options = { rank: shape.rank, learningRate: 1e-4, backend: backendName, layout: kernel, threads: Number(threads) };
const X = makeProblem(shape);

const check = await prepareRun(X, options);
for (let e = 0; e < 3; e++) await check.run.epoch();
const lossAfter3 = await check.run.loss();
check.run.close();

const { run, layout } = await prepareRun(X, options);
const settings = { minSamples: 5, maxTime: Number(process.env.BENCH_SECONDS ?? 2) };
// On threads an epoch may be a promise (when the caller waits for a call a helper holds): benchmark.js then
// waits for each (deferred), which costs more per sample than the synchronous timing one thread gets.
const first = run.epoch();
const deferred = first instanceof Promise || Number(threads) > 1;
await first;
const bench = deferred
  ? new Benchmark(`${name} ${backendName} ${layout}`, { ...settings, defer: true, fn: (deferred) => Promise.resolve(run.epoch()).then(() => deferred.resolve()) })
  : new Benchmark(`${name} ${backendName} ${layout}`, () => run.epoch(), settings);
await new Promise((resolve) => bench.on('complete', resolve).run({ async: false }));
const finalLoss = await run.loss();
run.close();
console.log(
  JSON.stringify({
    case: name, backend: backendName, kernel: layout, observed: shape.observed, threads: Number(threads),
    secondsPerEpoch: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length,
    lossAfter3, finite: Number.isFinite(finalLoss),
  }),
);
