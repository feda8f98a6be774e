// The two backends run the same arithmetic in the same order: results agree bit for bit.
// The dense and sparse kernels agree to rounding, and input order does not matter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { handOver, packing } from '../dist/input/observations.js';
import { idleLimit, memoryBytes } from '../dist/runtime/wasm.js';
import { setCollector } from '../dist/runtime/collect.js';
import { lowRankWithMissing, maxRelativeError, testRandom } from './helpers.mjs';

// rows, cols, rank, fraction observed: odd and even sizes and ranks exercise the SIMD tails.
const shapes = [
  [1, 1, 1, 1],
  [7, 5, 3, 0.7],
  [12, 9, 4, 0.5],
  [25, 31, 6, 0.25],
  [40, 16, 9, 0.9],
  [3, 50, 2, 0.1],
  [19, 37, 11, 0.6],
];

for (const [rows, cols, rank, observed] of shapes) {
  const X = lowRankWithMissing(rows, cols, Math.max(1, rank - 1), observed, rows * 1000 + cols);
  X[0][0] = 1; // at least one observed entry
  for (const layout of ['dense', 'sparse']) {
    test(`${rows}×${cols} rank ${rank}, ${observed * 100}% observed, ${layout}: wasm and js agree bit for bit`, async () => {
      const options = { rank, epochs: 200, learningRate: 0.01, seed: 7, layout };
      const wasm = await factorize(X, { ...options, backend: 'wasm' });
      const js = await factorize(X, { ...options, backend: 'js' });
      assert.equal([...wasm.lossHistory], [...js.lossHistory]);
      assert.equal([...wasm.W.data], [...js.W.data]);
      assert.equal([...wasm.H.data], [...js.H.data]);
      assert.is(wasm.initialLoss, js.initialLoss);
      assert.ok(Number.isFinite(wasm.loss) && wasm.loss < wasm.initialLoss, `${wasm.initialLoss} → ${wasm.loss}`);
    });
  }

  test(`${rows}×${cols} rank ${rank}: ials (exact and CG) agrees bit for bit on wasm and js`, async () => {
    // The observed entries as events, their absolute values as counts.
    const events = { rows, cols, rowIndices: [], colIndices: [], values: [] };
    X.forEach((row, i) => row.forEach((x, j) => Number.isNaN(x) || (events.rowIndices.push(i), events.colIndices.push(j), events.values.push(Math.abs(x)))));
    for (const cgSteps of [0, 3]) {
      const options = { solver: 'ials', rank, epochs: 8, cgSteps, seed: 5 };
      const wasm = await factorize(events, { ...options, backend: 'wasm' });
      const js = await factorize(events, { ...options, backend: 'js' });
      assert.equal([...wasm.lossHistory], [...js.lossHistory]);
      assert.equal([...wasm.W.data], [...js.W.data]);
      assert.equal([...wasm.H.data], [...js.H.data]);
    }
  });

  test(`${rows}×${cols} rank ${rank}: dense and sparse kernels agree to rounding`, async () => {
    const options = { rank, epochs: 200, learningRate: 0.01, seed: 3, backend: 'wasm' };
    const dense = await factorize(X, { ...options, layout: 'dense' });
    const sparse = await factorize(X, { ...options, layout: 'sparse' });
    assert.ok(maxRelativeError(sparse.lossHistory, dense.lossHistory) < 1e-12);
    assert.ok(maxRelativeError(sparse.W.data, dense.W.data) < 1e-9);
  });
}

test('observations listed in any order give the same result', async () => {
  const random = testRandom(99);
  const rowIndices = [];
  const colIndices = [];
  const values = [];
  for (let i = 0; i < 20; i++) {
    for (let j = 0; j < 15; j++) {
      if (random() < 0.4) {
        rowIndices.push(i);
        colIndices.push(j);
        values.push(Math.sin(i) * Math.cos(j) + 0.1 * random());
      }
    }
  }
  const order = rowIndices.map((_, p) => p).sort(() => random() - 0.5);
  const shuffled = {
    rows: 20, cols: 15,
    rowIndices: Int32Array.from(order, (p) => rowIndices[p]),
    colIndices: order.map((p) => colIndices[p]),
    values: Float64Array.from(order, (p) => values[p]),
  };
  const options = { rank: 2, epochs: 100, learningRate: 0.02 };
  const sorted = await factorize({ rows: 20, cols: 15, rowIndices, colIndices, values }, options);
  const fromShuffled = await factorize(shuffled, options);
  assert.equal([...fromShuffled.lossHistory], [...sorted.lossHistory]);
});

