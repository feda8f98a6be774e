// Implicit feedback: ials against an independent dense numpy iALS (test/fixtures/make_implicit_reference.py),
// exact and conjugate-gradient, on both backends; the top-N metrics against numpy's; the most-popular
// baseline; fold-in, persistence and the worker for implicit models.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, Factorization, mostPopular, parseRatings, rankingMetrics, sumDuplicates, trainTestSplit } from 'mfwasm';
import { factorizeInWorker } from 'mfwasm/worker';
import { BACKENDS, maxRelativeError } from './helpers.mjs';

const reference = JSON.parse(readFileSync(new URL('./fixtures/implicit.json', import.meta.url), 'utf8'));
const events = (c) => ({ rows: c.rows, cols: c.cols, rowIndices: c.rowIndices, colIndices: c.colIndices, values: c.values });
const options = (c, backend) => ({
  solver: 'ials', rank: c.rank, alpha: c.alpha, regularization: c.regularization, cgSteps: c.cgSteps, epochs: c.epochs,
  init: { W: c.W0, H: c.H0 }, backend,
});

for (const backend of BACKENDS) {
  const test = suite(`ials vs numpy [${backend}]`);
  for (const c of reference.ials) {
    test(`${c.name}: objective after every epoch, final factors and a fold-in match numpy`, async () => {
      const fit = await factorize(events(c), options(c, backend));
      assert.ok(Math.abs(fit.initialLoss - c.initialLoss) <= 1e-12 * c.initialLoss, `initial ${fit.initialLoss} vs ${c.initialLoss}`);
      assert.ok(maxRelativeError(fit.lossHistory, c.losses) <= 1e-9, `objective: ${maxRelativeError(fit.lossHistory, c.losses)}`);
      const close = (a, b) => a.every((v, p) => Math.abs(v - b[p]) <= 1e-7 * (1 + Math.abs(b[p])));
      assert.ok(close(fit.W.data, c.W.flat()), 'W');
      assert.ok(close(fit.H.data, c.H.flat()), 'H');
      const folded = fit.foldIn({ colIndices: c.foldIn.cols, values: c.foldIn.values });
      assert.ok(close(folded.factors, c.foldIn.factors), `fold-in ${folded.factors} vs ${c.foldIn.factors}`);
      // Rows and columns without events get zero factors, and predict 0.
      assert.ok(fit.W.data.subarray((c.rows - 1) * c.rank).every((v) => v === 0));
      assert.is(fit.predict(c.rows - 1, 0), 0);
    });
  }
  test('an implicit model saves, loads and folds in as it was; the worker trains the same model', async () => {
    const c = reference.ials[1];
    const fit = await factorize(events(c), options(c, backend));
    for (const copy of [Factorization.fromJSON(JSON.parse(JSON.stringify(fit))), Factorization.fromBytes(fit.toBytes())]) {
      assert.is(copy.solver, 'ials');
      assert.equal([...copy.W.data], [...fit.W.data]);
      assert.equal(copy.recommend(2, 4), fit.recommend(2, 4));
      assert.equal([...copy.foldIn({ colIndices: [1, 4], values: [2, 1] }).factors], [...fit.foldIn({ colIndices: [1, 4], values: [2, 1] }).factors]);
    }
    const inWorker = await factorizeInWorker(events(c), options(c, backend));
    assert.equal([...inWorker.lossHistory], [...fit.lossHistory]);
  });
  test.run();
}

const test = suite('ranking metrics and most-popular');

for (const [n, c] of reference.metrics.entries()) {
  test(`metrics case ${n + 1}: precision, recall, MAP, nDCG, AUC and coverage at ${c.k} match numpy`, () => {
    const rows = c.W.map((features, i) => ({ id: i, features }));
    const cols = c.H.map((features, j) => ({ id: j, features }));
    const model = Factorization.fromFactors({ rows, cols });
    const pairs = (list) => ({ rowIndices: list.map(([u]) => u), colIndices: list.map(([, j]) => j) });
    const got = rankingMetrics(model, pairs(c.test), { k: c.k, exclude: pairs(c.train), excludeObserved: false });
    for (const key of ['precision', 'recall', 'map', 'ndcg', 'auc', 'coverage', 'rows']) {
      assert.ok(Math.abs(got[key] - c.metrics[key]) <= 1e-12, `${key}: ${got[key]} vs ${c.metrics[key]}`);
    }
  });
}

