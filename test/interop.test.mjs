// Round trips through other tools' shapes must give back every prediction: factor rows (Spark's shape,
// and their CSV), LIBMF's text model (checked by computing LIBMF's own p·q from the text), and the
// cold-start choice for ids a model does not know.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, Factorization, factorRowsFromCsv, factorRowsToCsv } from '../dist/index.js';

// 8 rows × 7 columns, with row 'r7' and column 'c6' in the ids but never observed in training.
function data() {
  const rowIndices = [];
  const colIndices = [];
  const values = [];
  for (let i = 0; i < 7; i++) for (let j = 0; j < 6; j++) if ((i * 5 + j * 3) % 4 !== 0) {
    rowIndices.push(i);
    colIndices.push(j);
    values.push(1 + ((i * 7 + j * 11) % 9) / 2);
  }
  return { rows: 8, cols: 7, rowIndices, colIndices, values, rowIds: Array.from({ length: 8 }, (_, i) => `r${i}`), colIds: Array.from({ length: 7 }, (_, j) => `c${j}`) };
}

const every = (model) => model.rowIds.flatMap((r) => model.colIds.map((c) => model.predict(r, c)));

/** LIBMF's mf_predict on its text model: p·q in the file's numbers, b where either side is F. */
function libmfPredictions(text) {
  const lines = text.trim().split('\n');
  const header = Object.fromEntries(lines.filter((l) => /^[a-z] /.test(l)).map((l) => [l[0], Number(l.slice(2))]));
  const vectors = { p: [], q: [] };
  for (const line of lines.filter((l) => /^[pq]\d/.test(l))) {
    const [name, flag, ...numbers] = line.split(' ');
    vectors[name[0]][Number(name.slice(1))] = flag === 'T' ? numbers.map(Number) : null;
  }
  return vectors.p.flatMap((p) => vectors.q.map((q) => (p && q ? p.reduce((s, v, k) => s + v * q[k], 0) : header.b)));
}

const test = suite('interop');

for (const [label, options] of [
  ['als with biases', { solver: 'als', rank: 3, biases: true, epochs: 8 }],
  ['sgd without biases', { solver: 'sgd', rank: 2, epochs: 10 }],
  ['gd without biases or clipping', { solver: 'gd', rank: 2, epochs: 50, learningRate: 0.01 }],
]) {
  test(`${label}: rowFactors/colFactors → fromFactors (and through CSV) gives back every prediction exactly`, async () => {
    const model = await factorize(data(), options);
    const direct = Factorization.fromFactors({ rows: model.rowFactors(), cols: model.colFactors(), mean: model.globalMean, clip: model.clip });
    assert.equal(every(direct), every(model));
    const viaCsv = Factorization.fromFactors({
      rows: factorRowsFromCsv(factorRowsToCsv(model.rowFactors())),
      cols: factorRowsFromCsv(factorRowsToCsv(model.colFactors())),
      mean: model.globalMean,
      clip: model.clip,
    });
    assert.equal(every(viaCsv), every(model));
    assert.is(model.rowFactors()[7].count, 0, 'the unseen row says so');
  });

  test(`${label}: LIBMF's p·q on toLibmf() is the model's prediction, unseen rows and columns included`, async () => {
    const model = await factorize(data(), { ...options, clip: false });
    const text = model.toLibmf();
    assert.not.ok(/ F /.test(text), 'every row and column written T');
    const theirs = libmfPredictions(text);
    const ours = every(model);
    theirs.forEach((v, e) => assert.ok(Math.abs(v - ours[e]) <= 1e-12 * (1 + Math.abs(ours[e])), `entry ${e}: LIBMF ${v}, model ${ours[e]}`));
    const back = Factorization.fromLibmf(text);
    const again = back.rowIds ?? null;
    assert.is(again, null);
    const reread = Array.from({ length: 8 }, (_, i) => Array.from({ length: 7 }, (_, j) => back.predict(i, j))).flat();
    reread.forEach((v, e) => assert.ok(Math.abs(v - ours[e]) <= 1e-12 * (1 + Math.abs(ours[e]))));
    assert.is(back.globalMean, model.globalMean, "the file's b is the imported model's mean");
  });
}

test("coldStart: unknown ids throw by default; 'mean' predicts them as never seen (mean + the known bias)", async () => {
  const model = await factorize(data(), { solver: 'als', rank: 2, biases: true, epochs: 5 });
  assert.throws(() => model.predict('nobody', 'c1'), /predict: row: no such id "nobody" in the training data/);
  const j = model.colIds.indexOf('c1');
  assert.is(model.predict('nobody', 'c1', { coldStart: 'mean' }), Math.min(Math.max(model.globalMean + model.colBias[j], model.clip[0]), model.clip[1]));
  assert.is(model.predict('nobody', 'nothing', { coldStart: 'mean' }), model.globalMean);
  assert.is(model.predict('r7', 'c1'), model.predict('nobody', 'c1', { coldStart: 'mean' }), 'an unseen row and an unknown one agree');
  assert.equal([...model.predictMany(['r1', 'x'], ['c1', 'c2'], { coldStart: 'mean' })], [model.predict('r1', 'c1'), model.predict('x', 'c2', { coldStart: 'mean' })]);
  assert.throws(() => model.predict('r1', 'c1', { coldStart: 'nan' }), /predict: options\.coldStart: expected 'error' or 'mean', got the string "nan"/);
  const spark = Factorization.fromFactors({ rows: [{ id: 'a', features: [1, 2] }], cols: [{ id: 'x', features: [3, 4] }], mean: 2.5 });
  assert.is(spark.predict('a', 'x'), 11, 'Spark rows: w·h, no mean added');
  assert.is(spark.predict('b', 'x', { coldStart: 'mean' }), 2.5);
});

test('fromLibmf refuses duplicated, missing and oversized rows before allocating for them', () => {
  const good = 'f 0\nm 2\nn 1\nk 2\nb 3\np0 T 1 2\np1 T 3 4\nq0 T 1 1\n';
  assert.is(Factorization.fromLibmf(good).predict(1, 0), 7);
  assert.throws(() => Factorization.fromLibmf(good.replace('p1 T 3 4', 'p0 T 3 4')), /fromLibmf: line 7: p0 is given twice/);
  assert.throws(() => Factorization.fromLibmf(good.replace('m 2', 'm 3')), /fromLibmf: truncated/);
  const started = performance.now();
  assert.throws(() => Factorization.fromLibmf(good.replace('m 2', 'm 1000000000').replace('k 2', 'k 100000')), /fromLibmf: truncated: the header promises 1000000000 p rows/);
  assert.ok(performance.now() - started < 100, 'rejected without allocating');
  assert.throws(() => Factorization.fromLibmf(good.replace('b 3', 'b x')), /fromLibmf: header 'b': expected a finite number/);
  assert.throws(() => Factorization.fromLibmf(good.replace('k 2', 'k 2\nk 2')), /header 'k' given twice/);
});

test.run();