test('a caller\'s arrays in any order are put in CSR order: rows held in the column indices or in a scratch array alike', async () => {
  // 700 rows: more than 256, so that rows are moved in bins of rows (3 rows a bin) first; 40 columns (put in order
  // by a counting sort in each bin) and 3000 (rows then sorted one by one).
  const random = testRandom(5);
  const limit = packing.bits;
  try {
    for (const [cols, fraction] of [[40, 0.2], [3000, 0.004]]) {
      const entries = [];
      for (let i = 0; i < 700; i++) for (let j = 0; j < cols; j++) if (random() < fraction) entries.push([i, j, 1 + Math.floor(random() * 9) / 2 + 0.01 * random()]);
      const inOrder = { rows: 700, cols, rowIndices: entries.map((e) => e[0]), colIndices: entries.map((e) => e[1]), values: entries.map((e) => e[2]) };
      const options = { solver: 'als', rank: 3, epochs: 2 };
      const expected = await factorize(inOrder, options);
      entries.sort(() => random() - 0.5);
      const shuffled = { rows: 700, cols, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]), values: Float64Array.from(entries, (e) => e[2]) };
      for (const bits of [31, 0]) {
        packing.bits = bits;
        const fitted = await factorize(shuffled, options);
        assert.equal([...fitted.info.observed.colIndex], [...expected.info.observed.colIndex], `${cols} columns, ${bits} bits`);
        assert.equal([...fitted.info.observed.values], [...expected.info.observed.values]);
        assert.equal([...fitted.lossHistory], [...expected.lossHistory]);
        assert.equal([...fitted.info.parameters.W], [...expected.info.parameters.W]);
      }
      // A pair given twice is named by its places in the caller's arrays, on either path.
      const twice = { ...shuffled, rowIndices: Int32Array.of(...shuffled.rowIndices, shuffled.rowIndices[4]), colIndices: Int32Array.of(...shuffled.colIndices, shuffled.colIndices[4]), values: Float64Array.of(...shuffled.values, 1) };
      for (const bits of [31, 0]) {
        packing.bits = bits;
        const error = await factorize(twice, options).then(() => undefined, (e) => e);
        assert.match(error?.message, new RegExp(`X: expected each \\(row, column\\) at most once, got \\(${entries[4][0]}, ${entries[4][1]}\\) twice`));
      }
    }
  } finally {
    packing.bits = limit;
  }
});

test('arrays handed over (the command line\'s) are put in row order in place and kept: the same fit, bit for bit', async () => {
  // 700 rows: more than 256, so that rows are first moved by bins of rows, then within them; 40 columns (put in
  // order by a counting sort in each bin) and 3000 (too many for it: rows sorted one by one).
  const random = testRandom(7);
  for (const [cols, fraction] of [[40, 0.2], [3000, 0.004]]) {
    const entries = [];
    for (let i = 0; i < 700; i++) for (let j = 0; j < cols; j++) if (random() < fraction) entries.push([i, j, 1 + Math.floor(random() * 9) / 2]);
    entries.sort(() => random() - 0.5);
    for (const Values of [Float32Array, Float64Array]) {
      const make = () => ({
        rows: 700, cols, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]),
        values: Values.from(entries, (e) => (Values === Float64Array ? e[2] + 0.01 : e[2])),
      });
      const options = { solver: 'als', rank: 3, epochs: 3 };
      const copied = await factorize(make(), options);
      const given = make();
      const { colIndices } = given;
      handOver(given);
      const adopted = await factorize(given, options);
      assert.equal([...adopted.lossHistory], [...copied.lossHistory], Values.name);
      assert.equal([...adopted.info.parameters.W], [...copied.info.parameters.W], Values.name);
      assert.equal([...adopted.info.observed.colIndex], [...copied.info.observed.colIndex]);
      assert.equal([...adopted.info.observed.values], [...copied.info.observed.values]);
      assert.ok(adopted.info.observed.colIndex === colIndices, 'kept, not copied');
      // And taken from X: nothing up the stack keeps them through training.
      assert.equal([given.rowIndices.length, given.colIndices.length, given.values.length], [0, 0, 0]);
      assert.ok(copied.info.observed.values.constructor === Values);
    }
  }
  const twice = { rows: 2, cols: 3, rowIndices: Int32Array.of(1, 0, 1, 1), colIndices: Int32Array.of(2, 0, 0, 2), values: Float32Array.of(1, 2, 3, 4), rowIds: ['ann', 'bob'], colIds: ['x', 'y', 'z'] };
  handOver(twice);
  const error = await factorize(twice, { rank: 1 }).then(() => undefined, (e) => e);
  assert.match(error?.message, /X: expected each \(row, column\) at most once, got \("bob", "z"\) twice/);
});

