// solver 'bpr' (Bayesian personalised ranking): its kernel against its TS twin bit for bit and against an
// independent numpy reference (test/fixtures/make_bpr_reference.py), then the solver through the package —
// the same bits on both backends and any thread count, a better ranking than the popularity baseline on events
// with tastes, its options, save/load, fold-in, the worker and the command line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Factorization, factorize, mostPopular, rankingMetrics, trainTestSplit } from 'mfwasm';
import { factorizeInWorker } from 'mfwasm/worker';
import { backends } from '../dist/backends/index.js';
import { maxRelativeError, testRandom } from './helpers.mjs';

const cases = JSON.parse(readFileSync(new URL('./fixtures/bpr.json', import.meta.url), 'utf8'));

/** A workspace of a backend holding a fixture case: CSR, rowOf, w, ht and the generator's state. */
async function laidOut(backend, c, precision = 'float64') {
  const count = c.colIndex.length;
  const space = await backends[backend].open({
    real: { w: c.rows * c.width, ht: c.cols * c.width }, i32: { rowStart: c.rows + 1, colIndex: count, rowOf: count, state: 1 }, precision,
  }, 1);
  space.viewReal(space.real.w, c.w.length).set(c.w);
  space.viewReal(space.real.ht, c.ht.length).set(c.ht);
  space.viewI32(space.i32.rowStart, c.rows + 1).set(c.rowStart);
  space.viewI32(space.i32.colIndex, count).set(c.colIndex);
  space.viewI32(space.i32.rowOf, count).set(c.rowOf);
  space.viewI32(space.i32.state, 1)[0] = c.state | 0;
  const call = (samples, mode) => space.kernels.bprEpoch(
    space.i32.rowStart, space.i32.colIndex, space.i32.rowOf, space.real.w, space.real.ht, space.i32.state, count, c.cols, samples, c.width, c.rank,
    c.learningRate, c.lambdaW, c.lambdaH, c.biasLambda, mode,
  );
  const read = () => ({
    w: space.viewReal(space.real.w, c.w.length).slice(), ht: space.viewReal(space.real.ht, c.ht.length).slice(), state: space.viewI32(space.i32.state, 1)[0],
  });
  return { space, call, read };
}

const sameBits = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

test('bprEpoch: WASM and the TS twin give the same bits, in every mode and precision, whole or in blocks', async () => {
  for (const c of cases) for (const precision of ['float64', 'float32']) for (const mode of [0, 1, 2]) {
    const outcomes = [];
    for (const backend of ['wasm', 'js']) {
      const { space, call, read } = await laidOut(backend, c, precision);
      const half = Math.floor(c.samples / 2);
      // An epoch cut into two blocks draws and updates exactly what one call does.
      const loss = [call(c.samples, mode), call(half, mode) + call(c.samples - half, mode)];
      outcomes.push({ loss, ...read() });
      space.close();
    }
    const [wasm, js] = outcomes;
    const label = `${c.rows}×${c.cols} rank ${c.rank} width ${c.width}, ${precision}, mode ${mode}`;
    assert.equal(wasm.loss, js.loss, label);
    assert.ok(sameBits(wasm.w, js.w) && sameBits(wasm.ht, js.ht), `${label}: factors`);
    assert.is(wasm.state, js.state, label);
    const { space, call, read } = await laidOut('js', c, precision);
    call(c.samples, mode);
    call(c.samples, mode);
    const whole = read();
    space.close();
    assert.ok(sameBits(whole.w, js.w) && sameBits(whole.ht, js.ht), `${label}: two whole calls = four half calls`);
  }
});

