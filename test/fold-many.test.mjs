// model.foldInMany: many rows (or columns) folded in at once, each as foldIn() folds in one, on any number
// of threads; for ALS, folding in every training row against a model's H is the W half of its next epoch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alsHalfStep, factorize } from 'mfwasm';
import { testRandom } from './helpers.mjs';

function ratings(rows, cols, fraction, seed) {
  const random = testRandom(seed);
  const X = { rows, cols, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      // j = i mod cols too: every row and column has an observation.
      if (random() < fraction || j === i % cols) X.rowIndices.push(i), X.colIndices.push(j), X.values.push(1 + Math.floor(random() * 9) / 2);
    }
  }
  return X;
}
const X = ratings(150, 100, 0.12, 3);
// A block of 600 new rows, 40 observations each (cut into several parts, so that two threads share them).
const block = { rowIndices: [], colIndices: [], values: [] };
for (let n = 0; n < 600; n++) {
  for (let k = 0; k < 40; k++) block.rowIndices.push(n), block.colIndices.push((n * 13 + k * 7) % 100), block.values.push(1 + ((n + 3 * k) % 9) / 2);
}
const rowsOf = (data, n) => data.rowIndices.flatMap((i, t) => (i === n ? [t] : []));

for (const [name, options] of [['als with biases', { solver: 'als', rank: 8, biases: true }], ['sgd with l1 (coordinate descent)', { solver: 'sgd', rank: 5, l1: 0.01 }], ['ials', { solver: 'ials', rank: 4 }]]) {
  test(`${name}: each row as foldIn() gives it, bit for bit, on 1 or 2 threads`, async () => {
    const model = await factorize(X, { ...options, epochs: 3, seed: 1 });
    // ials folds each row in turn (its one-row solve): its first 40 rows (40 observations each) are enough.
    const count = name === 'ials' ? 40 : 600;
    const data = { rowIndices: block.rowIndices.slice(0, count * 40), colIndices: block.colIndices.slice(0, count * 40), values: block.values.slice(0, count * 40) };
    const one = await model.foldInMany(data, { threads: 1 });
    const two = await model.foldInMany(data, { threads: 2 });
    assert.equal([...two.factors], [...one.factors]);
    assert.is(one.factors.length, count * model.rank);
    for (let n = 0; n < count; n += name === 'ials' ? 1 : 37) {
      const t = rowsOf(data, n);
      const folded = model.foldIn({ colIndices: t.map((u) => data.colIndices[u]), values: t.map((u) => data.values[u]) });
      assert.equal([...one.factors.subarray(n * model.rank, (n + 1) * model.rank)], [...folded.factors], `row ${n}`);
      if (one.bias) assert.is(one.bias[n], folded.bias);
    }
  });
}

test('ALS: every training row folded in against a model\'s H is the W of its next epoch, bit for bit', async () => {
  const options = { solver: 'als', rank: 6, biases: true, seed: 4 };
  const three = await factorize(X, { ...options, epochs: 3 });
  const four = await factorize(X, { ...options, epochs: 4 });
  const half = await three.foldInMany(X);
  assert.equal([...half.factors], [...four.W.data]);
  assert.equal([...half.bias], [...four.rowBias]);
});

