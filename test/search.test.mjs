// Settings search (grid and random, k-fold, per-epoch scoring, successive halving, refit) and warm starts
// matched by id.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modelToParts } from '../dist/model/persist.js';
import { readFileSync } from 'node:fs';
import { expandGrid, factorize, Factorization, parseGrid, search } from 'mfwasm';
import { pick, shuffled } from '../dist/evaluate/evaluate.js';
import { lowRankWithMissing } from './helpers.mjs';

function ratings() {
  const X = lowRankWithMissing(30, 25, 3, 0.5, 4);
  const data = { rows: 30, cols: 25, rowIndices: [], colIndices: [], values: [] };
  X.forEach((row, i) => row.forEach((x, j) => Number.isNaN(x) || (data.rowIndices.push(i), data.colIndices.push(j), data.values.push(3 + x))));
  return data;
}

const test = suite('search and warm start');

test('expandGrid: every combination, options and values in the order given', () => {
  assert.equal(expandGrid({ rank: [2, 4], regularization: [0.1, 0.2, 0.3] }), [
    { rank: 2, regularization: 0.1 }, { rank: 2, regularization: 0.2 }, { rank: 2, regularization: 0.3 },
    { rank: 4, regularization: 0.1 }, { rank: 4, regularization: 0.2 }, { rank: 4, regularization: 0.3 },
  ]);
  assert.throws(() => expandGrid({ rank: [] }), /search: grid\.rank: expected a non-empty array of values/);
});

test('parseGrid: lists, linear and log ranges, the command line\'s form', () => {
  assert.equal(parseGrid('rank=20,50,100 regularization=0.02..0.2:log:3 learning-rate=0.1..0.3:3 biases=true,false'), {
    rank: [20, 50, 100], regularization: [0.02, 0.0632456, 0.2], learningRate: [0.1, 0.2, 0.3], biases: [true, false],
  });
  assert.throws(() => parseGrid('rank'), /grid: expected name=values, got "rank"/);
  assert.throws(() => parseGrid('regularization=0..1:log:3'), /grid: regularization: expected low\.\.high\[:log\]:count/);
});

test('each epoch of each fold is scored: a trial\'s fold score is that fold\'s validation RMSE at the chosen epoch count', async () => {
  const data = ratings();
  const result = await search(data, { base: { solver: 'als', biases: true, epochs: 6 }, grid: { rank: [2], regularization: [0.1] }, folds: 3, halving: false, seed: 3 });
  const [trial] = result.trials;
  assert.is(trial.folds.length, 3);
  const epochs = trial.settings.epochs;
  assert.ok(epochs >= 1 && epochs <= 6);
  // Re-run fold 1 by hand from the same split: its validation history at that epoch is the trial's score.
  const positions = shuffled(data.values.length, 3);
  const fold = (held) => pick(data, positions.filter((_, t) => (t % 3 === 0) === held).sort((a, b) => a - b));
  const test0 = fold(true);
  const byHand = await factorize(fold(false), { solver: 'als', biases: true, epochs: 6, rank: 2, regularization: 0.1, restoreBest: false,
    validation: { rowIndices: test0.rowIndices, colIndices: test0.colIndices, values: test0.values } });
  assert.is(trial.folds[0], byHand.validationHistory[epochs - 1]);
  assert.is(result.refit.epochs, epochs, 'the refit uses the chosen epoch count');
  assert.ok(Math.abs(trial.mean - trial.folds.reduce((a, b) => a + b, 0) / 3) < 1e-15);
  assert.is(result.metric, 'rmse');
});

test('holdout instead of folds; a time budget stops new trials; the metric is the solver\'s', async () => {
  const data = ratings();
  const held = await search(data, { base: { solver: 'als', epochs: 3 }, grid: { rank: [1, 2, 3] }, holdout: 0.2, seed: 1 });
  assert.ok(held.trials.every((t) => t.folds.length === 1 && !t.stopped));
  const budgeted = await search(data, { base: { solver: 'als', epochs: 3 }, grid: { rank: [1, 2, 3, 4] }, folds: 2, budget: 1e-9, seed: 1 });
  assert.is(budgeted.trials.length, 1, 'the first trial always runs');
  await search(data, { base: { solver: 'als' }, grid: { rank: [1] }, metric: 'precision@10' }).then(
    () => assert.unreachable(), (e) => assert.match(e.message, /search: options\.metric: solver 'als' is scored after every epoch by 'rmse'/));
});