test('bprEpoch follows the numpy reference: losses, factors and state after three epochs, and rows only', async () => {
  for (const c of cases) for (const backend of ['wasm', 'js']) {
    const { space, call, read } = await laidOut(backend, c);
    const losses = [0, 1, 2].map(() => call(c.samples, 1));
    const after = read();
    space.viewI32(space.i32.state, 1)[0] = 12345;
    const measured = call(c.samples, 0);
    space.close();
    const label = `${backend}, ${c.rows}×${c.cols} rank ${c.rank}`;
    assert.ok(maxRelativeError(losses, c.after.losses) < 1e-9, `${label}: losses ${losses} vs ${c.after.losses}`);
    assert.ok(maxRelativeError(after.w, c.after.w) < 1e-9 && maxRelativeError(after.ht, c.after.ht) < 1e-9, `${label}: factors`);
    assert.is(after.state >>> 0, c.after.state, `${label}: generator state`);
    assert.ok(Math.abs(measured - c.after.measured) < 1e-9 * c.after.measured, `${label}: measured loss`);
    const rowsOnly = await laidOut(backend, c);
    const loss = rowsOnly.call(c.samples, 2);
    const { w, ht } = rowsOnly.read();
    rowsOnly.space.close();
    assert.ok(Math.abs(loss - c.rowsOnly.loss) < 1e-9 * c.rowsOnly.loss && maxRelativeError(w, c.rowsOnly.w) < 1e-9, `${label}: rows only`);
    assert.ok(sameBits(ht, Float64Array.from(c.ht)), `${label}: rows only leaves the columns as they were`);
  }
});

/** Events from low-rank tastes with little popularity skew: each user's events are the items it likes most. */
function tasteEvents(rows, cols, seed) {
  const random = testRandom(seed);
  const rank = 3;
  const A = Float64Array.from({ length: rows * rank }, () => random() - 0.5);
  const B = Float64Array.from({ length: cols * rank }, () => random() - 0.5);
  const rowIndices = [];
  const colIndices = [];
  for (let i = 0; i < rows; i++) {
    const taste = Array.from({ length: cols }, (_, j) => A[i * 3] * B[j * 3] + A[i * 3 + 1] * B[j * 3 + 1] + A[i * 3 + 2] * B[j * 3 + 2] + 0.05 * (random() - 0.5));
    const liked = [...taste.keys()].sort((a, b) => taste[b] - taste[a]).slice(0, 12);
    for (const j of liked) {
      rowIndices.push(i);
      colIndices.push(j);
    }
  }
  return { rows, cols, rowIndices, colIndices, values: rowIndices.map(() => 1) };
}

const events = tasteEvents(120, 80, 5);
const split = trainTestSplit(events, { testFraction: 0.2, seed: 2, keepEveryRow: true });

test('bpr through factorize: the same bits on wasm, js, one thread and two, in float64; float32 close', async () => {
  const options = { solver: 'bpr', rank: 6, epochs: 8 };
  const one = await factorize(split.train, { ...options, threads: 1 });
  for (const other of [{ backend: 'js' }, { threads: 2 }]) {
    const model = await factorize(split.train, { ...options, ...other });
    assert.ok(sameBits(model.W.data, one.W.data) && sameBits(model.H.data, one.H.data) && sameBits(model.colBias, one.colBias), JSON.stringify(other));
    assert.equal(Array.from(model.lossHistory), Array.from(one.lossHistory));
  }
  assert.ok(one.loss < one.initialLoss, `${one.initialLoss} → ${one.loss}`);
  assert.is(one.solver, 'bpr');
  assert.ok(one.rowBias.every((b) => b === 0), 'a row bias cancels in every comparison: it stays 0');
  const single = await factorize(split.train, { ...options, precision: 'float32' });
  assert.ok(single.W.data.every((v) => Math.fround(v) === v));
  assert.ok(Math.abs(single.loss - one.loss) < 1e-3 * one.loss, `${single.loss} vs ${one.loss}`);
});

test('bpr ranks held-out events above the popularity baseline, and validates by precision@10', async () => {
  const reports = [];
  const model = await factorize(split.train, {
    solver: 'bpr', rank: 6, epochs: 60, validation: split.test, restoreBest: false, onEpoch: (r) => void reports.push(r),
  });
  const ours = rankingMetrics(model, split.test, { k: 10 });
  const popular = rankingMetrics(mostPopular(split.train), split.test, { k: 10 });
  assert.ok(ours.precision > 1.5 * popular.precision, `bpr ${ours.precision} vs most popular ${popular.precision}`);
  assert.is(reports.length, 60);
  assert.is(reports[0].validationRmse, undefined);
  assert.ok(Math.abs(reports[59].validationPrecision - model.validationHistory[59]) === 0 && reports[59].validationPrecision > reports[0].validationPrecision);
});

