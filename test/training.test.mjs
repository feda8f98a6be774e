// What the stopping rules, callbacks, penalties and prediction rules do, on each backend and solver.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DivergenceError, factorize, Factorization } from 'mfwasm';
import { trainingRmse } from '../dist/evaluate/evaluate.js';
import { BACKENDS, lowRankWithMissing, testRandom } from './helpers.mjs';
import { prepareRun } from '../dist/fit/plan.js';

/** A 40×30 rank-3 problem with ratings-like values, 40% observed, and a held-out tenth of those. */
function splitProblem(seed) {
  const X = lowRankWithMissing(40, 30, 3, 0.4, seed).map((row) => row.map((x) => (Number.isNaN(x) ? x : 3 + x)));
  const random = testRandom(seed + 1);
  const validation = { rowIndices: [], colIndices: [], values: [] };
  const train = X.map((row, i) =>
    row.map((x, j) => {
      if (Number.isNaN(x) || random() > 0.1) return x;
      validation.rowIndices.push(i);
      validation.colIndices.push(j);
      validation.values.push(x);
      return NaN;
    }),
  );
  return { train, validation };
}

function rmseOf(fit, { rowIndices, colIndices, values }) {
  let sum = 0;
  values.forEach((x, t) => (sum += (fit.predict(rowIndices[t], colIndices[t]) - x) ** 2));
  return Math.sqrt(sum / values.length);
}

const SOLVERS = {
  gd: { solver: 'gd', learningRate: 0.005 },
  sgd: { solver: 'sgd' },
  als: { solver: 'als' },
};

