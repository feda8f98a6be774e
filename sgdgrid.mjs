import { readFileSync } from 'node:fs';
import { factorize } from 'mfwasm';
const folder = '/work/shared/data/ml-latest-small';
function read(file) {
  const lines = readFileSync(`${folder}/${file}`, 'utf8').trim().split('\n');
  const r = { rowIndices: new Int32Array(lines.length), colIndices: new Int32Array(lines.length), values: new Float64Array(lines.length) };
  lines.forEach((l, p) => { const [u, i, x] = l.split(/\s+/); r.rowIndices[p] = +u; r.colIndices[p] = +i; r.values[p] = +x; });
  return r;
}
const train = read('train.txt'), validation = read('test.txt');
const X = { rows: 610, cols: 9724, ...train };
for (const rank of [40, 100, 200]) for (const reg of [0.08, 0.1, 0.15]) for (const learningRate of [0.05, 0.1]) {
  const fit = await factorize(X, { solver: 'sgd', rank, epochs: 40, biases: true, regularization: reg, learningRate, validation, restoreBest: false });
  const v = Array.from(fit.validationHistory);
  const best = Math.min(...v);
  console.log(rank, reg, learningRate, 'best', best.toFixed(4), 'at', v.indexOf(best), 'e20', v[19].toFixed(4), 'e40', v[39].toFixed(4));
}
