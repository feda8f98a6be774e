// options.precision 'float32': the run really stores float32 (every factor it returns is a float32 value),
// every solver stays close to its float64 run — tolerances below, each from float32's 2^-24 relative
// rounding and how many steps compound it — and the seed's numpy trajectory (float64) is followed to 1e-5.
// Bit-for-bit agreement of the float32 build with the TS twin is checked kernel by kernel
// (kernels.test.mjs) and solver by solver on 1–4 threads (threads.test.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Factorization, factorize } from 'mfwasm';
import { backends } from '../dist/backends/index.js';
import { BACKENDS, inputForms, lowRankWithMissing, maxRelativeError, reference } from './helpers.mjs';

const X = lowRankWithMissing(80, 60, 3, 0.5, 17);
const observed = [];
X.forEach((row, i) => row.forEach((x, j) => Number.isNaN(x) || observed.push([i, j, x])));
const rmse = (model) => Math.sqrt(observed.reduce((sum, [i, j, x]) => sum + (model.predict(i, j) - x) ** 2, 0) / observed.length);
const isFloat32 = (values) => values.every((v) => Math.fround(v) === v);

// [label, options, largest |RMSE(float32) − RMSE(float64)|]. ALS solves each row exactly: float32 storage
// moves it by about the rounding of the data (~1e-7 relative). gd and sgd take many small steps, each
// rounded, so their paths drift further apart, yet stay within a hundredth of a percent of the RMSE.
const CASES = [
  ['gd (dense)', { solver: 'gd', layout: 'dense', rank: 3, epochs: 300, learningRate: 0.005 }, 1e-4],
  ['gd (sparse), penalised', { solver: 'gd', layout: 'sparse', rank: 3, epochs: 300, learningRate: 0.005, regularization: 0.01 }, 1e-4],
  ['sgd with biases', { solver: 'sgd', rank: 3, epochs: 30, biases: true }, 1e-4],
  ['als with biases', { solver: 'als', rank: 3, epochs: 10, biases: true }, 1e-5],
  ['als, non-negative', { solver: 'als', rank: 3, epochs: 10, nonnegative: true }, 1e-5],
];

for (const backend of BACKENDS) {
  const test = suite(`float32 [${backend}]`);

  for (const [label, options, tolerance] of CASES) {
    test(`${label}: float32 factors, RMSE within ${tolerance} of float64`, async () => {
      const double = await factorize(X, { ...options, backend });
      const single = await factorize(X, { ...options, backend, precision: 'float32' });
      assert.ok(isFloat32([...single.W.data, ...single.H.data, ...(single.rowBias ?? []), ...(single.colBias ?? [])]), 'every factor a float32 value');
      assert.not.ok(isFloat32(double.W.data), 'a float64 run is not (the check can tell)');
      const [a, b] = [rmse(double), rmse(single)];
      assert.ok(Math.abs(a - b) <= tolerance, `RMSE ${a} (float64) vs ${b} (float32)`);
      assert.ok(single.lossHistory.at(-1) < 0.8 * single.initialLoss, `it trains: ${single.initialLoss} → ${single.lossHistory.at(-1)}`);
    });
  }

  test('ials: float32 precision@10 and factors close to float64', async () => {
    const events = { rows: 80, cols: 60, rowIndices: [], colIndices: [], values: [] };
    for (const [i, j, x] of observed) if (x > 0.5) { events.rowIndices.push(i); events.colIndices.push(j); events.values.push(Math.round(2 * x)); }
    const options = { solver: 'ials', rank: 4, epochs: 6, backend };
    const double = await factorize(events, options);
    const single = await factorize(events, { ...options, precision: 'float32' });
    assert.ok(isFloat32(single.W.data));
    // Each row solve is exact; float32 storage of the confidences and factors moves them by ~1e-6 relative.
    const norm = Math.sqrt(double.W.data.reduce((s, v) => s + v * v, 0));
    const distance = Math.sqrt(double.W.data.reduce((s, v, p) => s + (v - single.W.data[p]) ** 2, 0));
    assert.ok(distance / norm <= 1e-4, `‖ΔW‖/‖W‖ ${distance / norm}`);
  });

  test("the seed's numpy trajectory (float64) followed to 1e-5 relative in float32", async () => {
    for (const c of reference.cases) {
      const [data, extra] = inputForms(c).nan;
      const fit = await factorize(data, { rank: c.rank, epochs: c.epochs, learningRate: c.eta, init: { W: c.W0, H: c.H0 }, backend, precision: 'float32', ...extra });
      const error = maxRelativeError(fit.lossHistory, c.losses);
      assert.ok(error <= 1e-5, `${c.name}: worst relative error ${error}`);
      assert.ok(error > 1e-12, `${c.name}: float32 should not be float64's bits (${error})`);
    }
  });

  test.run();
}

const test = suite('float32: options, model files, CLI');