test('every trial\'s options are checked before any fit: a bad one names its trial, and no trial has run', async () => {
  const data = ratings();
  const trials = [];
  const cases = [
    [{ base: { solver: 'als', epochs: 2 }, grid: { rank: [2, 3, 0] } }, RangeError, /^search: the trial \{"rank":0\} of options\.grid, with options\.base: options\.rank: expected an integer ≥ 1, got 0$/],
    [{ base: { solver: 'als', epochs: 2 }, grid: { rank: [2], regularisation: [0.1] } }, TypeError, /^search: the trial \{"rank":2,"regularisation":0\.1\} of options\.grid, with options\.base: options: unknown option 'regularisation' \(did you mean 'regularization'\?\)/],
    [{ base: { solver: 'als', epochs: 2, learningRate: 0.1 }, grid: { rank: [2] } }, TypeError, /^search: the trial \{"rank":2\} of options\.grid, with options\.base: options\.learningRate: only for solver/],
    [{ base: { solver: 'sgd', epochs: 2 }, distributions: { rank: [2], learningRate: { low: -1, high: 0 } }, trials: 3 }, RangeError, /^search: the trial .* of options\.distributions, with options\.base: options\.learningRate: /],
  ];
  for (const [options, type, pattern] of cases) {
    const error = await search(data, { ...options, folds: 2, onTrial: (t) => trials.push(t) }).then(() => undefined, (e) => e);
    assert.ok(error instanceof type, String(error));
    assert.match(error.message, pattern);
  }
  assert.is(trials.length, 0);
});

test('successive halving: fold 1 for all, fold 2 for the better half, the rest for the better half of those', async () => {
  const data = ratings();
  const seen = [];
  const result = await search(data, {
    base: { solver: 'als', biases: true, epochs: 4 }, grid: { rank: [1, 2, 3, 4], regularization: [0.1] }, folds: 5, seed: 2,
    onTrial: (trial) => void seen.push(trial),
  });
  assert.equal(result.trials.map((t) => t.folds.length).sort(), [1, 1, 2, 5]);
  assert.is(result.saved.fits, 4 + 2 + 3);
  assert.is(result.saved.skipped, 20 - 9);
  assert.is(seen.length, 4);
  const winner = result.trials.find((t) => t.settings === result.best);
  assert.is(winner.folds.length, 5, 'the best comes from the trials that ran every fold');
});

test('the same seed gives the same trials, scores and best settings on both backends; random search draws in range', async () => {
  const data = ratings();
  const options = { base: { solver: 'sgd', biases: true, epochs: 5 }, distributions: { rank: { low: 1, high: 4, integer: true }, regularization: { low: 0.01, high: 1, log: true } }, trials: 4, folds: 3, seed: 9 };
  const wasm = await search(data, { ...options, base: { ...options.base, backend: 'wasm' } });
  const js = await search(data, { ...options, base: { ...options.base, backend: 'js' } });
  assert.equal(wasm.trials.map((t) => [t.settings, t.folds]), js.trials.map((t) => [t.settings, t.folds]));
  assert.equal(wasm.best, js.best);
  for (const t of wasm.trials) {
    assert.ok(Number.isInteger(t.settings.rank) && t.settings.rank >= 1 && t.settings.rank <= 4);
    assert.ok(t.settings.regularization >= 0.01 && t.settings.regularization <= 1);
  }
  const again = await search(data, { ...options, base: { ...options.base, backend: 'wasm' } });
  assert.equal(again.trials.map((t) => t.folds), wasm.trials.map((t) => t.folds));
});

