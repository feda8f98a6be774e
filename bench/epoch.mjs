// Times one epoch of one backend and kernel on one problem with benchmark.js, in its own process
// (V8's pure-JS timings depend on what the process ran before). Prints one JSON line.
//   node bench/epoch.mjs <case> <wasm|js> [dense|sparse|auto] [observed fraction]
import Benchmark from 'benchmark';
import { backends } from '../dist/backends/index.js';
import { initialFactors } from '../dist/init.js';
import { readObservations } from '../dist/input.js';
import { chooseLayout, toLayout } from '../dist/layout.js';
import { readOptions } from '../dist/options.js';
import { Random } from '../dist/rng.js';
import { runSpec } from '../dist/solve.js';
import { CASES, makeProblem } from './problems.mjs';

const [name, backendName, kernel = 'auto', observed] = process.argv.slice(2);
const shape = { ...CASES[name] };
if (!shape.rows || !backends[backendName]) {
  console.error(`usage: node bench/epoch.mjs <${Object.keys(CASES).join('|')}> <wasm|js> [dense|sparse|auto] [observed]`);
  process.exit(2);
}
if (observed) shape.observed = Number(observed);

// A step small enough to stay stable however many epochs benchmark.js runs.
const settings = readOptions({ rank: shape.rank, learningRate: 1e-4, backend: backendName, kernel });
const backend = backends[backendName];
const given = await readObservations(makeProblem(shape), undefined, backend.summarize);
const layout = kernel === 'auto' ? chooseLayout(given.problem, backend.sparseBelowDensity) : kernel;
const problem = toLayout(given.problem, layout);
const spec = runSpec(settings, problem, initialFactors(given, shape.rank, false, new Random(42), {}, 'normal'), 0, given);

const check = await backend.start(spec);
for (let e = 0; e < 3; e++) check.epoch();
const lossAfter3 = check.loss();
check.close();

const run = await backend.start(spec);
const bench = new Benchmark(`${name} ${backendName} ${layout}`, () => run.epoch(), {
  minSamples: 5,
  maxTime: Number(process.env.BENCH_SECONDS ?? 2),
});
bench.run();
const finalLoss = run.loss();
run.close();
console.log(
  JSON.stringify({
    case: name, backend: backendName, kernel: layout, observed: shape.observed,
    secondsPerEpoch: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length,
    lossAfter3, finite: Number.isFinite(finalLoss),
  }),
);
