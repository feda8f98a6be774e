// One epoch of the seed's gradient descent in TensorFlow.js with its WebAssembly backend (float32: the
// backend has no float64), on the same problem and initial factors as bench/epoch.mjs. Prints one JSON line.
//   node bench/tfjs_epoch.mjs <case>
// The notebook's code, op for op: R = M⊙(X − WH); W += η·R·Hᵀ; R = M⊙(X − WH); H += η·Wᵀ·R.
import Benchmark from 'benchmark';
import { backends } from '../dist/backends/index.js';
import { factorArrays, initialFactors } from '../dist/fit/init.js';
import { readObservations } from '../dist/input/observations.js';
import { Random } from '../dist/math/rng.js';
import { CASES, makeProblem } from './problems.mjs';

let tf;
try {
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
} catch {
  console.log(JSON.stringify({ skipped: 'TensorFlow.js (@tensorflow/tfjs-core, @tensorflow/tfjs-backend-wasm) is not installed' }));
  process.exit(0);
}
// Its startup banner goes to the console; keep stdout to the one JSON line.
const log = console.log;
console.log = () => {};
await tf.setBackend('wasm');
await tf.ready();
console.log = log;

const name = process.argv[2];
const shape = CASES[name];
const given = await readObservations(makeProblem(shape), undefined, backends.js.summarize);
const { W: W0, H: H0 } = factorArrays(initialFactors(given, shape.rank, false, new Random(42), {}, 'normal', undefined, shape.rank), shape.rows, shape.cols, shape.rank);
const { rows, cols, rank } = shape;
const values = given.problem.values;
const X = tf.tensor2d(Float32Array.from(values, (x) => (x === x ? x : 0)), [rows, cols]);
const M = tf.tensor2d(Float32Array.from(values, (x) => (x === x ? 1 : 0)), [rows, cols]);
const eta = tf.scalar(1e-4);

function start() {
  let W = tf.variable(tf.tensor2d(Float32Array.from(W0), [rows, rank]));
  let H = tf.variable(tf.tensor2d(Float32Array.from(H0), [rank, cols]));
  return {
    epoch() {
      tf.tidy(() => {
        const R = tf.mul(M, tf.sub(X, tf.matMul(W, H)));
        W.assign(tf.add(W, tf.mul(eta, tf.matMul(R, H, false, true))));
        const S = tf.mul(M, tf.sub(X, tf.matMul(W, H)));
        H.assign(tf.add(H, tf.mul(eta, tf.matMul(W, S, true, false))));
      });
    },
    /** Summed in float64 here: tf.sum's float32 accumulation over 10⁶ entries is off by ~2.5e-4 on its own. */
    loss() {
      const residual = tf.tidy(() => tf.mul(M, tf.sub(X, tf.matMul(W, H))).dataSync());
      let sum = 0;
      for (const r of residual) sum += r * r;
      return 0.5 * sum;
    },
    /** Waits for the backend to finish the work queued so far. */
    sync() {
      W.dataSync();
    },
  };
}

const check = start();
for (let e = 0; e < 3; e++) check.epoch();
const lossAfter3 = check.loss();
const run = start();
const bench = new Benchmark(`${name} tfjs-wasm`, () => {
  run.epoch();
  run.sync();
}, { minSamples: 5, maxTime: Number(process.env.BENCH_SECONDS ?? 2) });
bench.run();
console.log(JSON.stringify({
  case: name, backend: 'tfjs-wasm', secondsPerEpoch: bench.stats.mean, rme: bench.stats.rme, lossAfter3,
  finite: Number.isFinite(run.loss()), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
}));
