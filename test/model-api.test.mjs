// The model users keep: fold-in, recommend, similar, ids, evaluation, persistence and interop,
// against independent expectations (numpy for fold-in, brute force for recommend and similar).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RatingsReader } from '../dist/input/reader.js';
import {
  crossValidate, factorize, Factorization, factorRowsFromCsv, factorRowsToCsv, mae, parseRatings, ratingsFromRecords, rmse, trainTestSplit,
} from 'mfwasm';
import { BACKENDS, lowRankWithMissing, maxRelativeError } from './helpers.mjs';

const reference = JSON.parse(readFileSync(new URL('./fixtures/model.json', import.meta.url), 'utf8'));

/** Dense test data → sparse coordinates with ids u0… and i0…. */
function asRatings(X) {
  const data = { rows: X.length, cols: X[0].length, rowIndices: [], colIndices: [], values: [] };
  X.forEach((row, i) => row.forEach((x, j) => {
    if (!Number.isNaN(x)) {
      data.rowIndices.push(i);
      data.colIndices.push(j);
      data.values.push(3 + x);
    }
  }));
  return { ...data, rowIds: X.map((_, i) => `u${i}`), colIds: X[0].map((_, j) => `i${j}`) };
}

const ratings = asRatings(lowRankWithMissing(30, 40, 3, 0.3, 21));

