// npm run bench:fold [-- --rows 20000]
//
// model.foldInMany against one foldIn() per row: new rows (50 ratings each) folded into an ALS model of rank
// 32 trained on 1M generated ratings, on one thread, on two, and one foldIn() call per row; the factors are
// checked to be the same bits. Each time is the median of 3 runs, the three taken in turn.
import { parseArgs } from 'node:util';
import { factorize } from '../dist/index.js';
import { distinctRatings } from './problems.mjs';

const { values: flags } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
const items = 5_000;
// The generator goes on to draw the new rows' ratings.
const { X, random } = distinctRatings(1_000_000, 20_000, items, 11);
const model = await factorize(X, { solver: 'als', rank: 32, biases: true, epochs: 3, threads: 1 });
const fresh = Number(flags.rows);
const block = { rowIndices: new Int32Array(fresh * 50), colIndices: new Int32Array(fresh * 50), values: new Float64Array(fresh * 50) };
for (let n = 0; n < fresh; n++) {
  for (let k = 0; k < 50; k++) {
    const t = n * 50 + k;
    [block.rowIndices[t], block.colIndices[t], block.values[t]] = [n, (n * 131 + k * 97) % items, 1 + (random.uint32() % 9) / 2];
  }
}
const perRow = () => {
  const factors = new Float64Array(fresh * 32);
  for (let n = 0; n < fresh; n++) {
    const folded = model.foldIn({ colIndices: block.colIndices.subarray(n * 50, n * 50 + 50), values: block.values.subarray(n * 50, n * 50 + 50) });
    factors.set(folded.factors, n * 32);
  }
  return factors;
};
const cases = { 'foldInMany, 1 thread': () => model.foldInMany(block, { threads: 1 }).then((r) => r.factors), 'foldInMany, 2 threads': () => model.foldInMany(block, { threads: 2 }).then((r) => r.factors), 'foldIn per row': async () => perRow() };
const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
let reference;
for (let round = 0; round < 3; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const started = performance.now();
    const factors = await run();
    times[name].push(performance.now() - started);
    reference ??= factors;
    if (factors.some((x, t) => x !== reference[t])) throw new Error(`${name}: not the same factors`);
  }
}
const median = (list) => list.sort((a, b) => a - b)[1];
const base = median([...times['foldIn per row']]);
console.log(`${fresh.toLocaleString('en')} new rows × 50 ratings, ALS rank 32 with biases (same factors, bit for bit, every way):`);
for (const [name, list] of Object.entries(times)) console.log(`  ${name.padEnd(22)} ${median(list).toFixed(0).padStart(6)} ms  (${(base / median(list)).toFixed(2)}× one foldIn() per row)`);
