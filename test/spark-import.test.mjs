// Saved Spark ALS models read as they are (test/fixtures/spark/make_spark_models.mjs writes them with an
// independent Parquet writer, laid out as Spark writes them, and computes the predictions they must give).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Factorization } from 'mfwasm';
import { readParquet } from '../dist/formats/parquet.js';

const fixtures = fileURLToPath(new URL('./fixtures/spark/', import.meta.url));
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));

/** A folder's files as a browser's folder picker gives them: names under the folder's own name. */
function filesOf(folder, top = folder.split('/').filter(Boolean).at(-1)) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesOf(path, `${top}/${name}`) : [{ name: `${top}/${name}`, bytes: new Uint8Array(readFileSync(path)) }];
  });
}

for (const [name, layout] of [['spark3', 'Spark 3 (metadata/part-00000), three parts, one empty, a dictionary part'], ['spark4', 'Spark 4 (part-…-c000.txt), a data page v2 part'], ['mllib', 'mllib MatrixFactorizationModel (float64 features)'], ['pipeline', 'a PipelineModel\'s ALS stage']]) {
  test(`${name} — ${layout}: every prediction, from a folder path and from its files`, async () => {
    const want = expected[name];
    for (const source of [join(fixtures, 'models', name), filesOf(join(fixtures, 'models', name))]) {
      const model = await Factorization.fromSparkALS(source);
      assert.equal([model.rows, model.cols, model.rank], [want.userIds.length, want.itemIds.length, want.rank]);
      assert.equal([...model.rowIds], want.userIds);
      assert.equal([...model.colIds], want.itemIds);
      want.userIds.forEach((user, i) => want.itemIds.forEach((item, j) => assert.is(model.predict(user, item), want.scores[i][j], `${user}, ${item}`)));
      // recommend() ranks by the same scores (an imported model knows no training pairs to leave out).
      const best = want.scores[0].indexOf(Math.max(...want.scores[0]));
      assert.is(model.recommend(want.userIds[0], 1, { shrinkage: 0 })[0].col, want.itemIds[best]);
      assert.is(model.solver, 'imported');
    }
  });
}

test('cold start, fold-in λ, saving: an unknown user is an error or the mean as asked; the model file round-trips', async () => {
  const model = await Factorization.fromSparkALS(join(fixtures, 'models', 'spark3'), { regularization: 0.05 });
  const { itemIds } = expected.spark3;
  assert.throws(() => model.predict(123456789, itemIds[0]), /predict: row: no such id 123456789/);
  assert.is(model.predict(123456789, itemIds[0], { coldStart: 'mean' }), 0);
  assert.is(model.info.penalties.regularization.W, 0.05);
  const folded = model.foldIn({ colIndices: [itemIds[0], itemIds[1]], values: [4, 2] });
  assert.is(folded.factors.length, 3);
  const back = Factorization.fromBytes(model.toBytes({ precision: 'float32' }));
  assert.is(back.predict(expected.spark3.userIds[2], itemIds[3]), model.predict(expected.spark3.userIds[2], itemIds[3]));
});