for (const backend of BACKENDS) {
  const test = suite(`model API [${backend}]`);
  const trained = factorize(ratings, { solver: 'als', rank: 4, biases: true, epochs: 40, backend });

  test('predict and predictMany speak the ids; unknown ids are errors', async () => {
    const model = await trained;
    const many = model.predictMany(['u0', 'u3', 'u29'], ['i1', 'i0', 'i39']);
    assert.equal([...many], [model.predict('u0', 'i1'), model.predict('u3', 'i0'), model.predict('u29', 'i39')]);
    assert.throws(() => model.predict('u99', 'i1'), /predict: row: no such id "u99" in the training data/);
    assert.throws(() => model.predict(0, 'i1'), /no such id 0/);
    assert.is(model.rowIndexOf('u7'), 7);
  });

  test('recommend: the top n of a brute-force sort, without the row\'s training observations', async () => {
    const model = await trained;
    const row = 5;
    const seen = new Set(ratings.colIndices.filter((_, t) => ratings.rowIndices[t] === row));
    const { W, H, rowBias, colBias, globalMean } = model;
    const counts = new Array(ratings.cols).fill(0);
    ratings.colIndices.forEach((j) => counts[j]++);
    // The default ranking shrinks each column's part by n_j/(n_j + 20); shrinkage 0 ranks by the prediction.
    for (const beta of [20, 0, 3]) {
      const scores = [];
      for (let j = 0; j < ratings.cols; j++) {
        if (seen.has(j)) continue;
        let part = colBias[j];
        for (let k = 0; k < model.rank; k++) part += W.data[row * model.rank + k] * H.data[k * ratings.cols + j];
        scores.push({ col: `i${j}`, score: globalMean + rowBias[row] + (counts[j] / (counts[j] + beta)) * part });
      }
      scores.sort((a, b) => b.score - a.score);
      const top = beta === 20 ? model.recommend('u5', 7) : model.recommend('u5', 7, { shrinkage: beta });
      assert.equal(top.map((r) => r.col), scores.slice(0, 7).map((r) => r.col));
      assert.ok(maxRelativeError(top.map((r) => r.score), scores.slice(0, 7).map((r) => r.score)) < 1e-12);
    }
    const frequent = model.recommend('u5', 50, { minCount: 4 });
    assert.ok(frequent.length > 0 && frequent.every((r) => counts[Number(r.col.slice(1))] >= 4));
    assert.throws(() => model.recommend('u5', 3, { minCount: -1 }), /recommend: options\.minCount: expected an integer ≥ 0, got -1/);
    assert.throws(() => model.recommend('u5', 3, { shrinkage: NaN }), /recommend: options\.shrinkage: expected a finite number ≥ 0, got NaN/);
    // A misspelt or foreign option is an error, as factorize's are, not ignored.
    assert.throws(() => model.recommend('u5', 3, { exlude: ['i0'] }), /^recommend: options: unknown option 'exlude' \(did you mean 'exclude'\?\); expected one of excludeObserved, exclude, minCount, shrinkage$/);
    assert.throws(() => model.recommend('u5', 3, { exclude: 'i0' }), /^recommend: options\.exclude: expected an array of the columns to leave out, got the string "i0"$/);
    assert.throws(() => model.recommend('u5', 3, { excludeObserved: 'no' }), /^recommend: options\.excludeObserved: expected true or false, got the string "no"$/);
    assert.throws(() => model.similar('i0', 3, { exclude: ['i1'] }), /^similar: options: unknown option 'exclude'; expected one of minCount, shrinkage$/);
    await model.recommendMany(['u5'], 3, { shrinkge: 1 }).then(() => assert.unreachable(), (e) => assert.match(e.message, /^recommendMany: options: unknown option 'shrinkge' \(did you mean 'shrinkage'\?\)/));
    const { rankingMetrics } = await import('mfwasm');
    assert.throws(() => rankingMetrics(model, { rowIndices: ['u5'], colIndices: ['i0'] }, { k: 3, relevent: 4 }), /^rankingMetrics: options: unknown option 'relevent' \(did you mean 'relevant'\?\)/);
    const all = model.recommend('u5', 7, { excludeObserved: false, exclude: ['i0'] });
    assert.ok(all.every((r) => r.col !== 'i0'));
    assert.ok(all.some((r) => seen.has(Number(r.col.slice(1)))), 'training columns may come back when not excluded');
  });

  test('recommendMany: recommend() for each row, in order, every row by default', async () => {
    const model = await trained;
    const many = await model.recommendMany(['u5', 'u0', 'u17'], 6, { shrinkage: 3 });
    assert.equal(many.map((r) => r.row), ['u5', 'u0', 'u17']);
    many.forEach(({ row, items }) => assert.equal(items, model.recommend(row, 6, { shrinkage: 3 })));
    const everyRow = await model.recommendMany(undefined, 2);
    assert.equal(everyRow.map((r) => r.row), model.rowIds);
    await model.recommendMany(['u5', 'nobody']).then(() => assert.unreachable('resolved'),
      (error) => assert.match(error.message, /recommendMany: rows\[1\]: no such id "nobody" in the training data/));
    await model.recommendMany('u5').then(() => assert.unreachable('resolved'),
      (error) => assert.match(error.message, /recommendMany: rows: expected an array of row keys, got the string "u5"/));
  });

  test('recommendMany on threads: the lists, order and ties of recommend(), with every scorer and option', async () => {
    // 300 × 2,000 at rank 8 is past the work from which rows are ranked on every core; columns 1 and 2 have
    // the same observations, so that equal scores must go to the lower column.
    const X = { rows: 300, cols: 2000, rowIndices: [], colIndices: [], values: [] };
    for (let i = 0; i < 300; i++) for (let j = 0; j < 2000; j += 7 + (i % 5)) {
      for (const col of j === 0 ? [1, 2] : [j]) {
        X.rowIndices.push(i);
        X.colIndices.push(col);
        X.values.push(1 + ((i * 3 + (col === 2 ? 1 : col)) % 5));
      }
    }
    const model = await factorize(X, { solver: 'als', rank: 6, biases: true, epochs: 3, backend });
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const same = async (options, label) => {
      const many = await model.recommendMany(rows, 12, options);
      many.forEach(({ row, items }) => assert.equal(items, model.recommend(row, 12, options), `${label}, row ${row}`));
    };
    await same({}, 'defaults');
    await same({ shrinkage: 0, minCount: 30, exclude: [5, 9], excludeObserved: false }, 'options');
    for (const precision of ['float64', 'float32']) {
      await model.prepareServing({ backend, precision });
      await same({ shrinkage: 2 }, `prepareServing ${precision}`);
    }
    model.release();
    const ties = await model.recommendMany([0], 2000, { shrinkage: 0, excludeObserved: false });
    const [one, two] = [1, 2].map((col) => ties[0].items.findIndex((item) => item.col === col));
    assert.ok(one < two, `column 1 at ${one}, column 2 at ${two}`);
  });

  test('prepareServing: the WASM scorer recommends what the JS one does', async () => {
    const model = await factorize(ratings, { solver: 'als', rank: 4, biases: true, epochs: 40, backend });
    const plain = ['u0', 'u5', 'u17'].map((u) => model.recommend(u, 8));
    await model.prepareServing({ backend });
    const served = ['u0', 'u5', 'u17'].map((u) => model.recommend(u, 8));
    model.release();
    served.forEach((list, u) => {
      assert.equal(list.map((r) => r.col), plain[u].map((r) => r.col));
      assert.ok(maxRelativeError(list.map((r) => r.score), plain[u].map((r) => r.score)) < 1e-12);
    });
    // float32 factors: every score within float32's rounding of the float64 one.
    await model.prepareServing({ backend, precision: 'float32' });
    const single = model.recommend('u5', 40, { excludeObserved: false });
    model.release();
    for (const { col, score } of single) {
      const exact = model.recommend('u5', 40, { excludeObserved: false }).find((r) => r.col === col).score;
      assert.ok(Math.abs(score - exact) <= 1e-6 * (1 + Math.abs(exact)), `${col}: ${score} vs ${exact}`);
    }
  });

  test('similar: cosine of the column factors, brute force', async () => {
    const model = await trained;
    const { H, rank } = model;
    const column = (j) => Array.from({ length: rank }, (_, k) => H.data[k * ratings.cols + j]);
    const cosine = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0) / Math.hypot(...a) / Math.hypot(...b);
    const counts = new Array(ratings.cols).fill(0);
    ratings.colIndices.forEach((j) => counts[j]++);
    const expected = Array.from({ length: ratings.cols }, (_, j) => ({ col: `i${j}`, similarity: cosine(column(3), column(j)) * (counts[j] / (counts[j] + 20)) }))
      .filter((r) => r.col !== 'i3')
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 5);
    const got = model.similar('i3', 5);
    assert.equal(got.map((r) => r.col), expected.map((r) => r.col));
    assert.ok(maxRelativeError(got.map((r) => r.similarity), expected.map((r) => r.similarity)) < 1e-12);
  });

  test('foldIn: a training row folded back in gets (nearly) its trained factors and bias', async () => {
    const model = await trained;
    const row = 4;
    const positions = ratings.rowIndices.map((i, t) => (i === row ? t : -1)).filter((t) => t >= 0);
    const folded = model.foldIn({ colIndices: positions.map((t) => `i${ratings.colIndices[t]}`), values: positions.map((t) => ratings.values[t]) });
    const trainedRow = model.W.data.slice(row * model.rank, (row + 1) * model.rank);
    // ALS's last W half solved against the H before the last H half: close, not identical.
    assert.ok(folded.factors.every((v, k) => Math.abs(v - trainedRow[k]) < 1e-3), `${folded.factors} vs ${trainedRow}`);
    assert.ok(Math.abs(folded.bias - model.rowBias[row]) < 1e-3 * (1 + Math.abs(model.rowBias[row])));
    assert.ok(Math.abs(model.predictFolded(folded, 'i9') - model.predict('u4', 'i9')) < 1e-3);
    const recs = model.recommend(folded, 3);
    assert.is(recs.length, 3);
    // The columns it was folded in from are left out, as a trained row's observations are.
    const own = new Set(positions.map((t) => `i${ratings.colIndices[t]}`));
    assert.ok(model.recommend(folded, 50).every((r) => !own.has(r.col)));
    assert.ok(model.recommend(folded, 50, { excludeObserved: false }).some((r) => own.has(r.col)));
  });

  test.run();
}