test('bpr options: its own and the shared ones it takes; others refused naming who takes them', async () => {
  const X = split.train;
  await factorize(X, { solver: 'bpr', rank: 2, epochs: 1, learningRate: 0.01, biases: false, regularization: 0.1 });
  const refused = [
    [{ alpha: 2 }, TypeError, /options\.alpha: only for solver 'ials', got solver 'bpr'/],
    [{ clip: true }, TypeError, /options\.clip: only for solver 'gd', 'sgd', 'als' or 'baseline', got solver 'bpr'/],
    [{ learningRate: 0 }, RangeError, /options\.learningRate: expected a finite number > 0, got 0/],
    [{ nonnegative: true }, TypeError, /options\.nonnegative: only for solver 'gd', 'sgd' or 'als'/],
  ];
  for (const [options, Type, message] of refused) {
    try {
      await factorize(X, { solver: 'bpr', rank: 2, ...options });
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.instance(error, Type);
      assert.match(error.message, message);
    }
  }
  const negative = { ...X, values: X.values.map((v, t) => (t === 0 ? -1 : v)) };
  const error = await factorize(negative, { solver: 'bpr', rank: 2 }).then(() => undefined, (e) => e);
  assert.match(error?.message, /^X: solver 'bpr' takes event values ≥ 0/);
});

test('a bpr model saves and loads, folds in a row, refuses to fold in a column, updates, and trains in a worker', async () => {
  const model = await factorize(split.train, { solver: 'bpr', rank: 4, epochs: 10 });
  const loaded = Factorization.fromBytes(model.toBytes());
  assert.equal(loaded.recommend(3, 5), model.recommend(3, 5));
  assert.is(loaded.solver, 'bpr');
  // A user's own events, folded in: its folded factors rank those events above the columns it has none for.
  const own = { colIndices: [], values: [] };
  split.train.rowIndices.forEach((i, t) => {
    if (i === 3) {
      own.colIndices.push(split.train.colIndices[t]);
      own.values.push(1);
    }
  });
  const folded = model.foldIn(own);
  const scores = model.scoreAll(folded, { excludeObserved: false, shrinkage: 0, minCount: 0 });
  const ownMean = own.colIndices.reduce((sum, j) => sum + scores[j], 0) / own.colIndices.length;
  const allMean = scores.reduce((sum, s) => sum + s, 0) / scores.length;
  assert.ok(ownMean > allMean + 0.5, `folded: own events ${ownMean} vs all ${allMean}`);
  assert.ok(model.recommend(folded, 5).every(({ col }) => !own.colIndices.includes(col)));
  assert.throws(() => model.foldInColumn({ rowIndices: [0, 1], values: [1, 1] }), /foldInColumn: a bpr model folds in rows only/);
  const updated = await model.update({ rowIndices: [120], colIndices: [5], values: [1] });
  assert.is(updated.W.rows, 121);
  assert.is(updated.epochs, 1);
  const inWorker = await factorizeInWorker(split.train, { solver: 'bpr', rank: 4, epochs: 10 });
  assert.ok(sameBits(inWorker.W.data, model.W.data) && sameBits(inWorker.H.data, model.H.data));
});

test('mfwasm fit --solver bpr reads events and reports ranking metrics', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mfwasm-bpr-'));
  const lines = ['user,item', ...events.rowIndices.map((i, t) => `u${i},m${events.colIndices[t]}`)];
  writeFileSync(join(folder, 'events.csv'), lines.join('\n') + '\n');
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const out = execFileSync(process.execPath, [cli, 'fit', 'events.csv', '--solver', 'bpr', '--rank', '4', '--epochs', '5', '--out', 'bpr.mfm'], { cwd: folder, encoding: 'utf8' });
  assert.match(out, /^\d+ pairs, 120 rows × \d+ columns; 5 epochs of bpr/);
  assert.match(out, /test precision@10 [\d.]+, nDCG@10 [\d.]+, AUC [\d.]+ on \d+ held-out events/);
  assert.is(Factorization.fromBytes(readFileSync(join(folder, 'bpr.mfm'))).solver, 'bpr');
});

test.run();