for (const backend of BACKENDS) {
  const test = suite(`training [${backend}]`);
  const { train, validation } = splitProblem(11);

  test('tolerance stops gd once the objective settles, and says so', async () => {
    const fit = await factorize(train, { rank: 3, learningRate: 0.02, epochs: 20000, tolerance: 1e-7, backend });
    assert.is(fit.stoppedBy, 'tolerance');
    assert.ok(fit.converged);
    assert.ok(fit.epochs < 20000, `${fit.epochs} epochs`);
    const [before, last] = fit.lossHistory.slice(-2);
    assert.ok(Math.abs(before - last) <= 1e-7 * before);
    assert.ok(Math.abs(fit.lossHistory.at(-3) - before) > 1e-7 * fit.lossHistory.at(-3), 'it did not stop late');
  });

  test('epochs made at once (nothing asked between them) are the epochs made one by one, stops included', async () => {
    // onEpoch returning nothing asks for each epoch in turn; without it a small dense gd fit makes them at once.
    const bothWays = async (options) => {
      const together = await factorize(train, { rank: 3, layout: 'dense', backend, ...options }).catch((error) => error);
      const oneByOne = await factorize(train, { rank: 3, layout: 'dense', backend, ...options, onEpoch: () => {} }).catch((error) => error);
      return [together, oneByOne];
    };
    // The run offers whole epochs at once here (else the comparison below would be of one path with itself).
    const { run } = await prepareRun(train, { rank: 3, layout: 'dense', backend, learningRate: 0.02, threads: 1 });
    assert.type(run.epochs, 'function');
    run.close();
    const [together, oneByOne] = await bothWays({ learningRate: 0.02, epochs: 3000, tolerance: 1e-7 });
    assert.is(together.stoppedBy, 'tolerance');
    assert.equal([...together.lossHistory], [...oneByOne.lossHistory]);
    assert.equal([...together.W.data, ...together.H.data], [...oneByOne.W.data, ...oneByOne.H.data]);
    const [diverged, divergedOneByOne] = await bothWays({ learningRate: 0.5, epochs: 3000 });
    assert.instance(diverged, DivergenceError);
    assert.is(diverged.message, divergedOneByOne.message);
    const controller = new AbortController();
    controller.abort();
    await factorize(train, { rank: 3, layout: 'dense', learningRate: 0.02, epochs: 3000, backend, signal: controller.signal }).then(
      () => assert.unreachable('resolved'), (error) => assert.is(error.name, 'AbortError'));
  });

  for (const [name, options] of Object.entries(SOLVERS)) {
    test(`${name}: validation RMSE every epoch; patience stops; the best epoch's factors come back`, async () => {
      // Rank 8 with no penalty on a rank-3 problem overfits, so validation RMSE turns up.
      const fit = await factorize(train, {
        ...options, rank: 8, epochs: 300, validation, patience: 4, backend, clip: false,
        regularization: name === 'als' ? 1e-4 : 0,
      });
      const history = [...fit.validationHistory];
      assert.is(history.length, fit.epochs);
      const best = history.indexOf(Math.min(...history));
      assert.is(fit.bestEpoch, best);
      assert.is(fit.stoppedBy, 'patience');
      assert.is(fit.epochs, best + 4 + 1);
      assert.ok(Math.abs(rmseOf(fit, validation) - history[best]) <= 1e-12, 'the returned factors are the best epoch\'s');
      assert.is(fit.loss, fit.lossHistory[best]);
    });
  }

  test('restoreBest: false returns the last epoch\'s factors', async () => {
    const fit = await factorize(train, { solver: 'sgd', rank: 8, epochs: 30, regularization: 0, validation, restoreBest: false, backend });
    assert.is(fit.bestEpoch, fit.epochs - 1);
    assert.ok(Math.abs(rmseOf(fit, validation) - fit.validationHistory.at(-1)) <= 1e-12);
  });

  test('onEpoch sees every epoch, and returning false (or a promise of false) stops there', async () => {
    for (const stop of [false, Promise.resolve(false)]) {
      const seen = [];
      const fit = await factorize(train, {
        solver: 'als', rank: 2, epochs: 50, validation, backend,
        onEpoch: (report) => {
          seen.push(report);
          return report.epoch === 3 ? stop : undefined;
        },
      });
      assert.is(fit.epochs, 4);
      assert.is(fit.stoppedBy, 'callback');
      assert.equal(seen.map((r) => r.epoch), [0, 1, 2, 3]);
      assert.equal(seen.map((r) => r.loss), [...fit.lossHistory]);
      assert.equal(seen.map((r) => r.validationRmse), [...fit.validationHistory]);
    }
  });

  test('an AbortSignal stops training with its reason, before or during the run', async () => {
    const before = new AbortController();
    before.abort(new Error('not now'));
    await factorize(train, { rank: 2, signal: before.signal, backend }).then(
      () => assert.unreachable('resolved'),
      (error) => assert.is(error.message, 'not now'),
    );
    // Aborted from a timer while a long run trains: only possible because training yields.
    const during = new AbortController();
    setTimeout(() => during.abort(), 30);
    const started = Date.now();
    await factorize(train, { rank: 2, learningRate: 0.001, epochs: 10_000_000, signal: during.signal, backend }).then(
      () => assert.unreachable('resolved'),
      (error) => assert.is(error.name, 'AbortError'),
    );
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });

  test('predictions are clipped to the training range by default for sgd/als, not for plain gd', async () => {
    // Rank one fits [[1, 2, 3], [2, 4, ·]] exactly and extrapolates the missing entry to 6, above the max 4.
    const X = [[1, 2, 3], [2, 4, NaN]];
    const als = await factorize(X, { solver: 'als', rank: 1, epochs: 200, regularization: 1e-9, backend });
    assert.is(als.predict(1, 2), 4);
    const unclipped = await factorize(X, { solver: 'als', rank: 1, epochs: 200, regularization: 1e-9, clip: false, backend });
    assert.ok(Math.abs(unclipped.predict(1, 2) - 6) < 1e-3, `${unclipped.predict(1, 2)}`);
    const gd = await factorize(X, { rank: 1, epochs: 3000, learningRate: 0.02, backend });
    assert.ok(Math.abs(gd.predict(1, 2) - 6) < 1e-3, `${gd.predict(1, 2)}`);
    assert.is(gd.predict(1, 2), gd.W.data[1] * gd.H.data[2]);
    const gdClipped = await factorize(X, { rank: 1, epochs: 3000, learningRate: 0.02, clip: true, backend });
    assert.is(gdClipped.predict(1, 2), 4);
  });

  for (const [name, options] of Object.entries(SOLVERS)) {
    test(`${name}: a row and a column never observed are predicted from the mean and the known bias, never NaN`, async () => {
      const X = train.map((row, i) => row.map((x, j) => (i === 0 || j === 0 ? NaN : x)));
      const fit = await factorize(X, { ...options, rank: 3, epochs: 20, biases: true, backend });
      const observed = X.flat().filter((x) => !Number.isNaN(x));
      const mean = observed.reduce((a, b) => a + b, 0) / observed.length;
      assert.ok(Math.abs(fit.globalMean - mean) < 1e-12);
      assert.ok(Math.abs(fit.predict(0, 0) - mean) < 1e-12);
      assert.ok(Math.abs(fit.predict(0, 5) - (mean + fit.colBias[5])) < 1e-12);
      assert.ok(Math.abs(fit.predict(7, 0) - (mean + fit.rowBias[7])) < 1e-12);
      assert.ok([...fit.reconstruct().data].every(Number.isFinite));
    });

    test(`${name}: nonnegative keeps every factor ≥ 0`, async () => {
      const fit = await factorize(train, { ...options, rank: 3, epochs: 30, nonnegative: true, backend });
      assert.ok([...fit.W.data, ...fit.H.data].every((v) => v >= 0));
      assert.ok([...fit.W.data].some((v) => v > 0));
    });
  }

  test('a larger L1 penalty zeroes more factors', async () => {
    const zeros = async (l1) => {
      const fit = await factorize(train, { solver: 'als', rank: 6, epochs: 10, l1, backend });
      return [...fit.W.data, ...fit.H.data].filter((v) => v === 0).length;
    };
    const [none, some] = [await zeros(0), await zeros(0.5)];
    assert.is(none, 0);
    assert.ok(some > 20, `${some} zeros`);
  });

  test('biases alone capture an additive matrix', async () => {
    const X = Array.from({ length: 20 }, (_, i) => Array.from({ length: 15 }, (_, j) => ((i * 7 + j * 3) % 5 === 0 ? NaN : 2 + 0.1 * i - 0.05 * j)));
    // A heavily penalised factor leaves the biases to explain everything, held-out entries included.
    const fit = await factorize(X, { solver: 'als', rank: 1, epochs: 30, biases: true, regularization: 10, biasRegularization: 1e-9, backend });
    X.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(fit.predict(i, j) - (2 + 0.1 * i - 0.05 * j)) < 1e-3, `(${i}, ${j})`)));
  });

  test('sgd: same seed, same result; another seed, another order', async () => {
    const a = await factorize(train, { solver: 'sgd', rank: 3, seed: 5, backend });
    const b = await factorize(train, { solver: 'sgd', rank: 3, seed: 5, backend });
    const c = await factorize(train, { solver: 'sgd', rank: 3, seed: 6, backend });
    assert.equal([...a.lossHistory], [...b.lossHistory]);
    assert.not.equal([...a.lossHistory], [...c.lossHistory]);
  });

  test('sgd with a step far too large stops with a DivergenceError naming the solver', async () => {
    await factorize(train, { solver: 'sgd', rank: 3, adaptive: false, learningRate: 10, backend }).then(
      () => assert.unreachable('resolved'),
      (error) => {
        assert.instance(error, DivergenceError);
        assert.match(error.message, /sgd diverged\. Try a smaller learningRate, e\.g\. 1\./);
      },
    );
  });

  test('fits running concurrently do not disturb each other', async () => {
    const options = { solver: 'sgd', rank: 3, epochs: 200, backend };
    const alone = await factorize(train, options);
    const signal = new AbortController().signal; // makes training yield, so the runs interleave
    const together = await Promise.all([1, 2, 3].map(() => factorize(train, { ...options, signal })));
    for (const fit of together) assert.equal([...fit.lossHistory], [...alone.lossHistory]);
  });

  test.run();
}