const test = suite('model API');

test('foldIn matches numpy\'s least-squares ridge solve, for a row and for a column', () => {
  const r = reference;
  const rows = r.W.map((features, i) => ({ id: r.rowIds[i], features }));
  const cols = r.H[0].map((_, j) => ({ id: r.colIds[j], features: r.H.map((hk) => hk[j]) }));
  const model = Factorization.fromFactors({ rows, cols, mean: 3 });
  assert.is(model.solver, 'imported');
  const row = model.foldIn({ colIndices: r.newRow.cols.map((j) => r.colIds[j]), values: r.newRow.values }, { regularization: r.regularization });
  assert.ok(maxRelativeError(row.factors, r.newRow.factors) < 1e-10, `${row.factors} vs ${r.newRow.factors}`);
  const col = model.foldInColumn({ rowIndices: r.newCol.rows.map((i) => r.rowIds[i]), values: r.newCol.values }, { regularization: r.regularization });
  assert.ok(maxRelativeError(col.factors, r.newCol.factors) < 1e-10);
  // Without regularization in the model or the call, fold-in refuses rather than risk a singular solve.
  const plain = Factorization.fromJSON({ ...model.toJSON(), penalties: { ...model.toJSON().penalties, regularization: { W: 0, H: 0, bias: 0 } } });
  assert.throws(() => plain.foldIn({ colIndices: ['i0'], values: [1] }), /trained without regularization.*pass \{ regularization \}/);
});