test('an input handed over lets an als, ials or gd run too large to keep idle leave its factors (als and gd: its CSR too) to the model in its memory: the same fit, bit for bit', async () => {
  const random = testRandom(13);
  const entries = [];
  for (let i = 0; i < 300; i++) for (let j = 0; j < 50; j++) if (random() < 0.3) entries.push([i, j, 1 + Math.floor(random() * 9) / 2]);
  const make = () => ({ rows: 300, cols: 50, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]), values: Float32Array.from(entries, (e) => e[2]) });
  const limit = idleLimit.bytes;
  try {
    // The CSR is the run's where it holds the values as given: als always (its kernels subtract μ), gd without μ
    // (without biases), ials never (it holds confidences); in float32 the run's values are the caller's float32 values.
    for (const [options, csr] of [
      [{ solver: 'als', rank: 4, epochs: 3, biases: true }, true], [{ solver: 'als', rank: 4, epochs: 3, precision: 'float32' }, true],
      [{ solver: 'gd', rank: 4, epochs: 3, precision: 'float32' }, true], [{ solver: 'gd', rank: 4, epochs: 3, biases: true }, false],
      [{ solver: 'ials', rank: 4, epochs: 3 }, false],
    ]) {
      const label = JSON.stringify(options);
      const copied = await factorize(make(), options);
      // Every run is then one the runtime would not lend again.
      idleLimit.bytes = 0;
      const given = make();
      handOver(given);
      const adopted = await factorize(given, options);
      const { W, H } = adopted.info.parameters;
      assert.ok(W.every((v, p) => Object.is(v, copied.info.parameters.W[p])) && H.every((v, p) => Object.is(v, copied.info.parameters.H[p])), label);
      assert.ok(W.buffer === H.buffer && W.buffer.byteLength > W.byteLength + H.byteLength, `${label}: views of the run's memory`);
      assert.equal([...adopted.lossHistory], [...copied.lossHistory], label);
      const { colIndex, values } = adopted.info.observed;
      assert.ok((colIndex.buffer === W.buffer) === csr && (values.buffer === W.buffer) === csr, `${label}: the CSR the run's: ${csr}`);
      assert.equal([...colIndex], [...copied.info.observed.colIndex], label);
      assert.ok(values.constructor === copied.info.observed.values.constructor && values.every((v, p) => Object.is(v, copied.info.observed.values[p])), label);
      // And the model's values serve update() as a copy's do.
      const more = { rows: 300, cols: 50, rowIndices: Int32Array.of(0), colIndices: Int32Array.of(49), values: Float32Array.of(4.5) };
      if (options.solver !== 'ials') assert.equal([...(await adopted.update(more, { epochs: 1 })).lossHistory], [...(await copied.update(more, { epochs: 1 })).lossHistory], `${label}: update`);
      idleLimit.bytes = limit;
      // Not handed over: copied out, as before.
      const own = await factorize(make(), { ...options });
      assert.ok(own.info.parameters.W.buffer.byteLength === own.info.parameters.W.byteLength, `${options.solver}: a copy`);
    }
  } finally {
    idleLimit.bytes = limit;
  }
});