test('alsHalfStep: both halves of an ALS epoch on given factors, outside a model, bit for bit; its checks', async () => {
  const options = { solver: 'als', rank: 5, biases: true, seed: 8, regularization: 0.07, biasRegularization: 0.02 };
  const two = await factorize(X, { ...options, epochs: 2 });
  const three = await factorize(X, { ...options, epochs: 3 });
  // X's entries are listed row by row, columns ascending: CSR as it is; CSC by sorting.
  const byRow = { rowStart: new Int32Array(X.rows + 1), colIndex: Int32Array.from(X.colIndices), values: Float64Array.from(X.values) };
  X.rowIndices.forEach((i) => byRow.rowStart[i + 1]++);
  for (let i = 0; i < X.rows; i++) byRow.rowStart[i + 1] += byRow.rowStart[i];
  const order = X.values.map((_, t) => t).sort((a, b) => X.colIndices[a] - X.colIndices[b] || X.rowIndices[a] - X.rowIndices[b]);
  const byColumn = { rowStart: new Int32Array(X.cols + 1), colIndex: Int32Array.from(order, (t) => X.rowIndices[t]), values: Float64Array.from(order, (t) => X.values[t]) };
  X.colIndices.forEach((j) => byColumn.rowStart[j + 1]++);
  for (let j = 0; j < X.cols; j++) byColumn.rowStart[j + 1] += byColumn.rowStart[j];
  const p = two.info.parameters;
  const settings = { rank: 5, biases: true, regularization: 0.07, biasRegularization: 0.02, offset: p.offset };
  const W = await alsHalfStep(byRow, p.H, settings);
  const H = await alsHalfStep(byColumn, W, { ...settings, side: 'col', threads: 2 });
  assert.equal([...W], [...three.info.parameters.W]);
  assert.equal([...H], [...three.info.parameters.H]);
  const fails = async (block, fixed, given, pattern) => {
    const error = await alsHalfStep(block, fixed, given).then(() => undefined, (e) => e);
    assert.match(error?.message ?? 'no error', pattern);
  };
  await fails(byRow, p.H.subarray(1), settings, /^alsHalfStep: fixed: expected a Float64Array or Float32Array of n×7 factors \(rank 5 \+ 2 bias coordinates\)/);
  await fails({ ...byRow, colIndex: byRow.colIndex.subarray(1) }, p.H, settings, /^alsHalfStep: block\.colIndex: expected an Int32Array of \d+ indices/);
  await fails(byRow, p.H.subarray(0, 7 * 10), settings, /^alsHalfStep: block\.colIndex\[\d+\]: expected an index from 0 to 9 \(fixed has 10 rows\)/);
  await fails(byRow, p.H, { ...settings, regularization: 0 }, /^alsHalfStep: options\.regularization: expected a finite number > 0, got 0/);
  await fails(byRow, p.H, { ...settings, side: 'up' }, /^alsHalfStep: options\.side: expected 'row' or 'col'/);
});

test('side col: new columns against the trained W, as foldInColumn() gives them; errors name what is wrong', async () => {
  const model = await factorize(X, { solver: 'als', rank: 4, biases: true, epochs: 2 });
  const columns = { rowIndices: [0, 5, 9, 3, 7], colIndices: [0, 0, 1, 1, 1], values: [4, 3, 5, 2, 1] };
  const many = await model.foldInMany(columns, { side: 'col' });
  const first = model.foldInColumn({ rowIndices: [0, 5], values: [4, 3] });
  const second = model.foldInColumn({ rowIndices: [9, 3, 7], values: [5, 2, 1] });
  assert.equal([...many.factors], [...first.factors, ...second.factors]);
  assert.equal([...many.bias], [first.bias, second.bias]);
  const fails = async (data, options, pattern) => {
    const error = await model.foldInMany(data, options).then(() => undefined, (e) => e);
    assert.match(error?.message ?? 'no error', pattern);
  };
  await fails({ rowIndices: [0, 2], colIndices: [1, 2], values: [3, 4] }, {}, /foldInMany: row 1 has no observations: expected at least one for each row from 0 to 2/);
  await fails({ rowIndices: [0], colIndices: [1, 2], values: [3] }, {}, /foldInMany: expected as many rowIndices, colIndices and values, got 1, 2 and 1/);
  await fails({ rowIndices: [0], colIndices: [100], values: [3] }, {}, /foldInMany: colIndices\[0\]/);
  await fails({ rowIndices: [0], colIndices: [1], values: [NaN] }, {}, /foldInMany: values\[0\]: expected a finite number, got NaN/);
  await fails(columns, { side: 'both' }, /foldInMany: options\.side: expected 'row' or 'col', got the string "both"/);
  await fails(columns, { threads: 0 }, /foldInMany: options\.threads: expected an integer ≥ 1, got 0/);
});

test.run();
