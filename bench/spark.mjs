// npm run bench:spark [-- --users 1000000 --items 100000 --rank 64]
//
// Importing a saved Spark ALS model: a Spark-shaped folder (metadata, userFactors/ and itemFactors/ as snappy
// Parquet parts of id int32 + features list<float>, written by parquet-wasm — Apache Arrow's Rust writer — in a
// temporary folder) read by Factorization.fromSparkALS. Prints the whole import's time and, apart, the Parquet
// reader's own (src/formats/parquet.ts over the same parts), each the median of 3.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as arrow from 'apache-arrow';
import { Compression, Table as ParquetTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { Factorization } from '../dist/index.js';
import { readParquet } from '../dist/formats/parquet.js';

const { values: flags } = parseArgs({ options: { users: { type: 'string', default: '1000000' }, items: { type: 'string', default: '100000' }, rank: { type: 'string', default: '64' } } });
const [users, items, rank] = [Number(flags.users), Number(flags.items), Number(flags.rank)];
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-spark-'));
let seed = 7;
/** A table in parts of at most 200,000 rows (Spark writes one part per partition). */
function write(side, count) {
  mkdirSync(join(folder, side));
  for (let from = 0, part = 0; from < count; from += 200_000, part++) {
    const n = Math.min(200_000, count - from);
    const values = new Float32Array(n * rank);
    for (let t = 0; t < values.length; t++) values[t] = (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const listType = new arrow.List(new arrow.Field('element', new arrow.Float32(), false));
    const list = arrow.makeData({ type: listType, length: n, nullCount: 0, valueOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i * rank), child: arrow.makeData({ type: new arrow.Float32(), length: n * rank, data: values }) });
    const id = arrow.makeData({ type: new arrow.Int32(), length: n, data: Int32Array.from({ length: n }, (_, i) => from + i) });
    const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false), new arrow.Field('features', listType, true)]);
    const table = new arrow.Table([new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, children: [id, list] }))]);
    const bytes = writeParquet(ParquetTable.fromIPCStream(arrow.tableToIPC(table, 'stream')), new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setDictionaryEnabled(false).build());
    writeFileSync(join(folder, side, `part-${String(part).padStart(5, '0')}-c000.snappy.parquet`), bytes);
  }
}
try {
  mkdirSync(join(folder, 'metadata'));
  writeFileSync(join(folder, 'metadata', 'part-00000'), JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel', sparkVersion: '3.5.1', uid: 'als_bench', paramMap: {}, defaultParamMap: {}, rank }) + '\n');
  write('userFactors', users);
  write('itemFactors', items);
  const parts = ['userFactors', 'itemFactors'].flatMap((side) => readdirSync(join(folder, side)).map((name) => join(folder, side, name)));
  const median = (list) => list.sort((a, b) => a - b)[1];
  const whole = [];
  const reader = [];
  for (let round = 0; round < 3; round++) {
    let started = performance.now();
    const model = await Factorization.fromSparkALS(folder);
    whole.push(performance.now() - started);
    if (model.rows !== users || model.cols !== items) throw new Error('not every row was read');
    started = performance.now();
    for (const path of parts) readParquet(readFileSync(path), path);
    reader.push(performance.now() - started);
  }
  console.log(`${users.toLocaleString('en')} users + ${items.toLocaleString('en')} items × rank ${rank} (float32, snappy, ${parts.length} parts):`);
  console.log(`  Factorization.fromSparkALS(folder)  ${(median(whole) / 1000).toFixed(2)} s`);
  console.log(`  the Parquet reader alone            ${(median(reader) / 1000).toFixed(2)} s`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
