// Serving latency: top-10 recommendations over 100,000 columns at rank 50 (npm run bench:recommend).
import Benchmark from 'benchmark';
import { Factorization } from 'mfwasm';
import { Random } from '../dist/rng.js';

const [rows, cols, rank] = [1000, 100_000, 50];
const random = new Random(7);
const factor = (id) => ({ id, features: Array.from({ length: rank }, () => random.normal()) });
const model = Factorization.fromFactors({
  rows: Array.from({ length: rows }, (_, i) => factor(`u${i}`)),
  cols: Array.from({ length: cols }, (_, j) => factor(`i${j}`)),
});
function time(label) {
  let user = 0;
  const bench = new Benchmark(label, () => model.recommend(`u${user++ % rows}`, 10), { minSamples: 20, maxTime: 3 });
  bench.run();
  console.log(`${label.padEnd(36)} ${(bench.stats.mean * 1e3).toFixed(2)} ms ±${bench.stats.rme.toFixed(1)}%`);
  return bench.stats.mean;
}

console.log(`recommend(user, 10) over ${cols.toLocaleString('en')} columns at rank ${rank}, benchmark.js mean:`);
const js = time('pure JS scorer');
const expected = model.recommend('u1', 10);
await model.prepareServing();
const agree = JSON.stringify(model.recommend('u1', 10).map((r) => r.col)) === JSON.stringify(expected.map((r) => r.col));
if (!agree) throw new Error('the WASM scorer recommends differently: not timing a wrong answer');
const wasm = time('WASM scorer (after prepareServing)');
await model.prepareServing({ precision: 'float32' });
const top32 = model.recommend('u1', 10).map((r) => r.col);
const overlap = top32.filter((col) => expected.some((r) => r.col === col)).length;
const wasm32 = time("WASM scorer, precision: 'float32'");
console.log(`WASM scorer: ${(js / wasm).toFixed(1)}× the pure-JS one; float32: ${(js / wasm32).toFixed(1)}× (top 10 shared with float64: ${overlap}/10)`);
model.release();