test('a float32 workspace stores 4 bytes an entry on both backends, a float64 one 8', async () => {
  for (const [precision, Real] of [['float32', Float32Array], ['float64', Float64Array]]) {
    for (const backend of BACKENDS) {
      const space = await backends[backend].open({ real: { a: 1000, b: 10 }, i32: { c: 5 }, precision }, 1);
      assert.is(space.precision, precision);
      const view = space.viewReal(space.real.a, 1000);
      assert.ok(view instanceof Real, `${backend} ${precision}: ${view.constructor.name}`);
      view[3] = 0.1;
      assert.is(view[3], Real === Float32Array ? Math.fround(0.1) : 0.1);
      if (backend === 'wasm') assert.is(space.atReal(space.real.a, 10) - space.real.a, 10 * Real.BYTES_PER_ELEMENT);
      space.close();
    }
  }
});

test('options.precision is checked', async () => {
  for (const precision of ['float16', 32, null, 'Float32']) {
    await factorize(X, { rank: 2, precision }).then(
      () => assert.unreachable(`precision ${precision} accepted`),
      (error) => assert.match(error.message, /^options\.precision: expected one of 'float64', 'float32', got /),
    );
  }
});

test('a value beyond float32\'s range is refused up front in a float32 run, not reported as a divergence', async () => {
  const X = { rows: 3, cols: 3, rowIndices: [0, 1, 2], colIndices: [0, 1, 2], values: [1, -1e39, 3] };
  await factorize(X, { rank: 1, precision: 'float32' }).then(
    () => assert.unreachable('accepted'),
    (error) => assert.match(error.message, /^X: a value of -1e\+39 is beyond float32's range \(±3\.4028e\+38\); use precision: 'float64'$/),
  );
  const model = await factorize(X, { solver: 'als', rank: 1, epochs: 1 }); // float64 takes it
  assert.ok(Number.isFinite(model.loss));
});

test('a float32 fit saved as float32 loads back with the same factors, to the bit', async () => {
  const model = await factorize(X, { solver: 'als', rank: 3, epochs: 4, biases: true, precision: 'float32' });
  const loaded = Factorization.fromBytes(model.toBytes({ precision: 'float32' }));
  assert.equal([...loaded.W.data], [...model.W.data]);
  assert.equal([...loaded.H.data], [...model.H.data]);
  assert.equal(loaded.predict(5, 7), model.predict(5, 7));
  // The model keeps a float32 fit's factors in Float32Arrays (half the memory), and predicts from them exactly
  // as from float64 copies: the loaded model holds Float64Arrays.
  assert.ok(model.info.parameters.W instanceof Float32Array && model.info.parameters.H instanceof Float32Array);
  assert.ok(loaded.info.parameters.W instanceof Float64Array);
  for (const [i, j] of [[0, 0], [5, 7], [11, 3]]) assert.is(model.predict(i, j), loaded.predict(i, j));
  assert.equal(model.recommend(2, 5), loaded.recommend(2, 5));
  const [mine, theirs] = [await model.recommendMany([1, 2], 4), await loaded.recommendMany([1, 2], 4)];
  assert.equal(mine, theirs);
  assert.equal(model.foldIn({ colIndices: [1, 4], values: [3, 5] }), loaded.foldIn({ colIndices: [1, 4], values: [3, 5] }));
});

test('mfwasm fit --float32 trains in float32 and writes a float32 file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mfwasm-f32-'));
  try {
    writeFileSync(join(folder, 'ratings.csv'), 'user,item,rating\n' + observed.map(([i, j, x]) => `u${i},m${j},${x.toFixed(3)}`).join('\n') + '\n');
    const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
    const fit = (...args) => spawnSync(process.execPath, [cli, 'fit', 'ratings.csv', '--rank', '3', '--solver', 'als', '--epochs', '5', '--quiet', ...args], { cwd: folder, encoding: 'utf8' });
    const single = fit('--float32', '--out', 'single.mfm');
    assert.is(single.status, 0, single.stderr);
    const double = fit('--out', 'double.mfm');
    assert.is(double.status, 0, double.stderr);
    const [a, b] = ['single.mfm', 'double.mfm'].map((name) => readFileSync(join(folder, name)));
    assert.ok(a.length < b.length, `${a.length} vs ${b.length} bytes`);
    const model = Factorization.fromBytes(a);
    assert.ok(isFloat32(model.W.data));
    // Trained in float32, not trained in float64 and rounded on saving: the factors differ from the float64 run's rounded.
    const rounded = Factorization.fromBytes(Factorization.fromBytes(b).toBytes({ precision: 'float32' }));
    assert.ok(maxRelativeError(model.W.data, rounded.W.data) > 0, 'trained in float32');
    assert.ok(maxRelativeError(model.W.data, rounded.W.data) < 1e-3, `${maxRelativeError(model.W.data, rounded.W.data)}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