test("a caller's float32 ratings put in rows by the run's kernels, in its memory: the same CSR and fit as from plain arrays, a bin heavier than their scratch in JavaScript", async () => {
  const random = testRandom(17);
  const limit = idleLimit.bytes;
  setCollector(() => {});
  try {
    // 700 rows in bins of 4; then 300 rows whose first two (one bin of 2) hold 66,000 entries, more than the
    // kernel's scratch holds (2^16): that bin is put in rows in JavaScript, the others by the kernel.
    for (const [rows, cols, entriesOf] of [
      [700, 60, (i) => (random() < 0.5 ? 20 : 3)],
      [300, 40_000, (i) => (i < 2 ? 33_000 : 5)],
      // One entry; a row of every column (2^16 of them, the most two-byte indices hold); 257 rows of one column.
      [1, 1, () => 1],
      [2, 65_536, (i) => (i === 0 ? 65_536 : 1)],
      [257, 1, () => 1],
    ]) {
      const entries = [];
      for (let i = 0; i < rows; i++) {
        const taken = new Set();
        const count = entriesOf(i);
        while (taken.size < count) taken.add(Math.floor(random() * cols));
        for (const j of taken) entries.push([i, j, 1 + Math.floor(random() * 9) / 2]);
      }
      entries.sort(() => random() - 0.5);
      const plain = { rows, cols, rowIndices: entries.map((e) => e[0]), colIndices: entries.map((e) => e[1]), values: entries.map((e) => e[2]) };
      const typed = { rows, cols, rowIndices: Int32Array.from(plain.rowIndices), colIndices: Int32Array.from(plain.colIndices), values: Float32Array.from(plain.values) };
      // With biases the fit starts from μ, and its draws are scaled by the values' deviation: both found by the run's kernels.
      // A Float64Array of float32 values (half stars) takes the same path, read as float32s.
      for (const [backend, biases, Values] of [['wasm', false, Float32Array], ['wasm', true, Float32Array], ['js', true, Float32Array], ['wasm', true, Float64Array]]) {
        const options = { solver: 'sgd', rank: 3, epochs: 3, backend, threads: 1, biases };
        const label = `${rows}×${cols}, ${backend}, biases ${biases}, ${Values.name}`;
        const expected = await factorize(plain, options);
        // Every memory too large to keep idle: the run is laid out before X is read, and X put in rows in it.
        idleLimit.bytes = 0;
        const fitted = await factorize({ ...typed, values: Values.from(typed.values) }, options);
        idleLimit.bytes = limit;
        // (The pure-JS backend's buffers are arrays of their own.)
        if (backend === 'wasm') assert.ok(fitted.info.observed.colIndex.buffer === fitted.info.parameters.W.buffer, `${label}: the column indices the run's`);
        assert.equal([...fitted.info.observed.rowStart], [...expected.info.observed.rowStart], label);
        assert.equal([...fitted.info.observed.colIndex], [...expected.info.observed.colIndex], label);
        assert.equal([...fitted.info.observed.values], [...expected.info.observed.values], label);
        assert.equal([...fitted.lossHistory], [...expected.lossHistory], label);
        assert.ok(fitted.info.parameters.W.every((v, p) => Object.is(v, expected.info.parameters.W[p])), `${label}: W`);
        for (const key of ['offset', 'mean', 'clip', 'colCounts']) assert.equal(fitted.info.parameters[key], expected.info.parameters[key], `${label}: ${key}`);
      }
      if (entries.length < 20) continue;
      // An entry out of range or not finite: named as the lists read one by one name it.
      for (const [list, at, bad] of [['rowIndices', 7, rows], ['colIndices', entries.length - 1, -1], ['values', 20_000 % entries.length, NaN]]) {
        const wrong = { ...typed, [list]: typed[list].slice() };
        wrong[list][at] = bad;
        const messages = [];
        for (const keep of [limit, 0]) {
          idleLimit.bytes = keep;
          messages.push(await factorize(wrong, { solver: 'sgd', rank: 2 }).then(() => undefined, (e) => e.message));
        }
        idleLimit.bytes = limit;
        assert.match(messages[1], new RegExp(`^X\\.${list}\\[${at}\\]: expected`), list);
        assert.is(messages[1], messages[0], list);
      }
      // A pair given twice is named by its places in the caller's arrays.
      const twice = {
        ...typed, rowIndices: Int32Array.of(...typed.rowIndices, typed.rowIndices[4]), colIndices: Int32Array.of(...typed.colIndices, typed.colIndices[4]),
        values: Float32Array.of(...typed.values, 1),
      };
      idleLimit.bytes = 0;
      const error = await factorize(twice, { solver: 'sgd', rank: 2 }).then(() => undefined, (e) => e);
      idleLimit.bytes = limit;
      assert.match(error?.message, new RegExp(`X: expected each \\(row, column\\) at most once, got \\(${entries[4][0]}, ${entries[4][1]}\\) twice, at entries 4 and ${entries.length}`));
    }
  } finally {
    idleLimit.bytes = limit;
    setCollector(undefined);
  }
});