test('warm start: rows and columns matched by id whatever their order; new ones drawn fresh; biases carried', async () => {
  const base = ratings();
  const ids = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const first = { ...base, rowIds: ids('u', 30), colIds: ids('i', 25) };
  const model = await factorize(first, { solver: 'als', rank: 2, biases: true, epochs: 5 });
  // The same observations with rows reversed, one new row and one new column; row u29 dropped.
  const rowIds = [...ids('u', 29).reverse(), 'new-user'];
  const colIds = [...ids('i', 25), 'new-item'];
  const next = { rows: 30, cols: 26, rowIndices: [], colIndices: [], values: [], rowIds, colIds };
  for (let t = 0; t < base.values.length; t++) {
    const row = rowIds.indexOf(`u${base.rowIndices[t]}`);
    if (row < 0) continue;
    next.rowIndices.push(row);
    next.colIndices.push(base.colIndices[t]);
    next.values.push(base.values[t]);
  }
  next.rowIndices.push(29, 0);
  next.colIndices.push(25, 25);
  next.values.push(4, 2);
  const warm = await factorize(next, { solver: 'als', rank: 2, biases: true, epochs: 0, init: model });
  // Epoch 0: the returned factors are the initial ones.
  const at = (m, id) => m.rowIds.indexOf(id);
  for (const id of ['u0', 'u7', 'u28']) {
    assert.equal([...warm.W.data.subarray(at(warm, id) * 2, at(warm, id) * 2 + 2)], [...model.W.data.subarray(at(model, id) * 2, at(model, id) * 2 + 2)], id);
    assert.is(warm.rowBias[at(warm, id)], model.rowBias[at(model, id)]);
  }
  assert.is(warm.colBias[3], model.colBias[3]);
  assert.is(warm.colBias[25], 0, 'a new column starts without a bias');
  const continued = await factorize(next, { solver: 'als', rank: 2, biases: true, epochs: 2, init: model });
  assert.ok(continued.loss < warm.initialLoss * 1.0001);
  await factorize(next, { solver: 'als', rank: 3, init: model }).then(
    () => assert.unreachable(), (e) => assert.match(e.message, /options\.init: the model has rank 2; expected options\.rank 3/));
  await factorize(base, { solver: 'als', rank: 2, init: model }).then(
    () => assert.unreachable(), (e) => assert.match(e.message, /options\.init: the model has row ids and X has none/));
});

test('update: old + new observations warm-started — sgd the same as factorize(all, { init: model }); als re-solves what they touch', async () => {
  const base = ratings();
  const ids = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const n = base.values.length;
  const cut = n - 10;
  const slice = (a, b) => ({ rowIndices: base.rowIndices.slice(a, b), colIndices: base.colIndices.slice(a, b), values: base.values.slice(a, b) });
  const first = { rows: 30, cols: 25, ...slice(0, cut), rowIds: ids('u', 30), colIds: ids('i', 25) };
  const all = { rows: 30, cols: 25, rowIndices: base.rowIndices, colIndices: base.colIndices, values: base.values, rowIds: ids('u', 30), colIds: ids('i', 25) };
  const fresh = { ...slice(cut, n), rowIds: ids('u', 30), colIds: ids('i', 25) };
  const sgdOptions = { solver: 'sgd', rank: 3, biases: true, regularization: 0.1, epochs: 6 };
  const sgdModel = await factorize(first, sgdOptions);
  const updated = await sgdModel.update(fresh, { epochs: 2 });
  const warm = await factorize(all, { ...sgdOptions, epochs: 2, init: sgdModel });
  assert.equal([...updated.lossHistory], [...warm.lossHistory]);
  assert.equal([...updated.W.data], [...warm.W.data]);
  // ALS: only the rows and columns with new observations move.
  const model = await factorize(first, { ...sgdOptions, solver: 'als' });
  const absorbed = await model.update(fresh);
  assert.is(absorbed.epochs, 0);
  const touchedRows = new Set(fresh.rowIndices.map((i) => `u${i}`));
  for (const id of ids('u', 30)) {
    const [a, b] = [model, absorbed].map((m) => [...m.W.data.subarray(m.rowIds.indexOf(id) * 3, m.rowIds.indexOf(id) * 3 + 3)]);
    if (touchedRows.has(id)) assert.not.equal(a, b, `${id} was re-solved`);
    else assert.equal(a, b, `${id} was left as it was`);
  }
  assert.ok(absorbed.initialLoss < model.loss * 1.05);
  // New ids become new rows and columns; a new value for a known pair replaces the old one.
  const grown = await absorbed.update({ rowIndices: ['newcomer', 'u0'], colIndices: ['i3', 'new-item'], values: [4, 2] });
  assert.equal([grown.rowIds.at(-1), grown.colIds.at(-1), grown.W.rows, grown.H.cols], ['newcomer', 'new-item', 31, 26]);
  const reloaded = Factorization.fromBytes(absorbed.toBytes());
  const again = await reloaded.update({ rowIndices: ['newcomer'], colIndices: ['i3'], values: [4] });
  assert.is(again.W.rows, 31);
});

