// Serving latency: top-10 recommendations over 100,000 columns at rank 50 (npm run bench:recommend).
import Benchmark from 'benchmark';
import { Factorization } from 'mfwasm';
import { Random } from '../dist/math/rng.js';

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

// Every row's top 10 at once: recommendMany (the kernel over parts of the rows, on every core), against one
// recommend() per row, on 200 rows, with the pure-JS scorer and after prepareServing(); each pair side by side,
// the lists checked equal first. With --busy, again beside one busy process.
{
  const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
  const pair = async (label) => {
    const many = await model.recommendMany(users, 10);
    if (JSON.stringify(many.map((r) => r.items)) !== JSON.stringify(users.map((u) => model.recommend(u, 10)))) throw new Error(`${label}: recommendMany differs from recommend()`);
    const timeOf = async (fn) => {
      const times = [];
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        await fn();
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[2];
    };
    const loop = await timeOf(() => users.map((u) => model.recommend(u, 10)));
    const batch = await timeOf(() => model.recommendMany(users, 10));
    console.log(`${label.padEnd(44)} one recommend() per row ${loop.toFixed(0)} ms, recommendMany ${batch.toFixed(0)} ms: ${(loop / batch).toFixed(2)}×`);
  };
  console.log(`\n200 rows' top 10 over ${cols.toLocaleString('en')} columns at rank ${rank} (median of 5):`);
  await pair('pure-JS scorer');
  await model.prepareServing();
  await pair('WASM scorer (after prepareServing)');
  model.release();
  if (process.argv.includes('--busy')) {
    const { spawn } = await import('node:child_process');
    const busy = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    try {
      await pair('pure-JS scorer, beside a busy process');
    } finally {
      busy.kill();
    }
  }
}

// `npm run bench:recommend -- --large`: 1,000,000 columns at rank 64 with prepareServing({ precision:
// 'float32' }) against the memory-bandwidth limit — one plain SIMD pass summing the same 256 MB of float32
// factors (assembly/score.ts sumFloat32), timed side by side in the same process.
if (process.argv.includes('--large')) {
  const { f64Runtime, reserve } = await import('../dist/runtime/wasm.js');
  const [bigCols, bigRank] = [1_000_000, 64];
  const features = () => Array.from({ length: bigRank }, () => random.normal() / 8);
  const big = Factorization.fromFactors({
    rows: Array.from({ length: 100 }, (_, i) => ({ id: i, features: features() })),
    cols: Array.from({ length: bigCols }, (_, j) => ({ id: j, features: features() })),
  });
  await big.prepareServing({ precision: 'float32' });
  const k = await f64Runtime.borrow();
  const at = reserve(k, { factors: bigCols * bigRank * 4, w: bigRank * 4, out: bigCols * 8 });
  new Float32Array(k.memory.buffer, at.factors, bigCols * bigRank).fill(0.5);
  new Float32Array(k.memory.buffer, at.w, bigRank).fill(0.1);
  const timeOf = (label, fn) => {
    const bench = new Benchmark(label, fn, { minSamples: 20, maxTime: 4 });
    bench.run();
    return bench.stats;
  };
  let user = 0;
  const recommend = timeOf('recommend', () => big.recommend(user++ % 100, 10));
  const pass = timeOf('sum', () => k.sumFloat32(at.factors, bigCols * bigRank));
  // The scoring kernel alone over the same bytes: what of recommend is the pass, and what the rest.
  const kernel = timeOf('score', () => k.scoreColumnsF32(at.w, at.factors, bigCols, bigRank, 0, at.out));
  const again = timeOf('recommend', () => big.recommend(user++ % 100, 10));
  const ms = (stats) => `${(stats.mean * 1e3).toFixed(2)} ms ±${stats.rme.toFixed(1)}%`;
  console.log(`\n1,000,000 columns at rank 64, float32 serving (256 MB of factors): recommend(user, 10) ${ms(recommend)} ` +
    `(again after the pass: ${ms(again)}); one plain pass summing the same bytes ${ms(pass)} ` +
    `(${(256 / 1024 / pass.mean).toFixed(1)} GB/s): recommend at ${(recommend.mean / pass.mean).toFixed(2)}× and ${(again.mean / pass.mean).toFixed(2)}× the bandwidth limit; ` +
    `the scoring kernel alone ${ms(kernel)} (${(kernel.mean / pass.mean).toFixed(2)}×)`);
  f64Runtime.giveBack(k);
  big.release();
}