test("an sgd run too large to keep idle gives its memory to the model: the same fit, its values back in CSR order, bit for bit", async () => {
  const random = testRandom(11);
  const entries = [];
  for (let i = 0; i < 300; i++) for (let j = 0; j < 70; j++) if (random() < 0.3) entries.push([i, j, 1 + Math.floor(random() * 9) / 2]);
  entries.sort(() => random() - 0.5);
  const limit = idleLimit.bytes;
  // A host that collects what a fit lets go (as the command line does; a no-op here): runs narrow their column indices.
  setCollector(() => {});
  try {
    // Values as float32 values (the run stores them as given) and not (the run stores them centred, and the model
    // keeps its own copy); with biases (centred by μ) and without; on one thread and on two (shared memory).
    for (const precision of ['float64', 'float32']) for (const exact of [true, false]) for (const biases of [true, false]) for (const threads of [1, 2]) {
      const X = {
        rows: 300, cols: 70, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]),
        values: Float64Array.from(entries, (e) => (exact ? e[2] : e[2] + 0.01)),
      };
      const options = { solver: 'sgd', rank: 5, epochs: 4, precision, biases, threads, seed: 3 };
      const label = `${precision}, ${exact ? 'float32' : 'other'} values, biases ${biases}, ${threads} thread(s)`;
      idleLimit.bytes = limit;
      const copied = await factorize(X, options);
      // Every memory is now too large to keep idle: each run's passes to its model.
      idleLimit.bytes = 0;
      const kept = await factorize(X, options);
      const after = await factorize(X, { ...options, seed: 4 });
      assert.equal([...kept.lossHistory], [...copied.lossHistory], label);
      assert.ok(kept.trainingRmse === copied.trainingRmse, label);
      for (const name of ['W', 'H']) {
        const [a, b] = [kept.info.parameters[name], copied.info.parameters[name]];
        assert.ok(a.constructor === b.constructor && a.every((v, p) => Object.is(v, b[p])), `${label}: ${name}`);
      }
      // Float32 values (which the run holds as given): the factors and the values are views of the run's memory;
      // other values the model keeps a copy of, and the factors are copied out of the run.
      const viewed = (array) => array.buffer.byteLength > array.byteLength;
      assert.ok(viewed(kept.info.parameters.W) === exact, `${label}: W a view of the run's memory: ${exact}`);
      assert.ok(!viewed(copied.info.parameters.W), `${label}: W copied`);
      const [values, reference] = [kept.info.observed.values, copied.info.observed.values];
      assert.ok((values.buffer === kept.info.parameters.W.buffer) === exact, `${label}: values in the run's memory: ${exact}`);
      if (exact && threads === 1) {
        // More than 2^16 columns: the column indices stay the fit's own Int32Array; the rest as above.
        const wide = { ...X, cols: 70_000, colIndices: X.colIndices.map((j) => j * 1000) };
        idleLimit.bytes = limit;
        const wideCopied = await factorize(wide, options);
        idleLimit.bytes = 0;
        const wideKept = await factorize(wide, options);
        assert.ok(viewed(wideKept.info.parameters.W) && wideKept.info.observed.colIndex.buffer !== wideKept.info.parameters.W.buffer, `${label}: wide`);
        assert.equal([...wideKept.info.observed.colIndex], [...wideCopied.info.observed.colIndex]);
        assert.ok(wideKept.info.observed.values.every((v, p) => Object.is(v, wideCopied.info.observed.values[p])), `${label}: wide values`);
        assert.ok(wideKept.info.parameters.H.every((v, p) => Object.is(v, wideCopied.info.parameters.H[p])), `${label}: wide H`);
        // Where the host does not collect: a caller's arrays are still put in CSR order in the run's memory, values
        // and two-byte column indices (nothing to collect); arrays handed over (put in order in place) keep their
        // column indices (no narrow copy beside them).
        setCollector(undefined);
        const uncollected = await factorize(X, options);
        const handed = { ...X, rowIndices: X.rowIndices.slice(), colIndices: X.colIndices.slice(), values: Float32Array.from(X.values) };
        handOver(handed);
        const handedUncollected = await factorize(handed, options);
        setCollector(() => {});
        for (const [model, built] of [[uncollected, true], [handedUncollected, false]]) {
          const how = `${label}: uncollected, ${built ? 'built in the run' : 'handed over'}`;
          assert.ok(model.info.observed.values.buffer === model.info.parameters.W.buffer, `${how}: values kept`);
          assert.ok((model.info.observed.colIndex.buffer === model.info.parameters.W.buffer) === built, `${how}: column indices the run's: ${built}`);
          assert.equal([...model.info.observed.colIndex], [...copied.info.observed.colIndex]);
          assert.equal([...model.info.observed.values], [...copied.info.observed.values]);
          assert.equal([...model.lossHistory], [...copied.lossHistory]);
        }
        // With a validation set and the best epoch restored: its factors copied, the values still the run's.
        const split = { ...X, rowIndices: X.rowIndices.filter((_, t) => t % 10), colIndices: X.colIndices.filter((_, t) => t % 10), values: X.values.filter((_, t) => t % 10) };
        const validation = { rowIndices: X.rowIndices.filter((_, t) => t % 10 === 0), colIndices: X.colIndices.filter((_, t) => t % 10 === 0), values: X.values.filter((_, t) => t % 10 === 0) };
        const restoring = { ...options, epochs: 30, learningRate: 0.3, validation, restoreBest: true, patience: 3 };
        idleLimit.bytes = limit;
        const bestCopied = await factorize(split, restoring);
        idleLimit.bytes = 0;
        const bestKept = await factorize(split, restoring);
        assert.is(bestKept.info.training.bestEpoch, bestCopied.info.training.bestEpoch);
        assert.ok(bestKept.info.training.bestEpoch < bestKept.lossHistory.length - 1, `${label}: an earlier epoch restored`);
        assert.ok(bestKept.info.parameters.W.every((v, p) => Object.is(v, bestCopied.info.parameters.W[p])), `${label}: restored W`);
        assert.ok(bestKept.info.observed.values.every((v, p) => Object.is(v, bestCopied.info.observed.values[p])), `${label}: restored, values`);
        assert.ok(viewed(bestKept.info.observed.values) && !viewed(bestKept.info.parameters.W), `${label}: restored, values the run's, W a copy`);
        // A model that keeps no values holds no run's memory for its factors.
        const light = await factorize(X, { ...options, keepObservations: false });
        assert.ok(!viewed(light.info.parameters.W), `${label}: keepObservations false, W copied`);
        assert.ok(light.info.parameters.W.every((v, p) => Object.is(v, copied.info.parameters.W[p])), `${label}: keepObservations false, W`);
      }
      assert.ok(values.constructor === reference.constructor, `${label}: ${values.constructor.name} vs ${reference.constructor.name}`);
      assert.ok(values.every((v, p) => Object.is(v, reference[p])), `${label}: the model's values`);
      assert.equal([...kept.info.observed.colIndex], [...copied.info.observed.colIndex]);
      // Column indices below 2^16: the run kept them in two bytes, and gives the model its Int32Array in its memory.
      assert.ok((kept.info.observed.colIndex.buffer === kept.info.parameters.W.buffer) === exact, `${label}: column indices in the run's memory: ${exact}`);
      // The kept memory is never lent again: a later fit leaves this model as it was.
      assert.ok(kept.info.parameters.W.every((v, p) => Object.is(v, copied.info.parameters.W[p])), `${label}: W after another fit`);
      assert.ok(after.info.parameters.W.some((v, p) => v !== copied.info.parameters.W[p]), 'another seed, other factors');
      // And the model's views work as its arrays: an update, a saved and loaded model.
      const updated = await kept.update({ rowIndices: [0], colIndices: [1], values: [4] }, { epochs: 1 });
      const again = await copied.update({ rowIndices: [0], colIndices: [1], values: [4] }, { epochs: 1 });
      assert.equal([...updated.lossHistory], [...again.lossHistory], `${label}: update`);
    }
  } finally {
    idleLimit.bytes = limit;
    setCollector(undefined);
  }
});

