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
const rank = +process.argv[2];
for (const [W, H] of [[0.1, 0.1], [0.2, 0.1], [0.1, 0.2], [0.05, 0.15], [0.15, 0.05]]) for (const biasRegularization of [0.1, 0.3]) {
  const fit = await factorize(X, { solver: 'als', rank, epochs: 15, biases: true, regularization: { W, H }, biasRegularization, validation, restoreBest: false });
  console.log(rank, W, H, biasRegularization, Array.from(fit.validationHistory).map(v => v.toFixed(4)).filter((_, e) => e % 5 === 4).join(' '));
}
