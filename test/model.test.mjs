// The result object: predictions, reconstruction, seeded initialisation, and matrix completion
// actually completing the matrix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Factorization, factorize } from 'mfwasm';
import { BACKENDS, testRandom } from './helpers.mjs';

function completionProblem(seed) {
  // A 30×24 rank-2 matrix, 50% observed; the hidden half is kept to score the completion.
  const random = testRandom(seed);
  const u = Array.from({ length: 30 }, () => [random() * 2 - 1, random() * 2 - 1]);
  const v = Array.from({ length: 24 }, () => [random() * 2 - 1, random() * 2 - 1]);
  const truth = u.map((a) => v.map((b) => 2 * (a[0] * b[0] + a[1] * b[1])));
  const X = truth.map((row) => row.map((x) => (random() < 0.5 ? x : NaN)));
  return { truth, X };
}

for (const backend of BACKENDS) {
  const test = suite(`model [${backend}]`);

  test('fills in the hidden entries of a low-rank matrix', async () => {
    const { truth, X } = completionProblem(5);
    const fit = await factorize(X, { rank: 2, epochs: 3000, learningRate: 0.01, backend });
    assert.instance(fit, Factorization);
    let hidden = 0;
    let squaredError = 0;
    let squaredTruth = 0;
    X.forEach((row, i) =>
      row.forEach((x, j) => {
        if (Number.isNaN(x)) {
          hidden++;
          squaredError += (fit.predict(i, j) - truth[i][j]) ** 2;
          squaredTruth += truth[i][j] ** 2;
        }
      }),
    );
    const relativeError = Math.sqrt(squaredError / squaredTruth);
    assert.ok(hidden > 200);
    assert.ok(relativeError < 0.05, `relative error on the ${hidden} hidden entries: ${relativeError}`);
    assert.ok(fit.loss < 1e-6 * fit.initialLoss, `loss ${fit.initialLoss} → ${fit.loss}`);
  });

  test('predict and reconstruct are W·H', async () => {
    const fit = await factorize([[1, 2, 3], [4, NaN, 6]], { rank: 2, epochs: 10, learningRate: 0.01, backend });
    const { W, H } = fit;
    assert.is(W.rows, 2);
    assert.is(W.cols, 2);
    assert.is(H.rows, 2);
    assert.is(H.cols, 3);
    const full = fit.reconstruct();
    assert.is(full.rows, 2);
    assert.is(full.cols, 3);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = W.data[i * 2] * H.data[j] + W.data[i * 2 + 1] * H.data[3 + j];
        assert.ok(Math.abs(fit.predict(i, j) - expected) <= 1e-15 * Math.abs(expected));
        assert.is(full.data[i * 3 + j], fit.predict(i, j));
      }
    }
    assert.throws(() => fit.predict(2, 0), /predict: row: expected an integer from 0 to 1, got 2/);
    assert.throws(() => fit.predict(0, -1), /predict: col: expected an integer from 0 to 2, got -1/);
    assert.throws(() => fit.predict(0.5, 0), RangeError);
  });

  test('lossHistory: one entry per epoch, the last is fit.loss; 0 epochs returns the initial factors', async () => {
    const X = [[1, 2], [3, NaN]];
    const W = [[0.5], [1]];
    const H = [[1, 1.5]];
    const fit = await factorize(X, { rank: 1, epochs: 25, learningRate: 0.05, init: { W, H }, backend });
    assert.is(fit.lossHistory.length, 25);
    assert.is(fit.epochs, 25);
    assert.is(fit.loss, fit.lossHistory[24]);
    // Initial loss by hand: residuals 1−0.5, 2−0.75, 3−1.
    assert.ok(Math.abs(fit.initialLoss - 0.5 * (0.25 + 1.5625 + 4)) < 1e-15);
    const none = await factorize(X, { rank: 1, epochs: 0, init: { W, H }, backend });
    assert.is(none.lossHistory.length, 0);
    assert.is(none.loss, none.initialLoss);
    assert.equal([...none.W.data], [0.5, 1]);
    assert.equal([...none.H.data], [1, 1.5]);
  });

  test('default initial factors: seeded, and W·H starts at the scale of the data', async () => {
    const X = Array.from({ length: 40 }, (_, i) => Array.from({ length: 30 }, (_, j) => 3 + Math.sin(i * j)));
    const a = await factorize(X, { rank: 8, epochs: 0, seed: 1, backend });
    const b = await factorize(X, { rank: 8, epochs: 0, seed: 1, backend });
    const c = await factorize(X, { rank: 8, epochs: 0, seed: 2, backend });
    assert.equal([...a.W.data], [...b.W.data]);
    assert.not.equal([...a.W.data], [...c.W.data]);
    const rms = (data) => Math.sqrt(data.reduce((s, x) => s + x * x, 0) / data.length);
    const ratio = rms(a.reconstruct().data) / rms(X.flat());
    assert.ok(ratio > 0.6 && ratio < 1.6, `RMS of W·H / RMS of X = ${ratio}`);
  });

  test.run();
}

