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
