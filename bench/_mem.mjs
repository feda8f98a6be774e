import { prepareRun } from '../dist/prepare.js';
const count = 10_000_000, rows = count / 100, cols = 20000;
const rowIndices = new Int32Array(count), colIndices = new Int32Array(count), values = new Float64Array(count);
for (let p = 0; p < count; p++) { rowIndices[p] = Math.floor(p / 100); colIndices[p] = (p * 7919 + Math.floor(p / 100) * 31) % cols; values[p] = 1 + (p % 5); }
const X = { rows, cols, rowIndices, colIndices, values };
const mib = (b) => (b / 2 ** 20).toFixed(0);
gc();
const show = (label) => { gc(); const m = process.memoryUsage(); console.log(label, 'rss', mib(m.rss), 'arrayBuffers', mib(m.arrayBuffers), 'heap', mib(m.heapUsed), 'peak', mib(process.resourceUsage().maxRSS * 1024)); };
show('input');
const prepared = await prepareRun(X, { solver: 'sgd', rank: 40, seed: 1, threads: 1, precision: 'float32' });
show('prepared');
globalThis.keep = prepared.observed;
await prepared.run.epoch();
show('after epoch');