const header = suite("the model file's header");

header("is written in parts, a few thousand ids at a time: JSON.stringify's text of the whole header, whatever the ids", async () => {
  const { headerParts } = await import('../dist/model/persist.js');
  const model = await factorize({ rows: 2, cols: 2, rowIndices: [0, 1], colIndices: [0, 1], values: [1, 2], rowIds: ['a', 'b'], colIds: ['x', 'y'] }, { rank: 1, epochs: 1 });
  const odd = ['quote "', 'back\\slash', 'ünï©ode 😀', 'line\nbreak', '', 7, 2 ** 40, -0.5];
  const idLists = [null, [], ['only'], Array.from({ length: 4096 }, (_, i) => `u${i}`), Array.from({ length: 10_001 }, (_, i) => (i % 3 ? i : odd[i % odd.length]))];
  for (const rowIds of idLists) for (const colIds of [null, idLists[3], idLists[4]]) {
    const parts = headerParts({ ...model.info, rowIds, colIds });
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) { bytes.set(part, at); at += part.length; }
    const text = new TextDecoder().decode(bytes);
    const parsed = JSON.parse(text);
    assert.equal(parsed.rowIds, rowIds);
    assert.equal(parsed.colIds, colIds);
    // JSON.stringify's own text of the same object, to the byte (what a file held before it was written in parts).
    assert.is(text, JSON.stringify(parsed));
    assert.ok(parts.every((part) => part.length < 200_000), 'no large part');
  }
  // The whole file still reads back.
  const back = Factorization.fromBytes(model.toBytes());
  assert.equal(back.rowIds, ['a', 'b']);
});

header('a model read back writes the bytes and the JSON it was read from, however it was made (its penalties in one order)', async () => {
  const X = { rows: 4, cols: 3, rowIndices: [0, 1, 2, 3, 0, 2], colIndices: [0, 1, 2, 0, 2, 1], values: [1, 2, 3, 4, 5, 2] };
  const sameBytes = (a, b, label) => assert.ok(a.length === b.length && a.every((x, p) => x === b[p]), label);
  for (const [solver, options] of [['gd', {}], ['als', { biases: true }], ['ials', { alpha: 3 }]]) {
    const model = await factorize(X, { rank: 2, epochs: 2, solver, ...options });
    const bytes = model.toBytes();
    const back = Factorization.fromBytes(bytes);
    sameBytes(back.toBytes(), bytes, `${solver}: fromBytes, then toBytes`);
    sameBytes(back.toBytes({ precision: 'float32' }), model.toBytes({ precision: 'float32' }), `${solver}: in float32`);
    const json = JSON.stringify(model.toJSON());
    assert.is(JSON.stringify(back.toJSON()), json, `${solver}: toJSON of the model read back`);
    assert.is(JSON.stringify(Factorization.fromJSON(json).toJSON()), json, `${solver}: fromJSON, then toJSON`);
  }
  // Factors given as rows (an import: its penalties made elsewhere) write them in the order a fit does.
  const model = await factorize(X, { rank: 2, epochs: 2, solver: 'als', biases: true });
  const imported = Factorization.fromFactors({ rows: model.rowFactors(), cols: model.colFactors(), mean: model.globalMean, clip: model.clip });
  assert.equal(Object.keys(imported.toJSON().penalties), Object.keys(model.toJSON().penalties));
  sameBytes(Factorization.fromBytes(imported.toBytes()).toBytes(), imported.toBytes(), 'an import read back');
});

header.run();