test('AUC: the share of (held-out, other) candidate pairs in order, ties halved — rows with a few held-out columns and with many, scores tied', () => {
  // Integer factors: many candidates tie. Row 0 holds 3 columns out (counted), row 1 holds 40 (sorted), row 2 one.
  const cols = 120;
  const rows = [[1, 0], [0, 1], [1, 1]].map((features, id) => ({ id, features }));
  const H = Array.from({ length: cols }, (_, j) => ({ id: j, features: [j % 7, (j * 5) % 11] }));
  const model = Factorization.fromFactors({ rows, cols: H });
  const heldOut = [[0, [3, 10, 64]], [1, Array.from({ length: 40 }, (_, t) => 3 * t)], [2, [5]]];
  const test = { rowIndices: heldOut.flatMap(([u, js]) => js.map(() => u)), colIndices: heldOut.flatMap(([, js]) => js) };
  const got = rankingMetrics(model, test, { k: 5, excludeObserved: false, minCount: 0 });
  let sum = 0;
  for (const [u, js] of heldOut) {
    const score = (j) => H[j].features[0] * rows[u].features[0] + H[j].features[1] * rows[u].features[1];
    const held = new Set(js);
    let inOrder = 0;
    let pairs = 0;
    for (const p of js) for (let n = 0; n < cols; n++) if (!held.has(n)) {
      pairs++;
      inOrder += score(n) < score(p) ? 1 : score(n) === score(p) ? 0.5 : 0;
    }
    sum += inOrder / pairs;
  }
  assert.ok(Math.abs(got.auc - sum / heldOut.length) <= 1e-12, `${got.auc} vs ${sum / heldOut.length}`);
});

test('mostPopular ranks by training counts, leaves out a row\'s own, and works with rankingMetrics', () => {
  const train = { rows: 3, cols: 4, rowIndices: [0, 1, 1, 2, 2, 2], colIndices: [1, 1, 2, 1, 2, 3] };
  const popular = mostPopular(train);
  // Column 0 has no training observation: like any model's never-seen column, it is left out (minCount 1).
  assert.equal(popular.recommend(0, 4).map((r) => [r.col, r.score]), [[2, 2], [3, 1]]);
  assert.equal(popular.recommend(0, 4, { minCount: 0 }).map((r) => r.col), [2, 3, 0]);
  assert.equal(popular.recommend(2, 4), []);
  const metrics = rankingMetrics(popular, { rowIndices: [0], colIndices: [2] }, { k: 1 });
  assert.equal([metrics.precision, metrics.recall, metrics.rows], [1, 1, 1]);
  assert.throws(() => mostPopular({ rows: 2, cols: 2, rowIndices: [0, 5], colIndices: [0, 1] }), /mostPopular: train\.rowIndices\[1\]: expected an integer from 0 to 1, got 5/);
  assert.throws(() => mostPopular(null), /mostPopular: train: expected \{ rows, cols, rowIndices, colIndices \}, got null/);
  assert.throws(() => rankingMetrics(popular, null), /rankingMetrics: test: expected \{ rowIndices, colIndices \}, got null/);
  // `relevant` keeps the held-out ratings at or above a threshold (or those a function accepts): row 0's rating 2
  // of column 2 is not relevant at 4, its rating 5 of column 3 is.
  const rated = { rowIndices: [0, 0], colIndices: [2, 3], values: [2, 5] };
  const all = rankingMetrics(popular, rated, { k: 1 });
  const relevantOnly = rankingMetrics(popular, rated, { k: 1, relevant: 4 });
  assert.equal([all.precision, relevantOnly.precision, relevantOnly.recall], [1, 0, 0]);
  assert.equal(rankingMetrics(popular, rated, { k: 2, relevant: (value) => value > 4 }).recall, 1);
  assert.throws(() => rankingMetrics(popular, rated, { relevant: 'high' }), /rankingMetrics: options\.relevant: expected a threshold \(a finite number\) or a function of a value, got the string "high"/);
  assert.throws(() => rankingMetrics(popular, { rowIndices: [0], colIndices: [2] }, { relevant: 4 }), /rankingMetrics: test: options\.relevant needs its values/);
  assert.throws(() => rankingMetrics(popular, rated, { relevant: 6 }), /rankingMetrics: test: expected at least one relevant observation, got none/);
  assert.throws(() => sumDuplicates(null), /sumDuplicates: expected \{ rows, cols, rowIndices, colIndices, values \}, got null/);
});

