// WASM memory is reused between calls: it grows to the largest problem seen, never with the call count.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { idleLimit, memoryBytes } from '../dist/runtime/wasm.js';
import { lowRankWithMissing } from './helpers.mjs';
import { spawnSync } from 'node:child_process';

test('1000 successive factorize calls do not grow WASM memory', async () => {
  const dense = lowRankWithMissing(60, 50, 3, 0.8, 1);
  const sparse = lowRankWithMissing(60, 50, 3, 0.1, 2);
  sparse[0][0] = 1;
  await factorize(dense, { rank: 5, epochs: 1, learningRate: 0.01 });
  await factorize(sparse, { rank: 5, epochs: 1, learningRate: 0.01 });
  const before = memoryBytes();
  for (let call = 0; call < 1000; call++) {
    const fit = await factorize(call % 2 ? dense : sparse, { rank: 1 + (call % 5), epochs: 2, learningRate: 0.01, seed: call });
    assert.ok(Number.isFinite(fit.loss));
  }
  assert.is(memoryBytes(), before);
});

test("a fit in Node does not load Node's fetch (the loader's Response check would: ~7 MiB and ~20 ms a process)", () => {
  // In a fresh process, as the command line and a script run: nothing before the fit has made Node's global Response.
  const script = `
    const { factorize } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    for (const threads of [1, 2]) {
      await factorize({ rows: 3, cols: 2, rowIndices: [0, 1, 2], colIndices: [0, 1, 0], values: [1, 2, 3] }, { solver: 'sgd', rank: 1, epochs: 1, threads });
      await factorize([[1, 2], [3, NaN]], { rank: 1, epochs: 1, precision: 'float32', threads });
    }
    console.log(JSON.stringify(process.moduleLoadList.filter((name) => name.includes('undici'))));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout.trim().split('\n').at(-1)), []);
});

test('after fits at once, the instances kept idle hold no more than the limit together', async () => {
  // Eight fits at once borrow eight instances of one build (float64, one thread); given back, at most the limit's
  // worth stay idle (here 8 MiB, each instance ~4 MiB): not all eight for ever.
  const n = 120_000, rows = 6_000, cols = 1_000;
  const X = {
    rows, cols, rowIndices: Int32Array.from({ length: n }, (_, p) => p % rows),
    colIndices: Int32Array.from({ length: n }, (_, p) => (p * 7919 + Math.floor(p / rows)) % cols), values: Float64Array.from({ length: n }, (_, p) => 1 + (p % 9) / 2 + 0.01),
  };
  const limit = idleLimit.bytes;
  idleLimit.bytes = 8 * 2 ** 20;
  try {
    const before = memoryBytes();
    const fits = await Promise.all(Array.from({ length: 8 }, (_, seed) => factorize(X, { solver: 'als', rank: 16, epochs: 1, threads: 1, seed })));
    assert.ok(fits.every((fit) => Number.isFinite(fit.loss)));
    assert.ok(memoryBytes() - before <= idleLimit.bytes, `idle memory grew by ${((memoryBytes() - before) / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(memoryBytes() > before, 'some instances are still kept idle');
  } finally {
    idleLimit.bytes = limit;
  }
});

test('an instance grown past 64 MiB is let go instead of kept idle', async () => {
  const before = memoryBytes();
  const data = new Float64Array(3000 * 3000).fill(1); // 72 MB of X
  const fit = await factorize({ rows: 3000, cols: 3000, data }, { rank: 1, epochs: 1, learningRate: 1e-6 });
  assert.ok(Number.isFinite(fit.loss));
  // The run's instance grew past the limit (X alone is 72 MB) and is gone; the summary's, which copies X in a block of
  // rows at a time and holds only the pattern and counts (~1.5 MB here), may stay idle.
  assert.ok(memoryBytes() < before + 16 * 2 ** 20, `idle WASM memory went from ${before} to ${memoryBytes()} bytes`);
});

test('a failed call (bad input, divergence) leaves the backend usable', async () => {
  await factorize([[1, 2], [3, 4]], { rank: 1, learningRate: 100, epochs: 500 }).catch(() => {});
  await factorize([[1, 'x']], { rank: 1 }).catch(() => {});
  const fit = await factorize([[1, 2], [3, 4]], { rank: 1, epochs: 10, learningRate: 0.01 });
  assert.ok(Number.isFinite(fit.loss));
});

test.run();
