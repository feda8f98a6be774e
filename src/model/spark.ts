// Spark's saved ALS models as they are: the folder `ALSModel.save(path)` writes (also a PipelineModel's ALS
// stage, and the older mllib `MatrixFactorizationModel.save`), read from a path in Node or from the folder's
// files in a browser. The factor tables are Parquet (src/formats/parquet.ts, loaded only by this module).
import { describe } from '../check/describe.js';
import { optionsOf } from '../check/validate.js';
import { nodeModule } from '../runtime/shared.js';
import type { FactorizationInfo, Key } from '../types.js';
import { importedInfo } from './interop.js';
import { readParquet } from '../formats/parquet.js';

/** A file of the saved folder: its path inside the folder ('metadata/part-00000', 'userFactors/part-….parquet') and its bytes. */
export interface SparkFile {
  name: string;
  bytes: Uint8Array | ArrayBuffer;
}

/** What fromSparkALS reads: the folder's path (Node), or its files — `{ name, bytes }`, or browsers' `File`s from a folder picker. */
export type SparkSource = string | readonly (SparkFile | Blob)[];

/** Options of fromSparkALS. */
export interface SparkOptions {
  /**
   * λ of foldIn/foldInMany on the imported model: Spark keeps its estimator's regParam out of the saved
   * model. Default 0.1 (Spark's regParam default).
   */
  regularization?: number;
}

const ALS_CLASS = 'org.apache.spark.ml.recommendation.ALSModel';
const PIPELINE_CLASS = 'org.apache.spark.ml.PipelineModel';
const MLLIB_CLASS = 'org.apache.spark.mllib.recommendation.MatrixFactorizationModel';

/** A metadata file: Spark ≤ 3.5's `part-00000`, Spark 4's `part-00000-<uuid>-c000.txt`. */
const METADATA = /(^|\/)metadata\/part-00000(-[^/]*\.txt)?$/;