test('format 1 files (mfwasm 0.1.0) still load and predict as they did; update says why it cannot', async () => {
  const bytes = readFileSync(new URL('./fixtures/model-v1.mfm', import.meta.url));
  const expected = JSON.parse(readFileSync(new URL('./fixtures/model-v1.json', import.meta.url), 'utf8')).predictions;
  const model = Factorization.fromBytes(bytes);
  assert.equal(['a', 'b', 'c', 'd'].map((r) => ['x', 'y', 'z'].map((c) => model.predict(r, c))), expected);
  const error = await model.update({ rowIndices: ['a'], colIndices: ['z'], values: [3] }).then(() => undefined, (e) => e);
  assert.match(error?.message, /update: this model keeps no training values/);
});

test('format 2 files (training values in float64) still load, predict as they did and update', async () => {
  // Written by mfwasm at 4e8093a, the last commit of format 2; its values include 3.3, no float32 value.
  const bytes = readFileSync(new URL('./fixtures/model-v2.mfm', import.meta.url));
  const { X, predictions } = JSON.parse(readFileSync(new URL('./fixtures/model-v2.json', import.meta.url), 'utf8'));
  assert.is(new DataView(bytes.buffer, bytes.byteOffset).getUint16(4, true), 2);
  const model = Factorization.fromBytes(bytes);
  assert.equal(['a', 'b', 'c', 'd'].map((r) => ['x', 'y', 'z'].map((c) => model.predict(r, c))), predictions);
  assert.equal([...model.info.observed.values], X.values);
  assert.ok(model.info.observed.values instanceof Float64Array);
  // Saved again (format 3), the float64 values stay float64.
  assert.equal([...Factorization.fromBytes(model.toBytes()).info.observed.values], X.values);
  const updated = await model.update({ rowIndices: ['a'], colIndices: ['y'], values: [2.5] }, { epochs: 1 });
  assert.is(updated.info.observed.values.length, X.values.length + 1);
});

test('the binary form keeps float32 training values in 4 bytes each, and its parts join to toBytes()', async () => {
  const halves = { rows: 40, cols: 30, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < 40; i++) for (let j = (i * 7) % 3; j < 30; j += 3) halves.rowIndices.push(i), halves.colIndices.push(j), halves.values.push(1 + ((i * j) % 9) / 2);
  const model = await factorize(halves, { solver: 'als', rank: 3, epochs: 3 });
  assert.ok(model.info.observed.values instanceof Float32Array);
  const bytes = model.toBytes();
  assert.is(new DataView(bytes.buffer).getUint16(6, true) & 2, 2, 'flag bit 1: values in float32');
  const back = Factorization.fromBytes(bytes);
  assert.ok(back.info.observed.values instanceof Float32Array);
  assert.equal([...back.info.observed.values], [...model.info.observed.values]);
  const inexact = await factorize({ ...halves, values: halves.values.map((x) => x + 0.1) }, { solver: 'als', rank: 3, epochs: 3 });
  const wide = inexact.toBytes();
  assert.is(wide.length - bytes.length, 4 * halves.values.length, 'float64 values: 4 more bytes each');
  assert.equal([...Factorization.fromBytes(wide).info.observed.values], [...inexact.info.observed.values]);
  for (const precision of ['float64', 'float32']) {
    const parts = modelToParts(model.info, precision);
    assert.equal(Buffer.concat(parts), Buffer.from(model.toBytes({ precision })));
  }
});

test.run();