test('damaged or unexpected folders say what is wrong, naming the file', async () => {
  const fails = async (source, pattern, options) => {
    const error = await Factorization.fromSparkALS(source, options).then(() => undefined, (e) => e);
    assert.match(error?.message ?? 'no error', pattern);
  };
  const damaged = (name) => join(fixtures, 'damaged', name);
  await fails(damaged('truncated'), /^fromSparkALS: userFactors\/part-00000-[\w-]+\.snappy\.parquet: not a Parquet file \(no PAR1 at both ends: truncated/);
  await fails(damaged('foreign-class'), /^fromSparkALS: metadata\/part-00000: the model's class is org\.apache\.spark\.ml\.classification\.LogisticRegressionModel; expected org\.apache\.spark\.ml\.recommendation\.ALSModel/);
  await fails(damaged('rank-mismatch'), /^fromSparkALS: userFactors\/part-00000-[\w-]+\.snappy\.parquet: row 0 \(id 13\) has 3 features; the metadata says rank 4/);
  await fails(damaged('no-items'), /^fromSparkALS: no Parquet parts in itemFactors\/ \(expected the part-\*\.parquet files Spark writes there\)/);
  await fails(join(fixtures, 'nowhere'), /^fromSparkALS: no such folder: .*nowhere/);
  await fails(join(fixtures, 'expected.json'), /^fromSparkALS: .*expected\.json is a file; expected the folder ALSModel\.save\(\) writes/);
  await fails(join(fixtures, 'models'), /^fromSparkALS: no model at the top of .*models, but models in mllib\/, pipeline\/, spark3\/, spark4\/: give one of those folders/);
  await fails([...filesOf(join(fixtures, 'models', 'spark3')), ...filesOf(join(fixtures, 'models', 'spark4'))], /^fromSparkALS: no model at the top of the files, but models in spark3\/, spark4\/: give one of those folders/);
  await fails([{ name: 'a/b.txt', bytes: new Uint8Array(3) }], /^fromSparkALS: no metadata\/part-00000 among 1 files: expected the folder ALSModel\.save\(\) writes/);
  await fails([{ name: 'm/metadata/part-00000', bytes: new TextEncoder().encode('not json') }], /^fromSparkALS: m\/metadata\/part-00000: expected one line of JSON \(Spark's model metadata\), got "not json"/);
  await fails([{ name: 'x', bytes: 'text' }], /^fromSparkALS: files\[0\]\.bytes: expected a Uint8Array or an ArrayBuffer, got the string "text"/);
  await fails(42, /^fromSparkALS: expected a folder path \(Node\) or the folder's files, got 42/);
  await fails(join(fixtures, 'models', 'spark3'), /^fromSparkALS: options\.regularization: expected a finite number > 0, got -1/, { regularization: -1 });
  // A part written twice under two names: its ids appear twice.
  const twice = filesOf(join(fixtures, 'models', 'spark3'));
  const first = twice.find((f) => /userFactors\/part-00000-.*\.parquet$/.test(f.name));
  twice.push({ name: first.name.replace('part-00000-', 'part-00009-'), bytes: first.bytes });
  await fails(twice, /^fromSparkALS: spark3\/userFactors\/part-00000-[\w-]+\.snappy\.parquet: id 13 appears twice in spark3\/userFactors\//);
  // A part whose bytes are cut inside a page (the footer intact): the column names what is missing.
  const files = filesOf(join(fixtures, 'models', 'spark3'));
  const part = files.find((f) => /userFactors\/part-00000-.*\.parquet$/.test(f.name));
  const bytes = part.bytes;
  const footer = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
  bytes.fill(0, 4, bytes.length - 8 - footer); // the pages zeroed
  await fails(files, /^fromSparkALS: spark3\/userFactors\/part-00000-[\w-]+\.snappy\.parquet: corrupt: column id's page header: field 1 is not a count/);
});

test('2,000 Parquet parts with random bytes changed: each read or refused with an error naming the file, none hangs', () => {
  // Parquet keeps no checksum: a changed value reads as that value. What must never happen is another kind of
  // error (a TypeError from a malformed footer), an error that does not name the file, or a hang.
  const parts = [join(fixtures, 'models', 'spark3', 'userFactors'), join(fixtures, 'models', 'spark4', 'userFactors'), join(fixtures, 'models', 'spark3', 'itemFactors')]
    .flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.parquet')).map((name) => readFileSync(join(folder, name))));
  let seed = 99;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const outcomes = { read: 0, refused: 0 };
  for (let trial = 0; trial < 2000; trial++) {
    const bytes = new Uint8Array(parts[trial % parts.length]);
    for (let change = 0; change < 1 + (trial % 4); change++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    try {
      readParquet(bytes, 'part.parquet');
      outcomes.read++;
    } catch (error) {
      assert.instance(error, RangeError, `trial ${trial}: ${error.message}`);
      assert.match(error.message, /^part\.parquet: /);
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.refused > 200 && outcomes.read > 200, JSON.stringify(outcomes));
});

test.run();