test('ials validates by precision@10 with patience; events files read with or without counts, repeats summed', async () => {
  const plays = { rows: 30, cols: 20, rowIndices: [], colIndices: [], values: [] };
  for (let u = 0; u < 30; u++) for (let i = 0; i < 20; i++) if ((u % 3 === i % 3) && (u + i) % 2) {
    plays.rowIndices.push(u);
    plays.colIndices.push(i);
    plays.values.push(1 + (u % 2));
  }
  const { train, test: held } = trainTestSplit(plays, { testFraction: 0.2, seed: 3, keepEveryRow: true });
  const reports = [];
  const fit = await factorize(train, { solver: 'ials', rank: 3, epochs: 200, validation: held, patience: 2, onEpoch: (r) => void reports.push(r) });
  assert.is(fit.stoppedBy, 'patience');
  assert.ok(fit.epochs < 200);
  assert.ok(reports.every((r) => r.validationRmse === undefined && r.validationPrecision >= 0 && r.validationPrecision <= 1));
  assert.equal([...fit.validationHistory], reports.map((r) => r.validationPrecision));
  assert.is(fit.validationHistory[fit.bestEpoch], Math.max(...fit.validationHistory), 'the best epoch is the highest precision');
  const text = 'user,item\nu1,song9\nu1,song9\nu2,song3,4\n';
  const events = sumDuplicates(parseRatings(text, { events: true }));
  assert.equal([events.rowIds, events.colIds, [...events.values]], [['u1', 'u2'], ['song9', 'song3'], [2, 4]]);
});

test('sumDuplicates: each pair once, at its first occurrence, its values summed in the order they occur — as a Map of pairs gives', () => {
  const reference = (data) => {
    const first = new Map();
    const kept = [];
    const sums = [];
    for (let t = 0; t < data.values.length; t++) {
      const key = `${data.rowIndices[t]},${data.colIndices[t]}`;
      if (!first.has(key)) {
        first.set(key, kept.length);
        kept.push(t);
        sums.push(data.values[t]);
      } else sums[first.get(key)] += data.values[t];
    }
    return [kept.map((t) => data.rowIndices[t]), kept.map((t) => data.colIndices[t]), sums];
  };
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [n, rows, cols] of [[0, 2, 2], [1, 1, 1], [40, 1, 1], [3000, 30, 7], [3000, 7, 300]]) {
    const data = {
      rows, cols,
      rowIndices: Int32Array.from({ length: n }, () => Math.floor(random() * rows)),
      colIndices: Array.from({ length: n }, () => Math.floor(random() * cols)),
      values: Float32Array.from({ length: n }, () => random() * 4),
    };
    const summed = sumDuplicates(data);
    assert.ok(summed.rowIndices instanceof Int32Array && summed.colIndices instanceof Int32Array && summed.values instanceof Float64Array);
    assert.equal([[...summed.rowIndices], [...summed.colIndices], [...summed.values]], reference(data), `${n} over ${rows}×${cols}`);
  }
  assert.throws(() => sumDuplicates({ rows: 2, cols: 2, rowIndices: [0, 2], colIndices: [0, 1], values: [1, 1] }), /^sumDuplicates: data\.rowIndices\[1\]: expected an integer from 0 to data\.rows − 1 = 1, got 2$/);
  assert.throws(() => sumDuplicates({ rows: 2, cols: 2, rowIndices: [0], colIndices: [0, 1], values: [1, 1] }), /^sumDuplicates: data\.rowIndices: expected 2 entries, one per value, got 1$/);
});

