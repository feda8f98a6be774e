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
let user = 0;
const bench = new Benchmark('recommend', () => model.recommend(`u${user++ % rows}`, 10), { minSamples: 20, maxTime: 3 });
bench.run();
console.log(`recommend(user, 10) over ${cols.toLocaleString('en')} columns at rank ${rank}: ` +
  `${(bench.stats.mean * 1e3).toFixed(2)} ms ±${bench.stats.rme.toFixed(1)}% (${bench.stats.sample.length} samples)`);