/** The folder's files by path ('/'-separated, relative to the folder), each read when asked for. */
async function filesOf(source: SparkSource, where: string): Promise<Map<string, () => Promise<Uint8Array>>> {
  const files = new Map<string, () => Promise<Uint8Array>>();
  if (typeof source === 'string') {
    const fs = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
    const info = await fs.stat(source).catch(() => undefined);
    if (!info) throw new RangeError(`${where}: no such folder: ${source}`);
    if (!info.isDirectory()) throw new RangeError(`${where}: ${source} is a file; expected the folder ALSModel.save() writes`);
    const walk = async (folder: string, relative: string): Promise<void> => {
      for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
        const full = `${folder}/${entry.name}`;
        if (entry.isDirectory()) await walk(full, `${relative}${entry.name}/`);
        else if (entry.isFile()) files.set(`${relative}${entry.name}`, async () => new Uint8Array(await fs.readFile(full)));
      }
    };
    await walk(source.replace(/[\\/]+$/, ''), '');
    return files;
  }
  if (!Array.isArray(source)) throw new TypeError(`${where}: expected a folder path (Node) or the folder's files, got ${describe(source)}`);
  source.forEach((file, n) => {
    const blob = typeof Blob !== 'undefined' && file instanceof Blob;
    const name = blob ? ((file as { webkitRelativePath?: string }).webkitRelativePath || (file as { name?: string }).name) : (file as SparkFile)?.name;
    if (typeof name !== 'string' || name === '') throw new TypeError(`${where}: files[${n}]: expected { name, bytes } or a File, got ${describe(file)}`);
    if (!blob) {
      const bytes = (file as SparkFile).bytes;
      if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) throw new TypeError(`${where}: files[${n}].bytes: expected a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
      files.set(name.split('\\').join('/'), async () => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
    } else {
      files.set(name.split('\\').join('/'), async () => new Uint8Array(await (file as Blob).arrayBuffer()));
    }
  });
  return files;
}

/** The JSON of a metadata file (one line). */
async function metadataOf(files: Map<string, () => Promise<Uint8Array>>, path: string, where: string): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await files.get(path)!()).trim().split('\n')[0];
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RangeError(`${where}: ${path}: expected one line of JSON (Spark's model metadata), got ${JSON.stringify(text.slice(0, 60))}`);
}

/** The factor rows of one side: the Parquet parts under `folder` in name order, ids and rank-wide features. */
async function factorsOf(files: Map<string, () => Promise<Uint8Array>>, folder: string, rank: number, where: string): Promise<{ ids: Key[]; data: Float64Array }> {
  const parts = [...files.keys()].filter((path) => path.startsWith(folder) && !path.slice(folder.length).includes('/') && /\.parquet$/.test(path) && !path.slice(folder.length).startsWith('.')).sort();
  if (parts.length === 0) throw new RangeError(`${where}: no Parquet parts in ${folder} (expected the part-*.parquet files Spark writes there)`);
  const tables = [];
  let rows = 0;
  for (const path of parts) {
    const table = readParquet(await files.get(path)!(), `${where}: ${path}`);
    const id = table.integers.get('id');
    const features = table.lists.get('features');
    if (table.rows > 0 && (!id || !features)) {
      throw new RangeError(`${where}: ${path}: expected columns id (an integer) and features (a list of numbers), got ${[...table.integers.keys(), ...table.lists.keys()].join(', ') || 'neither'}`);
    }
    rows += table.rows;
    tables.push({ path, rows: table.rows, id, features });
  }
  const ids: Key[] = new Array(rows);
  const data = new Float64Array(rows * rank);
  let at = 0;
  for (const { path, rows: count, id, features } of tables) {
    if (count === 0) continue;
    const { offsets, values } = features!;
    for (let r = 0; r < count; r++) {
      const length = offsets[r + 1] - offsets[r];
      if (length !== rank) throw new RangeError(`${where}: ${path}: row ${r} (id ${id![r]}) has ${length} features; the metadata says rank ${rank}`);
      ids[at + r] = id![r];
    }
    // Every row rank wide: the part's features are its rows' factors, in order.
    data.set(values.subarray(offsets[0], offsets[count]), at * rank);
    at += count;
  }
  // Each id once: checked on a sorted copy (a Set of a million ids costs several times more).
  const sorted = Float64Array.from(ids as number[]).sort();
  for (let t = 1; t < sorted.length; t++) {
    if (sorted[t] === sorted[t - 1]) {
      const path = tables.find((table) => table.id && table.id.includes(sorted[t]))?.path ?? folder;
      throw new RangeError(`${where}: ${path}: id ${sorted[t]} appears twice in ${folder}`);
    }
  }
  return { ids, data };
}

/**
 * A model from a saved Spark ALS model: `ALSModel.save(path)`'s folder (or a PipelineModel's, holding one ALS
 * stage, or mllib's `MatrixFactorizationModel.save`). Predictions are w_u·h_i in float64 over Spark's float32
 * factors (Spark's own sdot rounds to float32: they agree to about 1e-7 relative); ids are Spark's integer ids.
 */
export async function fromSparkALS(source: SparkSource, options: SparkOptions = {}): Promise<FactorizationInfo> {
  const where = 'fromSparkALS';
  const { regularization = 0.1 } = optionsOf(`${where}: options`, options, ['regularization']);
  if (typeof regularization !== 'number' || !(regularization > 0) || !Number.isFinite(regularization)) {
    throw new RangeError(`${where}: options.regularization: expected a finite number > 0, got ${describe(regularization)}`);
  }
  const files = await filesOf(source, where);
  // The model's own metadata: the shortest path to a metadata file (a pipeline's stages lie deeper).
  const metadataPaths = [...files.keys()].filter((path) => METADATA.test(path)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  if (metadataPaths.length === 0) {
    throw new RangeError(`${where}: no metadata/part-00000 among ${files.size} files: expected the folder ALSModel.save() writes (metadata/, userFactors/, itemFactors/)`);
  }
  const top = metadataPaths[0];
  let root = top.slice(0, top.lastIndexOf('metadata/'));
  // The model's own folder: the folder given (a path), or the one folder its files are under (a browser's picker).
  const depth = top.split('/').length;
  const roots = [...new Set(metadataPaths.filter((p) => p.split('/').length === depth).map((p) => p.slice(0, p.lastIndexOf('metadata/'))))];
  if ((typeof source === 'string' && root !== '') || roots.length > 1) {
    throw new RangeError(`${where}: no model at the top of ${typeof source === 'string' ? source : 'the files'}, but ${roots.length > 1 ? 'models' : 'a model'} in ${roots.join(', ')}: give ${roots.length > 1 ? 'one of those folders' : 'that folder'}`);
  }
  let metadata = await metadataOf(files, top, where);
  if (metadata.class === PIPELINE_CLASS) {
    // A pipeline: its stages' folders, each with its own metadata; exactly one ALS stage.
    const stages = [];
    for (const path of metadataPaths.filter((p) => p.startsWith(`${root}stages/`))) {
      const stage = await metadataOf(files, path, where);
      if (stage.class === ALS_CLASS) stages.push({ path, stage });
    }
    if (stages.length !== 1) throw new RangeError(`${where}: a PipelineModel with ${stages.length} ALS stages; expected exactly one`);
    root = stages[0].path.slice(0, stages[0].path.lastIndexOf('metadata/'));
    metadata = stages[0].stage;
  }
  const kind = metadata.class;
  if (kind !== ALS_CLASS && kind !== MLLIB_CLASS) {
    throw new RangeError(`${where}: ${top}: the model's class is ${typeof kind === 'string' ? kind : describe(kind)}; expected ${ALS_CLASS} (or a PipelineModel holding one, or ${MLLIB_CLASS})`);
  }
  const rank = metadata.rank;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) throw new RangeError(`${where}: ${top}: rank: expected an integer ≥ 1, got ${describe(rank)}`);
  const [userFolder, itemFolder] = kind === ALS_CLASS ? ['userFactors/', 'itemFactors/'] : ['data/user/', 'data/product/'];
  const users = await factorsOf(files, root + userFolder, rank, where);
  const items = await factorsOf(files, root + itemFolder, rank, where);
  if (users.ids.length === 0 || items.ids.length === 0) throw new RangeError(`${where}: ${users.ids.length} users and ${items.ids.length} items: a model needs at least one of each`);
  return importedInfo(
    rank, false, users.data, items.data, 0, 0, new Float64Array(users.ids.length).fill(1), new Float64Array(items.ids.length).fill(1), users.ids, items.ids, null,
    regularization,
  );
}
