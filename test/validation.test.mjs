// Bad input: a clear error naming the argument, what was expected and what was given, thrown
// before any work, on each backend; inputs never mutated.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DivergenceError, factorize, parseRatings, rmse, trainTestSplit } from 'mfwasm';
import { BACKENDS } from './helpers.mjs';

const X = [
  [1, 2, NaN],
  [2, NaN, 6],
  [3, 6, 9],
];
const coo = (extra = {}) => ({ rows: 3, cols: 3, rowIndices: [0, 1, 2], colIndices: [0, 1, 2], values: [1, 2, 3], ...extra });
// Typed lists, which are checked together in one pass (and list by list when it finds a fault, for the message).
const typedCoo = (extra = {}) => ({ rows: 3, cols: 3, rowIndices: Int32Array.of(0, 1, 2), colIndices: Int32Array.of(0, 1, 2), values: Float32Array.of(1, 2, 3), ...extra });

// [description, X, options, error class, message pattern]
const cases = [
  ['rank missing', X, {}, TypeError, /options\.rank: required/],
  ['rank 0', X, { rank: 0 }, RangeError, /options\.rank: expected an integer ≥ 1, got 0/],
  ['rank negative', X, { rank: -2 }, RangeError, /options\.rank: .*got -2/],
  ['rank fractional', X, { rank: 1.5 }, RangeError, /options\.rank: .*got 1\.5/],
  ['rank a string', X, { rank: '2' }, RangeError, /options\.rank: .*got the string "2"/],
  ['options not an object', X, 2, TypeError, /options: expected an object/],
  ['unknown option (typo)', X, { rank: 1, learningrate: 0.1 }, TypeError, /unknown option 'learningrate' \(did you mean 'learningRate'\?\)/],
  ['renamed option', X, { rank: 1, kernel: 'dense' }, TypeError, /unknown option 'kernel' \(did you mean 'layout'\?\)/],
  ['unknown option', X, { rank: 1, frobnicate: true }, TypeError, /unknown option 'frobnicate'; expected one of rank, solver, epochs/],
  ['unknown init key', X, { rank: 1, init: { w: [[1], [1], [1]] } }, TypeError, /options\.init: unknown option 'w' \(did you mean 'W'\?\)/],
  ['unknown backend', X, { rank: 1, backend: 'gpu' }, RangeError, /options\.backend: expected one of 'wasm', 'js', got the string "gpu"/],
  ['unknown layout', X, { rank: 1, layout: 'csr' }, RangeError, /options\.layout: expected one of 'auto', 'dense', 'sparse'/],
  ['learningRate 0', X, { rank: 1, learningRate: 0 }, RangeError, /options\.learningRate: expected a finite number > 0, got 0/],
  ['learningRate negative', X, { rank: 1, learningRate: -0.1 }, RangeError, /options\.learningRate: .*got -0\.1/],
  ['learningRate Infinity', X, { rank: 1, learningRate: Infinity }, RangeError, /options\.learningRate: .*got Infinity/],
  ['learningRate NaN', X, { rank: 1, learningRate: NaN }, RangeError, /options\.learningRate: .*got NaN/],
  ['epochs negative', X, { rank: 1, epochs: -1 }, RangeError, /options\.epochs: expected an integer ≥ 0, got -1/],
  ['epochs fractional', X, { rank: 1, epochs: 2.5 }, RangeError, /options\.epochs: .*got 2\.5/],
  ['seed fractional', X, { rank: 1, seed: 0.5 }, RangeError, /options\.seed: expected a safe integer, got 0\.5/],
  ['X empty', [], { rank: 1 }, RangeError, /X: expected a non-empty matrix, got an empty array/],
  ['X empty rows', [[], []], { rank: 1 }, RangeError, /X: expected non-empty rows/],
  ['X ragged', [[1, 2], [3]], { rank: 1 }, RangeError, /X: expected every row to have 2 entries like X\[0\], but X\[1\] has 1/],
  ['X not a matrix', 'hello', { rank: 1 }, TypeError, /^X: expected number\[\]\[\], \{ rows, cols, data \} or \{ rows, cols, rowIndices, colIndices, values \}, got the string "hello"$/],
  ['X a flat typed array', new Float64Array(4), { rank: 1 }, TypeError, /^X: expected number\[\]\[\] or \{ rows, cols, data \} \(a flat array needs its shape\), or sparse .*got a Float64Array$/],
  ['X a Map (its values() is not a list of values)', new Map([[0, 1]]), { rank: 1 }, TypeError, /^X: expected number\[\]\[\], .* got a Map$/],
  ['X with a shape and nothing else', { rows: 2, cols: 2 }, { rank: 1 }, TypeError, /^X: expected number\[\]\[\], .* got an object with keys \[rows, cols\]$/],
  ['X a flat array', [1, 2, 3], { rank: 1 }, TypeError, /X: expected an array of rows \(number\[\]\[\]\), but X\[0\] is 1/],
  ['X non-numeric entry', [[1, '2'], [3, 4]], { rank: 1 }, TypeError, /X\[0\]\[1\]: expected a number, got the string "2"/],
  ['X null entry', [[1, 2], [null, 4]], { rank: 1 }, TypeError, /X\[1\]\[0\]: expected a number, got null/],
  ['X data wrong length', { rows: 2, cols: 2, data: [1, 2, 3] }, { rank: 1 }, RangeError, /X\.data: expected rows×cols = 2×2 = 4 entries, got 3/],
  ['X data non-numeric', { rows: 1, cols: 2, data: [1, 'x'] }, { rank: 1 }, TypeError, /X\.data\[1\] \(row 0, column 1\): expected a number/],
  ['X rows not an integer', { rows: 1.5, cols: 2, data: [1, 2] }, { rank: 1 }, RangeError, /X\.rows: expected an integer from 1/],
  ['X observed Infinity', [[1, Infinity], [3, 4]], { rank: 1 }, RangeError, /X\[0\]\[1\]: expected a finite number for an observed entry, got Infinity \(use NaN for a missing entry\)/],
  ['X observed -Infinity in data', { rows: 1, cols: 2, data: new Float64Array([1, -Infinity]) }, { rank: 1 }, RangeError, /X\.data\[1\] \(row 0, column 1\): expected a finite number .*got -Infinity/],
  ['nothing observed', [[NaN, NaN], [NaN, NaN]], { rank: 1 }, RangeError, /X: expected at least one observed entry, got none \(2×2, every entry NaN\)/],
  ['sparse X with no entries', { rows: 2, cols: 3, rowIndices: [], colIndices: [], values: [] }, { rank: 1 }, RangeError, /X: expected at least one observed entry, got none \(2×3, empty lists\)/],
  ['mask all zero', [[1, 2], [3, 4]], { rank: 1, mask: [[0, 0], [0, false]] }, RangeError, /every entry masked out/],
  ['mask wrong rows', [[1, 2], [3, 4]], { rank: 1, mask: [[1, 1]] }, RangeError, /mask: expected 2 rows like X, got 1/],
  ['mask wrong cols', [[1, 2], [3, 4]], { rank: 1, mask: [[1, 1], [1]] }, RangeError, /mask: expected 2 columns like X, but mask\[1\] has 1/],
  ['mask object wrong shape', [[1, 2], [3, 4]], { rank: 1, mask: { rows: 1, cols: 4, data: new Uint8Array(4) } }, RangeError, /mask: expected the shape of X, 2×2, got 1×4/],
  ['mask bad value', [[1, 2], [3, 4]], { rank: 1, mask: [[1, 0.5], [1, 1]] }, TypeError, /mask\[0\]\[1\]: expected 0, 1, true or false, got 0\.5/],
  ['mask marks NaN observed', [[1, NaN], [3, 4]], { rank: 1, mask: [[1, 1], [1, 1]] }, RangeError, /X\[0\]\[1\]: is NaN but the mask marks it observed/],
  ['mask with sparse X', coo(), { rank: 1, mask: [[1]] }, TypeError, /mask: expected no mask with sparse X/],
  ['init W wrong shape', X, { rank: 2, init: { W: [[1, 2], [3, 4]] } }, RangeError, /options\.init\.W: expected X\.rows×rank = 3×2, got 2×2/],
  ['init H wrong shape', X, { rank: 2, init: { H: [[1, 2, 3]] } }, RangeError, /options\.init\.H: expected rank×X\.cols = 2×3, got 1×3/],
  ['init W non-finite', X, { rank: 1, init: { W: [[1], [NaN], [1]] } }, RangeError, /options\.init\.W: expected finite entries, got NaN at row 1, column 0/],
  ['init not an object', X, { rank: 1, init: [1] }, TypeError, /options\.init: expected \{ W\?, H\? \}/],
  ['COO index out of range', coo({ colIndices: [0, 1, 3] }), { rank: 1 }, RangeError, /X\.colIndices\[2\]: expected an integer from 0 to X\.cols − 1 = 2, got 3/],
  ['COO negative index', coo({ rowIndices: [0, -1, 2] }), { rank: 1 }, RangeError, /X\.rowIndices\[1\]: .*got -1/],
  ['COO fractional index', coo({ rowIndices: [0, 1.5, 2] }), { rank: 1 }, RangeError, /X\.rowIndices\[1\]: .*got 1\.5/],
  ['COO lengths differ', coo({ colIndices: [0, 1] }), { rank: 1 }, RangeError, /X\.colIndices: expected 3 entries, one per value, got 2/],
  ['COO duplicate', coo({ rowIndices: [0, 2, 0], colIndices: [1, 2, 1] }), { rank: 1 }, RangeError, /X: expected each \(row, column\) at most once, got \(0, 1\) twice, at entries 0 and 2/],
  ['COO duplicate in a row listed out of column order', coo({ rowIndices: [1, 0, 1, 1], colIndices: [2, 0, 0, 2], values: [1, 2, 3, 4] }), { rank: 1 }, RangeError, /X: expected each \(row, column\) at most once, got \(1, 2\) twice, at entries 0 and 3/],
  ['COO non-finite value', coo({ values: [1, NaN, 3] }), { rank: 1 }, RangeError, /X\.values\[1\]: expected a finite number, got NaN/],
  ['COO non-numeric value', coo({ values: [1, '2', 3] }), { rank: 1 }, RangeError, /X\.values\[1\]: expected a finite number, got the string "2"/],
  ['COO empty', coo({ rowIndices: [], colIndices: [], values: [] }), { rank: 1 }, RangeError, /X: expected at least one observed entry/],
  ['typed COO index out of range', typedCoo({ colIndices: Int32Array.of(0, 1, 3) }), { rank: 1 }, RangeError, /X\.colIndices\[2\]: expected an integer from 0 to X\.cols − 1 = 2, got 3/],
  ['typed COO negative index', typedCoo({ rowIndices: Int32Array.of(0, -1, 2) }), { rank: 1 }, RangeError, /X\.rowIndices\[1\]: .*got -1/],
  ['typed COO NaN value', typedCoo({ values: Float32Array.of(1, NaN, 3) }), { rank: 1 }, RangeError, /X\.values\[1\]: expected a finite number, got NaN/],
  ['typed COO infinite value', typedCoo({ values: Float64Array.of(1, 2, -Infinity) }), { rank: 1 }, RangeError, /X\.values\[2\]: expected a finite number, got -Infinity/],
  ['typed COO lengths differ', typedCoo({ rowIndices: Int32Array.of(0, 1) }), { rank: 1 }, RangeError, /X\.rowIndices: expected 3 entries, one per value, got 2/],
  ['typed COO values checked before indices', typedCoo({ rowIndices: Int32Array.of(3, 1, 2), values: Float32Array.of(1, 2, NaN) }), { rank: 1 }, RangeError, /X\.values\[2\]: expected a finite number, got NaN/],
  ['unknown solver', X, { rank: 1, solver: 'adam' }, RangeError, /options\.solver: expected one of 'gd', 'sgd', 'als', 'ials'.*, got the string "adam"/],
  ['learningRate with als', X, { rank: 1, solver: 'als', learningRate: 0.1 }, TypeError, /options\.learningRate: only for solver 'gd'(,| or) 'sgd'.*, got solver 'als'/],
  ['adaptive with gd', X, { rank: 1, adaptive: true }, TypeError, /options\.adaptive: only for solver 'sgd', got solver 'gd'/],
  ['adaptive not a boolean', X, { rank: 1, solver: 'sgd', adaptive: 1 }, TypeError, /options\.adaptive: expected true or false, got 1/],
  ['regularization negative', X, { rank: 1, regularization: -1 }, RangeError, /options\.regularization: expected a finite number ≥ 0, got -1/],
  ['regularization.W negative', X, { rank: 1, regularization: { W: -0.5 } }, RangeError, /options\.regularization\.W: expected a finite number ≥ 0, got -0\.5/],
  ['regularization unknown key', X, { rank: 1, regularization: { w: 1 } }, TypeError, /options\.regularization: unknown option 'w' \(did you mean 'W'\?\)/],
  ['regularization a string', X, { rank: 1, regularization: 'high' }, TypeError, /options\.regularization: expected a number or \{ W, H \}, got the string "high"/],
  ['als without regularization', X, { rank: 1, solver: 'als', regularization: 0 }, RangeError, /options\.regularization: solver 'als' needs a value > 0 for W and H.*got 0/],
  ['biasRegularization NaN', X, { rank: 1, biasRegularization: NaN }, RangeError, /options\.biasRegularization: expected a finite number ≥ 0, got NaN/],
  ['l1 Infinity', X, { rank: 1, l1: Infinity }, RangeError, /options\.l1: expected a finite number ≥ 0, got Infinity/],
  ['biases not a boolean', X, { rank: 1, biases: 'yes' }, TypeError, /options\.biases: expected true or false, got the string "yes"/],
  ['nonnegative not a boolean', X, { rank: 1, nonnegative: 1 }, TypeError, /options\.nonnegative: expected true or false, got 1/],
  ['clip not a boolean', X, { rank: 1, clip: null }, TypeError, /options\.clip: expected true or false, got null/],
  ['tolerance negative', X, { rank: 1, tolerance: -1e-6 }, RangeError, /options\.tolerance: expected a finite number ≥ 0/],
  ['patience without validation', X, { rank: 1, patience: 3 }, TypeError, /options\.patience: needs options\.validation/],
  ['restoreBest without validation', X, { rank: 1, restoreBest: false }, TypeError, /options\.restoreBest: needs options\.validation/],
  ['patience 0', X, { rank: 1, patience: 0, validation: { rowIndices: [0], colIndices: [2], values: [3] } }, RangeError, /options\.patience: expected an integer ≥ 1, got 0/],
  ['validation not an object', X, { rank: 1, validation: [[0, 2, 3]] }, TypeError, /options\.validation: expected \{ rowIndices, colIndices, values \}, got an array/],
  ['validation of another shape', X, { rank: 1, validation: { rows: 4, cols: 3, rowIndices: [0], colIndices: [2], values: [3] } }, RangeError, /options\.validation\.rows: expected X's 3, got 4/],
  ['validation index out of range', X, { rank: 1, validation: { rowIndices: [0], colIndices: [3], values: [3] } }, RangeError, /options\.validation\.colIndices\[0\]: expected an integer from 0 to X\.cols − 1 = 2, got 3/],
  ['validation non-finite value', X, { rank: 1, validation: { rowIndices: [0], colIndices: [2], values: [NaN] } }, RangeError, /options\.validation\.values\[0\]: expected a finite number, got NaN/],
  ['validation unknown key', X, { rank: 1, validation: { rowIndices: [0], colIndices: [2], ratings: [3] } }, TypeError, /options\.validation: unknown key 'ratings'/],
  ['onEpoch not a function', X, { rank: 1, onEpoch: 'log' }, TypeError, /options\.onEpoch: expected a function, got the string "log"/],
  ['signal not an AbortSignal', X, { rank: 1, signal: true }, TypeError, /options\.signal: expected an AbortSignal, got boolean true/],
  ["layout 'dense' with sgd", X, { rank: 1, solver: 'sgd', layout: 'dense' }, TypeError, /options\.layout: only for solver 'gd', got solver 'sgd'/],
  ['COO missing rows', { cols: 3, rowIndices: [0], colIndices: [0], values: [1] }, { rank: 1 }, RangeError, /X\.rows: expected an integer from 1 to 67108864 \(the most rows or columns mfwasm supports\), got undefined/],
];

for (const backend of BACKENDS) {
  const test = suite(`bad input [${backend}]`);

  for (const [description, input, options, type, pattern] of cases) {
    test(`${description} → ${type.name} ${pattern}`, async () => {
      const opts = typeof options === 'object' ? { backend, ...options } : options;
      try {
        await factorize(input, opts);
      } catch (error) {
        assert.instance(error, type, `${error}`);
        assert.match(error.message, pattern);
        return;
      }
      assert.unreachable('factorize resolved');
    });
  }

  test('a learning rate that blows up stops with a DivergenceError, not NaN factors', async () => {
    try {
      await factorize(X, { rank: 2, learningRate: 5, epochs: 2000, backend });
    } catch (error) {
      assert.instance(error, DivergenceError);
      assert.match(error.message, /gd diverged\. Try a smaller learningRate, e\.g\. 0\.5/);
      assert.ok(error.epoch >= 0 && error.epoch < 2000, `epoch ${error.epoch}`);
      assert.is(error.learningRate, 5);
      return;
    }
    assert.unreachable('factorize resolved');
  });

  test('a blow-up is caught while the loss is still finite, even in a short run', async () => {
    try {
      await factorize(X, { rank: 2, learningRate: 5, epochs: 2, backend });
    } catch (error) {
      assert.instance(error, DivergenceError);
      assert.match(error.message, /the loss grew from [0-9.e+]+ to [0-9.e+]+ after epoch [01] with learningRate 5/);
      return;
    }
    assert.unreachable('factorize resolved');
  });

  test('a problem beyond what the backend can address fails up front, naming the fix', async () => {
    const huge = { rows: 70000, cols: 70000, rowIndices: [0, 69999], colIndices: [5, 7], values: [1, 2] };
    const started = Date.now();
    try {
      await factorize(huge, { rank: 2, layout: 'dense', backend });
    } catch (error) {
      assert.instance(error, RangeError);
      // Both backends support the same sizes: a run that fits the 4 GiB a 32-bit module addresses.
      assert.match(error.message, /4 GiB a 32-bit module can address; try layout: 'sparse'/);
      assert.ok(Date.now() - started < 1000, 'checked before allocating');
      return;
    }
    assert.unreachable('factorize resolved');
  });

  test('the same problem in sparse form runs', async () => {
    const huge = { rows: 70000, cols: 70000, rowIndices: [0, 69999], colIndices: [5, 7], values: [1, 2] };
    const fit = await factorize(huge, { rank: 2, epochs: 3, learningRate: 0.1, backend });
    assert.is(fit.layout, 'sparse');
    assert.is(fit.W.data.length, 140000);
  });

  test('inputs are never mutated', async () => {
    const dense = [[1, 2, NaN], [2, 9, 6], [3, 6, 9]];
    const mask = [[1, 1, 0], [1, 0, 1], [1, 1, 1]];
    const W = [[0.1], [0.2], [0.3]];
    const H = { rows: 1, cols: 3, data: new Float64Array([1, 2, 3]) };
    const sparse = { rows: 3, cols: 3, rowIndices: new Int32Array([2, 0, 1]), colIndices: [1, 0, 2], values: new Float64Array([6, 1, 6]) };
    const snapshot = JSON.stringify([dense, mask, W, [...H.data], [...sparse.rowIndices], sparse.colIndices, [...sparse.values]]);
    await factorize(dense, { rank: 1, mask, init: { W, H }, epochs: 50, learningRate: 0.01, backend });
    await factorize(sparse, { rank: 1, init: { W, H }, epochs: 50, learningRate: 0.01, backend });
    await factorize(dense, { rank: 1, epochs: 50, learningRate: 0.01, layout: 'sparse', backend });
    assert.is(JSON.stringify([dense, mask, W, [...H.data], [...sparse.rowIndices], sparse.colIndices, [...sparse.values]]), snapshot);
  });

  test.run();
}

// trainTestSplit's test set, as it is, is a validation set: its indices refer to its own rowIds/colIds.
const held = suite('validation with ids');
held('options.validation takes trainTestSplit\'s test set as it is, and ids of its own are looked up in X\'s', async () => {
  const lines = ['user,item,rating'];
  for (let u = 0; u < 30; u++) for (let m = 0; m < 20; m++) if ((u * 7 + m * 3) % 4 === 0) lines.push(`u${u},m${m},${1 + ((u + m) % 5)}`);
  const ratings = parseRatings(lines.join('\n'));
  const { train, test } = trainTestSplit(ratings, { testFraction: 0.2, seed: 3, keepEveryRow: true });
  const options = { rank: 2, solver: 'als', epochs: 4, biases: true, restoreBest: false };
  const model = await factorize(train, { ...options, validation: test });
  assert.ok(Math.abs(model.validationHistory[3] - rmse(model, test)) < 1e-12, `${model.validationHistory[3]} vs ${rmse(model, test)}`);
  // The same observations named by ids in another order: the same scores.
  const order = [...test.rowIds.keys()].reverse();
  const shuffledIds = order.map((i) => test.rowIds[i]);
  const renamed = { ...test, rowIds: shuffledIds, rowIndices: Array.from(test.rowIndices, (i) => order.indexOf(i)) };
  const again = await factorize(train, { ...options, validation: renamed });
  assert.equal(Array.from(again.validationHistory), Array.from(model.validationHistory));
  const unknown = { ...test, rowIds: test.rowIds.map((id, i) => (i === test.rowIndices[0] ? 'nobody' : id)) };
  const error = await factorize(train, { ...options, validation: unknown }).then(() => undefined, (e) => e);
  assert.match(error?.message, /^options\.validation\.rowIndices\[0\]: id "nobody" is not among X's row ids/);
  const plain = { rows: train.rows, cols: train.cols, rowIndices: train.rowIndices, colIndices: train.colIndices, values: train.values };
  const noIds = await factorize(plain, { ...options, validation: test }).then(() => undefined, (e) => e);
  assert.match(noIds?.message, /^options\.validation\.rowIds: X has no row ids to match them to/);
});
held.run();

const gathering = suite('picking entries by position (src/math/gather.ts)');
gathering('picked and positionsWhere give what Array methods give, for every array type and none kept', async () => {
  const { picked, positionsWhere } = await import('../dist/math/gather.js');
  const values = Float64Array.from({ length: 50 }, (_, t) => Math.sin(t) * 1e3);
  for (const keep of [(t) => t % 3 === 1, () => false, () => true, (t) => t === 49]) {
    const at = positionsWhere(values.length, keep);
    const expected = [...values.keys()].filter(keep);
    assert.ok(at instanceof Int32Array);
    assert.equal([...at], expected);
    for (const Type of [Int32Array, Float32Array, Float64Array]) {
      const out = picked(Type, values, at);
      assert.ok(out instanceof Type);
      assert.equal([...out], [...Type.from(expected, (t) => values[t])]);
    }
  }
  // Positions in any order, repeated.
  assert.equal([...picked(Float64Array, [10, 20, 30], Int32Array.of(2, 0, 2))], [30, 10, 30]);
});
gathering.run();

const scoring = suite('the scoring and splitting functions check their data at the entry');
scoring('a missing, short or non-numeric list is named with the function and the argument, never a crash or NaN', async () => {
  const { mae, score, crossValidate, search } = await import('mfwasm');
  const model = await factorize([[1, 2], [3, 4]], { rank: 1, epochs: 1 });
  const cases = [
    [() => rmse(model, null), TypeError, /^rmse: data: expected \{ rowIndices, colIndices, values \}, got null$/],
    [() => mae(model, { rowIndices: '01', colIndices: [0], values: [1] }), TypeError, /^mae: data\.rowIndices: expected an array or a typed array, got the string "01"$/],
    [() => rmse(model, { rowIndices: [0, 1], colIndices: [0], values: [1, 2] }), RangeError, /^rmse: data: expected rowIndices, colIndices and values of one length, got 2, 1 and 2$/],
    [() => rmse(model, { rowIndices: [0, 1], colIndices: [0, 1], values: [1, NaN] }), RangeError, /^rmse: data\.values\[1\]: expected a finite number, got NaN$/],
    [() => rmse(model, { rowIndices: [], colIndices: [], values: [] }), RangeError, /^rmse: data: expected at least one observation to score, got none$/],
    [() => score(model, null, ['rmse']), TypeError, /^score: test: expected/],
    [() => trainTestSplit(null), TypeError, /^trainTestSplit: data: expected/],
    [() => trainTestSplit({ rowIndices: [0], colIndices: [0], values: [1] }, { keepEveryRow: true }), RangeError, /^trainTestSplit: data\.rows: expected an integer ≥ 1, got undefined$/],
    [() => crossValidate({ rows: 1 }, { rank: 1 }), TypeError, /^crossValidate: data\.rowIndices: expected an array or a typed array, got undefined$/],
    [() => crossValidate({ rows: 1, cols: 2, rowIndices: [0, 0], colIndices: [0, 1], values: [1, 2] }, { rank: 1 }, { folds: 3 }), RangeError, /^crossValidate: folds: expected an integer from 2 to the number of observations \(2\), got 3$/],
    [() => search(null, { base: { rank: 1 }, grid: { rank: [1] } }), TypeError, /^search: data: expected/],
  ];
  for (const [call, type, pattern] of cases) {
    const error = await Promise.resolve().then(call).then(() => undefined, (e) => e);
    assert.ok(error instanceof type, `${pattern}: ${error}`);
    assert.match(error.message, pattern);
  }
  // Typed arrays pass as they are.
  assert.ok(rmse(model, { rowIndices: Int32Array.of(0), colIndices: Int32Array.of(1), values: Float32Array.of(2) }) >= 0);
});
scoring('every function that takes options names the one it does not know, with the closest it does', async () => {
  const api = await import('mfwasm');
  const { factorizeInWorker } = await import('mfwasm/worker');
  const data = { rows: 4, cols: 3, rowIndices: [0, 1, 2, 3, 0, 2, 1, 3], colIndices: [0, 1, 2, 0, 2, 1, 0, 1], values: [1, 2, 3, 4, 5, 2, 3, 1] };
  const model = await factorize(data, { rank: 1, solver: 'als', epochs: 2 });
  const cases = [
    [() => api.trainTestSplit(data, { testFracton: 0.3 }), /^trainTestSplit: options: unknown option 'testFracton' \(did you mean 'testFraction'\?\); expected one of testFraction, seed, keepEveryRow$/],
    [() => api.crossValidate(data, { rank: 1, solver: 'als', epochs: 1 }, { fold: 2 }), /^crossValidate: unknown option 'fold' \(did you mean 'folds'\?\)/],
    [() => api.search(data, { base: { rank: 1, solver: 'als', epochs: 1 }, grid: { rank: [1] }, fold: 2 }), /^search: options: unknown option 'fold' \(did you mean 'folds'\?\)/],
    [() => api.score(model, data, ['rmse'], { relevnt: 3 }), /^score: options: unknown option 'relevnt' \(did you mean 'relevant'\?\)/],
    [() => model.foldIn({ colIndices: [0], values: [1] }, { regularisation: 1 }), /^foldIn: options: unknown option 'regularisation' \(did you mean 'regularization'\?\)/],
    [() => model.foldInColumn({ rowIndices: [0], values: [1] }, { regularisation: 1 }), /^foldInColumn: options: unknown option 'regularisation'/],
    [() => model.foldInMany({ rowIndices: [0], colIndices: [0], values: [1] }, { sid: 'col' }), /^foldInMany: options: unknown option 'sid' \(did you mean 'side'\?\)/],
    [() => model.toBytes({ precison: 'float32' }), /^toBytes: options: unknown option 'precison' \(did you mean 'precision'\?\)/],
    [() => model.predict(0, 0, { coldstart: 'mean' }), /^predict: options: unknown option 'coldstart' \(did you mean 'coldStart'\?\)/],
    [() => model.predictMany([0], [0], { coldstart: 'mean' }), /^predictMany: options: unknown option 'coldstart'/],
    [() => api.parseRatings('1,2,3\n', { delimeter: ',' }), /^parseRatings: options: unknown option 'delimeter' \(did you mean 'delimiter'\?\)/],
    [() => api.ratingsFromRecords([{ u: 1, i: 2, r: 3 }], { row: 'u', col: 'i', value: 'r', rating: 'r' }), /^ratingsFromRecords: fields: unknown option 'rating'; expected one of row, col, value$/],
    [() => api.Factorization.fromImplicit(new Uint8Array(4), { rowId: [] }), /^fromImplicit: options: unknown option 'rowId' \(did you mean 'rowIds'\?\)/],
    [() => factorizeInWorker(data, { rank: 1, epochs: 1, transfr: true }), /^options: unknown option 'transfr' \(did you mean 'transfer'\?\)/],
    [() => model.prepareServing({ precison: 'float32' }), /^prepareServing: options: unknown option 'precison' \(did you mean 'precision'\?\)/],
    [() => api.alsHalfStep({ rowStart: Int32Array.of(0, 1), colIndex: Int32Array.of(0), values: Float64Array.of(1) }, new Float64Array(3), { rank: 3, regularization: 0.1, thread: 1 }), /^alsHalfStep: options: unknown option 'thread' \(did you mean 'threads'\?\)/],
  ];
  for (const [call, pattern] of cases) {
    const error = await Promise.resolve().then(call).then(() => undefined, (e) => e);
    assert.ok(error instanceof TypeError, `${pattern}: ${error}`);
    assert.match(error.message, pattern);
  }
});
scoring.run();
