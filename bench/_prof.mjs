import { prepareRun } from '../dist/prepare.js';
import { Random } from '../dist/rng.js';
const count = 10_000_000, rows = count / 100, cols = 20000;
const random = new Random(5);
const rowIndices = new Int32Array(count), colIndices = new Int32Array(count), values = new Float64Array(count);
for (let p = 0; p < count; p++) { rowIndices[p] = Math.floor(p / 100); colIndices[p] = (p * 7919 + Math.floor(p / 100) * 31) % cols; values[p] = 1 + (p % 5); }
const X = { rows, cols, rowIndices, colIndices, values };
for (const precision of ['float64', 'float32']) {
  let t = performance.now();
  const { run } = await prepareRun(X, { solver: 'sgd', rank: 40, seed: 1, threads: 1, precision });
  const setup = performance.now() - t;
  t = performance.now(); await run.loss(); const loss = performance.now() - t;
  t = performance.now(); await run.epoch(); const epoch = performance.now() - t;
  t = performance.now(); run.view(); const view = performance.now() - t;
  console.log(precision, { setup, loss, epoch, view });
  run.close();
}