const test = suite('training [wasm vs js]');
for (const [name, options] of Object.entries(SOLVERS)) {
  test(`${name} with biases, penalties and validation: both backends agree bit for bit`, async () => {
    const { train, validation } = splitProblem(3);
    const common = { ...options, rank: 4, epochs: 15, biases: true, l1: 0.001, validation, seed: 9 };
    const wasm = await factorize(train, { ...common, backend: 'wasm' });
    const js = await factorize(train, { ...common, backend: 'js' });
    assert.equal([...wasm.lossHistory], [...js.lossHistory]);
    assert.equal([...wasm.validationHistory], [...js.validationHistory]);
    assert.equal([...wasm.W.data], [...js.W.data]);
    assert.equal([...wasm.colBias], [...js.colBias]);
  });
}
// gd's step when the call gives none: the seed's 0.05, halved whenever an epoch would raise the objective.
const halving = testRandom(5);
const steep = Array.from({ length: 80 }, () => Array.from({ length: 60 }, () => (halving() < 0.5 ? 1 + Math.round(halving() * 8) / 2 : NaN)));
for (const layout of ['dense', 'sparse']) {
  test(`gd with no learningRate (${layout}) converges where the seed's fixed 0.05 diverges, the loss never rising; same bits on both backends`, async () => {
    const fits = [];
    for (const backend of BACKENDS) fits.push(await factorize(steep, { rank: 3, epochs: 60, layout, backend }));
    const [wasm, js] = fits;
    assert.equal(Array.from(wasm.lossHistory), Array.from(js.lossHistory));
    assert.equal(Array.from(wasm.W.data), Array.from(js.W.data));
    const losses = [wasm.initialLoss, ...wasm.lossHistory];
    assert.ok(losses.every((loss, e) => e === 0 || loss <= losses[e - 1]), 'the objective never rises');
    assert.ok(wasm.loss < 0.1 * wasm.initialLoss, `${wasm.initialLoss} → ${wasm.loss}`);
    try {
      await factorize(steep, { rank: 3, epochs: 60, layout, learningRate: 0.05 });
      assert.unreachable('a given step is applied as it is');
    } catch (error) {
      assert.instance(error, DivergenceError);
      assert.is(error.learningRate, 0.05);
    }
  });
}
test('trainingRmse, computed by the run, is the RMSE of the model\'s own (clipped) predictions on its training data', async () => {
  // Ratings in half steps from 1 to 5 (as sparse coordinates, so that every solver takes them).
  const random = testRandom(41);
  const ratings = { rows: 50, cols: 40, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < 50; i++) {
    for (let j = 0; j < 40; j++) {
      if (random() < 0.3) ratings.rowIndices.push(i), ratings.colIndices.push(j), ratings.values.push(1 + Math.floor(random() * 9) / 2);
    }
  }
  for (const precision of ['float64', 'float32']) {
    const within = precision === 'float64' ? 1e-12 : 1e-6;
    const byClip = {};
    for (const [solver, extra] of [['als', { rank: 3 }], ['sgd', { rank: 3 }], ['baseline', {}]]) {
      for (const clip of [true, false]) {
        const model = await factorize(ratings, { solver, ...extra, epochs: 4, clip, precision, seed: 3 });
        const fromModel = trainingRmse(model);
        assert.ok(Math.abs(model.trainingRmse - fromModel) <= within * fromModel, `${solver} ${precision} clip ${clip}: ${model.trainingRmse} vs ${fromModel}`);
        byClip[`${solver} ${clip}`] = model.trainingRmse;
        if (solver === 'sgd' && clip) assert.is(Factorization.fromBytes(model.toBytes()).trainingRmse, model.trainingRmse);
      }
    }
    // ALS's exact solves put some predictions outside the values' range: clipping them lowers the error.
    assert.ok(byClip['als true'] < byClip['als false'], JSON.stringify(byClip));
  }
  const events = await factorize(ratings, { solver: 'ials', rank: 3, epochs: 2 });
  assert.is(events.trainingRmse, undefined);
});

test.run();