test("a caller's sparse X put in CSR order in an sgd run's memory (laid out before X is read): the same fit as in arrays of the fit's own", async () => {
  const random = testRandom(12);
  const entries = [];
  for (let i = 0; i < 400; i++) for (let j = 0; j < 60; j++) if (random() < 0.25) entries.push([i, j, 1 + Math.floor(random() * 9) / 2]);
  const inOrder = { rows: 400, cols: 60, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]), values: Float32Array.from(entries, (e) => e[2]) };
  entries.sort(() => random() - 0.5);
  const shuffled = { rows: 400, cols: 60, rowIndices: Int32Array.from(entries, (e) => e[0]), colIndices: Int32Array.from(entries, (e) => e[1]), values: Float64Array.from(entries, (e) => e[2]) };
  const [limit, bits] = [idleLimit.bytes, packing.bits];
  try {
    for (const backend of ['wasm', 'js']) {
      const options = { solver: 'sgd', rank: 4, epochs: 3, backend, seed: 5 };
      const copied = await factorize(inOrder, options);
      idleLimit.bytes = 0;
      // In CSR order already (copied in), shuffled with the rows packed beside the columns or in the run's scratch.
      for (const [X, packed] of [[inOrder, 31], [shuffled, 31], [shuffled, 0]]) {
        packing.bits = packed;
        const label = `${backend}, ${X === inOrder ? 'in order' : 'shuffled'}, ${packed} bits`;
        const built = await factorize(X, options);
        assert.equal([...built.lossHistory], [...copied.lossHistory], label);
        assert.ok(built.info.parameters.W.every((v, p) => Object.is(v, copied.info.parameters.W[p])), `${label}: W`);
        assert.equal([...built.info.observed.colIndex], [...copied.info.observed.colIndex], `${label}: column indices`);
        assert.equal([...built.info.observed.values], [...copied.info.observed.values], `${label}: values`);
        assert.ok(built.info.observed.colIndex instanceof Int32Array && built.info.observed.values instanceof Float32Array, label);
        if (backend === 'wasm') assert.ok(built.info.observed.values.buffer === built.info.parameters.W.buffer, `${label}: the run's memory`);
      }
      packing.bits = bits;
      idleLimit.bytes = limit;
    }
    // A pair given twice, found after the run was laid out: the error, and the instance given back (idle again,
    // where the successful call before left it: one not given back would leave the idle memory smaller).
    const twice = { ...shuffled, rowIndices: Int32Array.of(...shuffled.rowIndices, shuffled.rowIndices[0]), colIndices: Int32Array.of(...shuffled.colIndices, shuffled.colIndices[0]), values: Float64Array.of(...shuffled.values, 2) };
    const sgd = { solver: 'sgd', rank: 4, epochs: 1, threads: 1 };
    await factorize(shuffled, sgd);
    const idle = memoryBytes();
    for (let round = 0; round < 3; round++) {
      const error = await factorize(twice, sgd).then(() => undefined, (e) => e);
      assert.match(error?.message, /at most once/);
      assert.ok(memoryBytes() >= idle, `idle memory ${memoryBytes()} after a failed call (was ${idle})`);
    }
    // An abort while X is read; X with more entries than rows × cols (a pair twice: not laid out before it is read).
    const controller = new AbortController();
    const aborted = factorize(shuffled, { ...sgd, signal: controller.signal });
    controller.abort(new Error('stop'));
    assert.is((await aborted.then(() => undefined, (e) => e))?.message, 'stop');
    assert.ok(memoryBytes() >= idle, `idle memory ${memoryBytes()} after an abort (was ${idle})`);
    const many = 100_000;
    const crowded = { rows: 2, cols: 2, rowIndices: new Int32Array(many).fill(1), colIndices: new Int32Array(many).fill(1), values: new Float32Array(many).fill(3) };
    idleLimit.bytes = 0;
    const error = await factorize(crowded, sgd).then(() => undefined, (e) => e);
    assert.match(error?.message, /X: expected each \(row, column\) at most once, got \(1, 1\) twice, at entries 0 and 1/);
  } finally {
    [idleLimit.bytes, packing.bits] = [limit, bits];
  }
});

test('the mask form accepts Uint8Array and boolean data, and ignores what unobserved entries hold', async () => {
  const X = [[1, 2, 99], [2, -7, 6], [3, 6, 9]];
  const observed = [[1, 1, 0], [1, 0, 1], [1, 1, 1]];
  const options = { rank: 1, epochs: 100, learningRate: 0.01 };
  const nested = await factorize(X, { ...options, mask: observed });
  const bytes = await factorize({ rows: 3, cols: 3, data: X.flat() }, { ...options, mask: { rows: 3, cols: 3, data: Uint8Array.from(observed.flat()) } });
  const booleans = await factorize(X, { ...options, mask: observed.map((row) => row.map(Boolean)) });
  const nan = await factorize([[1, 2, NaN], [2, NaN, 6], [3, 6, 9]], options);
  for (const other of [bytes, booleans, nan]) assert.equal([...other.lossHistory], [...nested.lossHistory]);
});

test.run();