test('ranking validation scores a fixed sample of 64 rows when there are more; the whole set when there are fewer', async () => {
  const plays = { rows: 200, cols: 40, rowIndices: [], colIndices: [], values: [] };
  for (let u = 0; u < 200; u++) for (let i = 0; i < 40; i++) if ((u * 7 + i * 3) % 5 < 2) {
    plays.rowIndices.push(u);
    plays.colIndices.push(i);
    plays.values.push(1);
  }
  const { train, test: held } = trainTestSplit(plays, { testFraction: 0.2, seed: 5, keepEveryRow: true });
  const fit = await factorize(train, { solver: 'ials', rank: 4, epochs: 2, validation: held, restoreBest: false });
  // precision@10 is Σ hits / (10 · rows scored): its numerator is a whole number of hits for 64 rows.
  const hits = fit.validationHistory.map((p) => p * 10 * 64);
  assert.ok(hits.every((h) => Math.abs(h - Math.round(h)) < 1e-9), `${[...hits]}`);
  const rowsHeld = new Set(held.rowIndices).size;
  assert.ok(rowsHeld > 64, `${rowsHeld} rows held out`);
  // The same sample every epoch, and the same on a second fit: the scores are reproducible.
  const again = await factorize(train, { solver: 'ials', rank: 4, epochs: 2, validation: held, restoreBest: false });
  assert.equal([...again.validationHistory], [...fit.validationHistory]);
  // Few rows: the sample is all of them, the figure rankingMetrics gives.
  const few = { ...held, rowIndices: [], colIndices: [], values: [] };
  held.rowIndices.forEach((row, t) => {
    if (row >= 20) return;
    few.rowIndices.push(row);
    few.colIndices.push(held.colIndices[t]);
    few.values.push(held.values[t]);
  });
  const small = await factorize(train, { solver: 'ials', rank: 4, epochs: 1, validation: few, restoreBest: false });
  const full = rankingMetrics(small, few, { k: 10, exclude: train, excludeObserved: false, minCount: 1 });
  assert.ok(Math.abs(small.validationHistory[0] - full.precision) < 1e-12, `${small.validationHistory[0]} vs ${full.precision}`);
});

test('implicit options: only for ials, and ials takes no biases, bounds or L1', async () => {
  const X = { rows: 2, cols: 2, rowIndices: [0, 1], colIndices: [0, 1], values: [1, 1] };
  for (const [bad, pattern] of [
    [{ solver: 'als', alpha: 3 }, /options\.alpha: only for solver 'ials', got solver 'als'/],
    [{ solver: 'sgd', cgSteps: 2 }, /options\.cgSteps: only for solver 'ials', got solver 'sgd'/],
    [{ solver: 'ials', biases: true }, /options\.biases: only for solver 'gd', 'sgd'(,| or) 'als'.*, got solver 'ials'; leave it out/],
    [{ solver: 'ials', alpha: -1 }, /options\.alpha: expected a finite number ≥ 0, got -1/],
    [{ solver: 'ials', cgSteps: 1.5 }, /options\.cgSteps: expected an integer ≥ 0, got 1\.5/],
    [{ solver: 'ials', X: { rows: 2, cols: 2, rowIndices: [0, 1], colIndices: [0, 1], values: [-1, 1] } }, /X: solver 'ials' takes event values ≥ 0/],
  ]) {
    const { X: input = X, ...rest } = bad;
    const error = await factorize(input, { rank: 1, ...rest }).then(() => undefined, (e) => e);
    assert.match(error?.message ?? 'resolved', pattern);
  }
});

test.run();