test('impute keeps observed entries exactly and fills the missing ones with predictions', async () => {
  const X = lowRankWithMissing(12, 9, 2, 0.6, 4);
  const model = await factorize(X, { rank: 2, epochs: 500, learningRate: 0.02 });
  const filled = model.impute(X);
  X.forEach((row, i) => row.forEach((x, j) => assert.is(filled.data[i * 9 + j], Number.isNaN(x) ? model.predict(i, j) : x)));
  assert.throws(() => model.impute([[1, 2]]), /impute: X: expected the model's 12×9, got 1×2/);
});

test('JSON and binary forms round-trip exactly; float32 halves the factors to within float precision', async () => {
  const model = await factorize(ratings, { solver: 'sgd', rank: 3, biases: true, validation: { rowIndices: [0], colIndices: [1], values: [3] } });
  const pairs = [['u0', 'i0'], ['u12', 'i33'], ['u29', 'i2']];
  for (const copy of [Factorization.fromJSON(JSON.parse(JSON.stringify(model))), Factorization.fromBytes(model.toBytes())]) {
    assert.equal([...copy.W.data], [...model.W.data]);
    assert.equal([...copy.colBias], [...model.colBias]);
    assert.equal([...copy.lossHistory], [...model.lossHistory]);
    assert.equal([...copy.validationHistory], [...model.validationHistory]);
    assert.equal(pairs.map(([u, i]) => copy.predict(u, i)), pairs.map(([u, i]) => model.predict(u, i)));
    assert.equal(copy.recommend('u3', 5), model.recommend('u3', 5));
    assert.is(copy.solver, 'sgd');
  }
  // Bytes inside a larger buffer, on an 8-byte boundary (read in place) or not (copied first).
  const bytes = model.toBytes();
  for (const offset of [8, 3]) {
    const larger = new Uint8Array(bytes.length + 16);
    larger.set(bytes, offset);
    assert.equal([...Factorization.fromBytes(larger.subarray(offset, offset + bytes.length)).W.data], [...model.W.data], `offset ${offset}`);
  }
  const small = model.toBytes({ precision: 'float32' });
  const factorEntries = (ratings.rows + ratings.cols) * (3 + 2);
  assert.ok(Math.abs(model.toBytes().length - small.length - 4 * factorEntries) <= 16, `${small.length} vs ${model.toBytes().length}`);
  assert.ok(maxRelativeError(Factorization.fromBytes(small).W.data, model.W.data) < 1e-6);
});

test('keepObservations: false keeps no training observations: the same factors, a smaller file, recommend ranks every column, update says why not', async () => {
  const kept = await factorize(ratings, { solver: 'als', rank: 3, biases: true });
  const light = await factorize(ratings, { solver: 'als', rank: 3, biases: true, keepObservations: false });
  assert.equal([...light.info.parameters.W], [...kept.info.parameters.W]);
  assert.is(light.trainingRmse, kept.trainingRmse);
  assert.is(light.info.observed.colIndex.length, 0);
  assert.is(light.info.observed.values, undefined);
  assert.ok(light.toBytes().length < kept.toBytes().length - 8 * ratings.values.length, 'no columns or values in the file');
  // recommend() cannot leave out what a row rated: with n = every column, the rated ones are listed too.
  const row = ratings.rowIds[0];
  assert.is(light.recommend(row, ratings.cols).length, ratings.cols);
  assert.ok(kept.recommend(row, ratings.cols).length < ratings.cols);
  const error = await light.update({ rowIndices: [row], colIndices: [ratings.colIds[0]], values: [3] }).then(() => undefined, (e) => e);
  assert.match(error?.message, /update: this model keeps no training values \(trained with keepObservations: false/);
  const loaded = Factorization.fromBytes(light.toBytes());
  assert.is(loaded.predict(row, ratings.colIds[1]), light.predict(row, ratings.colIds[1]));
  await factorize(ratings, { solver: 'als', rank: 3, keepObservations: 'no' }).then(
    () => assert.unreachable('a string was taken'),
    (e) => assert.match(e.message, /options\.keepObservations: expected true or false, got/),
  );
});

test('loading a truncated, corrupt, foreign or newer file says so', async () => {
  const model = await factorize(ratings, { solver: 'als', rank: 2 });
  const bytes = model.toBytes();
  assert.throws(() => Factorization.fromBytes(bytes.subarray(0, bytes.length - 100)), /fromBytes: truncated: needs at least \d+ bytes, got \d+/);
  const corrupt = bytes.slice();
  corrupt[bytes.length - 50] ^= 0x10;
  assert.throws(() => Factorization.fromBytes(corrupt), /fromBytes: corrupt: checksum mismatch/);
  assert.throws(() => Factorization.fromBytes(new TextEncoder().encode('hello, this is not a model')), /fromBytes: not an mfwasm model/);
  const newer = bytes.slice();
  new DataView(newer.buffer).setUint16(4, 99, true);
  assert.throws(() => Factorization.fromBytes(newer), /written by a newer mfwasm \(format version 99\); this version reads up to 3/);
  assert.throws(() => Factorization.fromJSON({ ...model.toJSON(), version: 4 }), /fromJSON: written by a newer mfwasm \(format version 4\)/);
  assert.throws(() => Factorization.fromJSON({ format: 'other' }), /fromJSON: not an mfwasm model/);
  assert.throws(() => Factorization.fromJSON({ ...model.toJSON(), W: [1, 2] }), /fromJSON: W has 2 entries, expected 60/);
});

test('LIBMF text models: a hand-written one predicts p·q (b where a row is F); ours round-trip with biases folded in', async () => {
  const text = 'f 0\nm 2\nn 3\nk 2\nb 3.5\np0 T 1 2\np1 F 0 0\nq0 T 0.5 1\nq1 T 1 0\nq2 T 0 0.25\n';
  const imported = Factorization.fromLibmf(text);
  assert.is(imported.predict(0, 0), 2.5);
  assert.is(imported.predict(0, 2), 0.5);
  assert.is(imported.predict(1, 1), 3.5);
  const model = await factorize(ratings, { solver: 'als', rank: 3, biases: true, clip: false });
  const back = Factorization.fromLibmf(model.toLibmf());
  for (const [u, i] of [[0, 0], [7, 12], [29, 39]]) {
    assert.ok(Math.abs(back.predict(u, i) - model.predict(`u${u}`, `i${i}`)) < 1e-12);
  }
  assert.throws(() => Factorization.fromLibmf('m 2\nn 2\nk 2\np0 T 1\n'), /fromLibmf: truncated|fromLibmf: line 4: expected 'p<i>'/);
  assert.throws(() => Factorization.fromLibmf('hello'), /fromLibmf: not a LIBMF model/);
});

test('factor rows keyed by id (Spark ALS\'s shape) round-trip through CSV into a model', async () => {
  const model = await factorize(ratings, { solver: 'als', rank: 3, clip: false });
  const rows = factorRowsFromCsv(factorRowsToCsv(model.rowFactors()));
  const cols = factorRowsFromCsv(factorRowsToCsv(model.colFactors()));
  assert.is(rows[4].id, 'u4');
  const served = Factorization.fromFactors({ rows, cols });
  assert.ok(Math.abs(served.predict('u4', 'i7') - model.predict('u4', 'i7')) < 1e-12);
  let dot = 0;
  for (let k = 0; k < 3; k++) dot += rows[4].features[k] * cols[7].features[k];
  assert.ok(Math.abs(served.predict('u4', 'i7') - dot) < 1e-15);
  assert.throws(() => Factorization.fromFactors({ rows, cols: [{ id: 'x', features: [1] }] }), /fromFactors: cols\[0\]\.features: expected 3 finite numbers/);
});

test('ratings from records and from text in the common layouts, with the line of a bad one', () => {
  const records = ratingsFromRecords([{ who: 'ann', what: 'tea', stars: 5 }, { who: 'bob', what: 'tea', stars: '3' }, { who: 'ann', what: 7, stars: 1 }], { row: 'who', col: 'what', value: 'stars' });
  assert.equal(records.rowIds, ['ann', 'bob']);
  assert.equal(records.colIds, ['tea', 7]);
  assert.equal([...records.rowIndices], [0, 1, 0]);
  assert.equal([...records.values], [5, 3, 1]);
  const layouts = {
    'MovieLens ratings.csv': 'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,31,4,1\n',
    'u.data': '1\t31\t2.5\t881250949\n1\t1029\t3\t881250949\n2\t31\t4\t1\n',
    'space separated': '1 31 2.5\n1 1029 3.0\n2 31 4\n',
    'ml-1m ::': '1::31::2.5::978300760\n1::1029::3::978300760\n2::31::4::1\n',
  };
  for (const [name, text] of Object.entries(layouts)) {
    const r = parseRatings(text);
    assert.equal(r.rowIds, ['1', '2'], name);
    assert.equal(r.colIds, ['31', '1029'], name);
    assert.equal([...r.values], [2.5, 3, 4], name);
  }
  const byName = parseRatings('rating,item,user\n5,a,x\n', { columns: ['user', 'item', 'rating'] });
  assert.equal([byName.rowIds, byName.colIds, [...byName.values]], [['x'], ['a'], [5]]);
  assert.throws(() => parseRatings('1,2,3\n1,2\n'), /parseRatings: line 2: expected a row id, a column id and a number, got "1,2"/);
  // Read into arrays allocated once from the line count: 12 bytes a rating (values in float32 while every one
  // is a float32 value), not a doubling array's up to 32.
  const many = Array.from({ length: 5000 }, (_, p) => `${p % 97},${p % 89},${1 + (p % 5)}`).join('\n');
  const read = parseRatings(`user,item,rating\n${many}\n`);
  assert.is(read.values.length, 5000);
  assert.ok(read.values instanceof Float32Array);
  const bytes = read.rowIndices.buffer.byteLength + read.colIndices.buffer.byteLength + read.values.buffer.byteLength;
  assert.ok(bytes <= 12 * 5002, `${bytes} bytes for 5000 ratings`);
  // The first value that is not a float32 value widens them all to float64, every one exact.
  const widened = parseRatings(`${many}\n5,6,0.1\n7,8,2.5\n`);
  assert.ok(widened.values instanceof Float64Array);
  assert.equal([widened.values[0], widened.values[4999], widened.values[5000], widened.values[5001]], [1, 5, 0.1, 2.5]);
  assert.equal([read.values[0], read.values[4999], read.rowIds.length, read.colIds.length], [1, 5, 97, 89]);
  // A line split across two chunks of a streamed file is read whole.
  const reader = new RatingsReader({}, 3);
  for (const chunk of ['1 3', '1 2.', '5\n2 1', '029 4\n3 7 1']) reader.feed(new TextEncoder().encode(chunk));
  const streamed = reader.ratings();
  assert.equal([streamed.rowIds, streamed.colIds, [...streamed.values]], [['1', '2', '3'], ['31', '1029', '7'], [2.5, 4, 1]]);
  assert.throws(() => ratingsFromRecords([{ user: 1, item: 2, rating: 'x' }]), /records\[0\]\.rating: expected a finite number/);
});

test('rmse and mae by hand; a seeded split; cross-validation folds cover the data', async () => {
  const model = Factorization.fromFactors({ rows: [{ id: 'a', features: [1] }], cols: [{ id: 'x', features: [2] }, { id: 'y', features: [3] }] });
  const data = { rowIndices: ['a', 'a'], colIndices: ['x', 'y'], values: [1, 4] };
  assert.is(rmse(model, data), Math.sqrt((1 + 1) / 2));
  assert.is(mae(model, data), 1);
  const split = trainTestSplit(ratings, { testFraction: 0.25, seed: 3, keepEveryRow: true });
  const total = ratings.values.length;
  assert.is(split.train.values.length + split.test.values.length, total);
  assert.is(split.test.values.length, Math.round(0.25 * total));
  assert.equal(new Set(split.train.rowIndices).size, new Set(ratings.rowIndices).size);
  assert.equal(trainTestSplit(ratings, { testFraction: 0.25, seed: 3, keepEveryRow: true }).test, split.test);
  const fitted = await factorize(split.train, { solver: 'als', rank: 3, biases: true });
  assert.ok(rmse(fitted, split.test) < 1.5);
  const cv = await crossValidate(ratings, { solver: 'als', rank: 2, biases: true, epochs: 5 }, { folds: 3 });
  assert.is(cv.folds.length, 3);
  assert.ok(Math.abs(cv.mean.rmse - cv.folds.reduce((s, f) => s + f.rmse, 0) / 3) < 1e-15);
  assert.throws(() => trainTestSplit(ratings, { testFraction: 1 }), /testFraction: expected a number between 0 and 1/);
});

test('keepObservations: false on a dense X: its observed values are not copied out unless a sparse run needs them; the same fit either way', async () => {
  const rows = 40;
  const cols = 30;
  const fits = [];
  // 0.9 of the entries observed runs dense ('auto'); 0.2 runs sparse, which takes the summary's values as its own.
  for (const [density, layout] of [[0.9, 'dense'], [0.2, 'sparse']]) {
    const data = Float64Array.from(lowRankWithMissing(rows, cols, 3, density, 5).flat());
    const X = { rows, cols, data };
    const options = { solver: 'gd', rank: 3, epochs: 20, learningRate: 0.01, biases: true, threads: 1 };
    const kept = await factorize(X, options);
    const light = await factorize(X, { ...options, keepObservations: false });
    assert.is(kept.layout, layout);
    assert.is(light.layout, layout);
    assert.equal([...light.info.parameters.W], [...kept.info.parameters.W], layout);
    assert.equal([...light.lossHistory], [...kept.lossHistory], layout);
    assert.is(light.trainingRmse, kept.trainingRmse, layout);
    assert.is(light.info.observed.colIndex.length, 0);
    assert.is(kept.info.observed.values.length, data.filter((v) => v === v).length);
    fits.push(layout);
  }
  assert.equal(fits, ['dense', 'sparse']);
});

test('a fully observed dense X: the model keeps the copy the fit read nested arrays into, but never a caller\'s Float64Array; the same fit either way', async () => {
  const rows = 12;
  const cols = 9;
  const nested = lowRankWithMissing(rows, cols, 3, 1, 8).map((row) => row.map((v) => v + 1 / 3));
  const data = Float64Array.from(nested.flat());
  const options = { solver: 'gd', rank: 3, epochs: 10, learningRate: 0.01, threads: 1 };
  const expected = [...data];
  const fromNested = await factorize(nested, options);
  const fromData = await factorize({ rows, cols, data }, options);
  assert.equal([...fromNested.info.parameters.W], [...fromData.info.parameters.W]);
  assert.ok(fromData.info.observed.values !== data, "a caller's Float64Array is copied");
  // The caller's arrays written after the fit: neither model's values change.
  data.fill(0);
  for (const row of nested) row.fill(0);
  for (const model of [fromNested, fromData]) assert.equal([...model.info.observed.values], expected);
});

test('X.rowIds and X.colIds: a repeated id is named with both places, "42" and 42 being one id; ids that merely look alike are distinct', async () => {
  const X = { rows: 3, cols: 2, rowIndices: [0, 1, 2], colIndices: [0, 1, 0], values: [1, 2, 3] };
  const repeats = [
    [[1, 2, '1'], 'X.rowIds: expected distinct ids, got the string "1" at 0 and 2'],
    [['a', 'b', 'a'], 'X.rowIds: expected distinct ids, got the string "a" at 0 and 2'],
    [[0, 5, -0], 'X.rowIds: expected distinct ids, got 0 at 0 and 2'],
    [[2 ** 24, 3, String(2 ** 24)], `X.rowIds: expected distinct ids, got the string "${2 ** 24}" at 0 and 2`],
    [[7, 100000, '100000'], 'X.rowIds: expected distinct ids, got the string "100000" at 1 and 2'],
  ];
  for (const [rowIds, message] of repeats) {
    await factorize({ ...X, rowIds }, { rank: 1, epochs: 1 }).then(() => assert.unreachable(JSON.stringify(rowIds)), (error) => assert.is(error.message, message));
  }
  for (const rowIds of [['007', '7', 'x'], [1.5, '1.50', 2], ['-1', -1.5, 0]]) {
    const model = await factorize({ ...X, rowIds }, { rank: 1, epochs: 1 });
    assert.equal(model.rowIds, rowIds);
  }
  await factorize({ ...X, colIds: ['9', 9] }, { rank: 1, epochs: 1 }).then(() => assert.unreachable(), (error) => assert.is(error.message, 'X.colIds: expected distinct ids, got 9 at 0 and 1'));
});

test.run();
