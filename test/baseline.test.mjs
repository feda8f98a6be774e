// solver 'baseline': μ + b_i + c_j, no factors, each side the exact minimiser given the other.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Factorization, factorize, rmse, solvers, trainTestSplit } from 'mfwasm';
import { BACKENDS, testRandom } from './helpers.mjs';

/** Ratings from true biases plus noise: 60 users × 40 items, about a third observed. */
function biasedRatings(seed) {
  const random = testRandom(seed);
  const userBias = Array.from({ length: 60 }, () => random() * 2 - 1);
  const itemBias = Array.from({ length: 40 }, () => random() * 2 - 1);
  const X = { rows: 60, cols: 40, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < 60; i++) for (let j = 0; j < 40; j++) {
    if (random() > 0.35) continue;
    X.rowIndices.push(i);
    X.colIndices.push(j);
    X.values.push(3 + userBias[i] + itemBias[j] + 0.3 * (random() - 0.5));
  }
  return X;
}

/**
 * The exact minimiser of one side's bias given the other's, computed here from the objective
 * ½Σ(x − μ − b_i − c_j)² + ½λ·n_i·b_i² (the penalty per observation): b_i = Σ_j (x − μ − c_j) / (n_i (1 + λ)).
 */
function exactBiases(X, fixed, mean, lambda, side) {
  const [own, other] = side === 'row' ? [X.rowIndices, X.colIndices] : [X.colIndices, X.rowIndices];
  const size = side === 'row' ? X.rows : X.cols;
  const sum = new Float64Array(size);
  const count = new Float64Array(size);
  X.values.forEach((x, t) => {
    sum[own[t]] += x - mean - fixed[other[t]];
    count[own[t]]++;
  });
  return Array.from(sum, (s, k) => s / (count[k] * (1 + lambda)));
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

for (const backend of BACKENDS) {
  test(`baseline [${backend}]: each side's biases are the exact minimisers given the other's; no factors`, async () => {
    const X = biasedRatings(4);
    const model = await factorize(X, { solver: 'baseline', epochs: 60, backend, clip: false });
    assert.is(model.rank, 0);
    assert.is(model.W.data.length + model.H.data.length, 0);
    const mu = mean(X.values);
    // Columns are solved last: exact given the final row biases; rows, given the columns before them, and
    // after 60 epochs those have settled.
    const cols = exactBiases(X, model.rowBias, mu, 0.1, 'col');
    const rows = exactBiases(X, model.colBias, mu, 0.1, 'row');
    cols.forEach((c, j) => assert.ok(Math.abs(c - model.colBias[j]) < 1e-12, `column ${j}: ${model.colBias[j]} vs ${c}`));
    rows.forEach((b, i) => assert.ok(Math.abs(b - model.rowBias[i]) < 1e-9, `row ${i}: ${model.rowBias[i]} vs ${b}`));
    assert.ok(Math.abs(model.predict(0, 0) - (mu + model.rowBias[0] + model.colBias[0])) < 1e-12);
  });
}

test('baseline beats the mean on held-out ratings made of biases, and als does not beat it by much there', async () => {
  const X = biasedRatings(9);
  const { train, test: held } = trainTestSplit(X, { testFraction: 0.2, seed: 1, keepEveryRow: true });
  const model = await factorize(train, { solver: 'baseline' });
  const mu = mean(train.values);
  const meanRmse = Math.sqrt(mean(held.values.map((x) => (x - mu) ** 2)));
  assert.ok(rmse(model, held) < 0.6 * meanRmse, `baseline ${rmse(model, held)} vs mean ${meanRmse}`);
});

test('baseline: rank and biases are refused by name, similar() has nothing to compare, saved and loaded it predicts the same', async () => {
  const X = biasedRatings(2);
  await factorize(X, { solver: 'baseline', rank: 5 }).then(() => assert.unreachable('rank accepted'),
    (error) => assert.is(error.message, "options.rank: solver 'baseline' has no factors (biases only); leave rank out, got 5"));
  await factorize(X, { solver: 'baseline', biases: false }).then(() => assert.unreachable('biases accepted'),
    (error) => assert.is(error.message, "options.biases: solver 'baseline' is biases alone, always on; leave it out, got boolean false"));
  await factorize(X, { solver: 'als' }).then(() => assert.unreachable('no rank accepted'),
    (error) => assert.match(error.message, /^options\.rank: required, an integer ≥ 1/));
  const model = await factorize(X, { solver: 'baseline', rank: 0, biasRegularization: 0.5 });
  assert.throws(() => model.similar(0), /similar: this model has no factors to compare \(rank 0: biases only, solver 'baseline'\)/);
  const back = Factorization.fromBytes(model.toBytes());
  assert.is(back.rank, 0);
  assert.is(back.predict(3, 7), model.predict(3, 7));
  assert.equal(model.recommend(0, 3).map((r) => r.col), back.recommend(0, 3).map((r) => r.col));
  assert.is(solvers.baseline.factors, false);
  assert.is(solvers.als.factors, true);
});

test('the command line trains a baseline (no rank given to it) and reports its test RMSE', () => {
  const X = biasedRatings(3);
  const folder = mkdtempSync(join(tmpdir(), 'mfwasm-baseline-'));
  const file = join(folder, 'ratings.csv');
  writeFileSync(file, 'user,item,rating\n' + X.values.map((x, t) => `u${X.rowIndices[t]},i${X.colIndices[t]},${x.toFixed(3)}`).join('\n') + '\n');
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const run = spawnSync(process.execPath, [cli, 'fit', file, '--solver', 'baseline', '--out', join(folder, 'm.mfm')], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /epochs of baseline in .*\n.*test RMSE \d\.\d{4}/);
});

test.run();
