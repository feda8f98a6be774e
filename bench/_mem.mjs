import { prepareRun } from '../dist/prepare.js';
const precision = process.argv[2] ?? 'float32';
const count = 10_000_000, rows = count / 100, cols = 20000;
let s = 7; const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
const rowIndices = new Int32Array(count), colIndices = new Int32Array(count), values = new Float64Array(count);
const pool = Int32Array.from({ length: cols }, (_, j) => j);
for (let i = 0, p = 0; i < rows; i++) for (let t = 0; t < 100; t++) { const k = t + Math.floor(rnd() * (cols - t)); const j = pool[k]; pool[k] = pool[t]; pool[t] = j; rowIndices[p] = i; colIndices[p] = j; values[p++] = 1 + (p % 9) / 2; }
const X = { rows, cols, rowIndices, colIndices, values };
const mib = (b) => (b / 2 ** 20).toFixed(0);
const show = (label) => { gc(); const m = process.memoryUsage(); console.log(precision, label, 'rss', mib(m.rss), 'arrayBuffers', mib(m.arrayBuffers), 'peak', mib(process.resourceUsage().maxRSS * 1024)); };
show('input');
const t = performance.now();
const prepared = await prepareRun(X, { solver: process.argv[3] ?? 'sgd', rank: 40, seed: 1, threads: 1, precision, biases: true });
console.log('setup ms', (performance.now() - t).toFixed(0));
show('prepared');
globalThis.keep = prepared.observed;
await prepared.run.epoch();
show('after epoch');
