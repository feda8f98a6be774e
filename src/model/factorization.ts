// The model users keep: its factors and training record, and what can be done with them — predictions and
// imputation here; rankings (ranking.ts), fold-in (fold.ts), ids (keys.ts), files (persist.ts, interop.ts) and
// updates (src/fit/update.ts) each in their own module, this class the facade over them.
import { backends, jsScorer, type Scorer } from '../backends/index.js';
import { describe } from '../check/describe.js';
import { optionsOf } from '../check/validate.js';
import type { FactorizeOptions } from '../fit/options.js';
import { update } from '../fit/update.js';
import { readMatrix } from '../input/observations.js';
import { predictEntry } from '../math/predict.js';
import { topN } from '../math/select.js';
import type { Solver } from '../solvers/index.js';
import type { BackendName, FactorizationInfo, FactorRow, Folded, Key, KeyedObservations, Layout, Matrix, Parameters, StopReason } from '../types.js';
import { fold, foldedRow, foldMany, type FoldedMany, type FoldInManyOptions } from './fold.js';
import { factorRows, fromFactorRows, fromImplicit, fromLibmf, toLibmf, type FactorsInput, type ImplicitOptions } from './interop.js';
import type { SparkOptions, SparkSource } from './spark.js';
import { Keys, readColdStart, type PredictOptions } from './keys.js';
import { modelFromBytes, modelFromJson, modelToBytes, modelToJson } from './persist.js';
import { recommendRowsOf, scoreAll, similar, type Ranked, type RecommendOptions, type SimilarOptions } from './ranking.js';

export type { ColdStart, PredictOptions } from './keys.js';
export type { RecommendOptions, SimilarOptions } from './ranking.js';

/** The result of `factorize`: the factors, how training went, and what can be done with them. */
export class Factorization {
  /** Rows (users) and columns (items) the model knows. */
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  /** Row biases b_i (biases: true), else null. */
  readonly rowBias: Float64Array | null;
  /** Column biases c_j (biases: true), else null. */
  readonly colBias: Float64Array | null;
  /**
   * μ, the training mean: with biases the μ of x ≈ μ + b_i + c_j + w_i·h_j; without, only what a row or
   * column never seen in training is predicted as (predictions are then w_i·h_j).
   */
  readonly globalMean: number;
  /** [min, max] that predictions are clipped to (options.clip), or null. */
  readonly clip: readonly [number, number] | null;
  /** The user's ids of the rows and columns (from the training data), or null: then keys are indices. */
  readonly rowIds: readonly Key[] | null;
  readonly colIds: readonly Key[] | null;
  /** The objective of the initial factors. */
  readonly initialLoss: number;
  /**
   * RMSE on the training observations of the returned factors' predictions (clipped as predict() clips),
   * computed by the run for als, sgd and baseline (in the run's precision), kept when the model is saved;
   * undefined for other solvers, for restored best epochs and for imported models.
   */
  readonly trainingRmse: number | undefined;
  /**
   * Entry e: the objective after epoch e, ½ Σ (x − prediction)² over the training observations plus the
   * penalties; with no penalty, the value the seed prints.
   */
  readonly lossHistory: Float64Array;
  /** Entry e: RMSE on options.validation after epoch e (empty without one). */
  readonly validationHistory: Float64Array;
  /** Epochs run. */
  readonly epochs: number;
  /** The epoch whose factors these are: the best on validation (with restoreBest), else the last; −1 for none. */
  readonly bestEpoch: number;
  /** Why training stopped: 'epochs' (all run), 'tolerance', 'patience' or 'callback'. */
  readonly stoppedBy: StopReason;
  /** Whether the tolerance was met. */
  readonly converged: boolean;
  /** The objective of the returned factors. */
  readonly loss: number;
  /** The solver that trained it, or 'imported'. */
  readonly solver: Solver | 'imported';
  /** The backend that ran: 'wasm' or 'js' (or 'imported'). */
  readonly backend: BackendName | 'imported';
  /** The layout the run worked in: 'dense' (every entry) or 'sparse' (the observed ones), or 'imported'. */
  readonly layout: Layout | 'imported';
  readonly #info: FactorizationInfo;
  readonly #p: Parameters;
  readonly #keys: Keys;
  #scorer: Scorer | undefined;
  #lowestCount: number | undefined;
  /** What the rankings read of the model (ranking.ts). */
  readonly #ranked: Ranked;

  constructor(info: FactorizationInfo) {
    let p = info.parameters;
    const { rows, cols, rank, width } = p;
    if (!p.hTransposed) {
      const H = new Float64Array(cols * width);
      for (let k = 0; k < width; k++) for (let j = 0; j < cols; j++) H[j * width + k] = p.H[k * cols + j];
      p = { ...p, H, hTransposed: true };
    }
    this.#info = { ...info, parameters: p };
    this.#p = p;
    this.#keys = new Keys(info.rowIds, info.colIds, rows, cols);
    this.rows = rows;
    this.cols = cols;
    this.rank = rank;
    this.rowBias = p.biases ? Float64Array.from({ length: rows }, (_, i) => p.W[i * width + rank]) : null;
    this.colBias = p.biases ? Float64Array.from({ length: cols }, (_, j) => p.H[j * width + rank + 1]) : null;
    this.globalMean = p.mean;
    this.clip = p.clip;
    this.rowIds = info.rowIds;
    this.colIds = info.colIds;
    const t = info.training;
    this.initialLoss = t.initialLoss;
    this.trainingRmse = t.trainingRmse;
    this.lossHistory = t.lossHistory;
    this.validationHistory = t.validationHistory;
    this.epochs = t.lossHistory.length;
    this.bestEpoch = t.bestEpoch;
    this.stoppedBy = t.stoppedBy;
    this.converged = t.stoppedBy === 'tolerance';
    this.loss = t.bestEpoch >= 0 ? t.lossHistory[t.bestEpoch] : t.initialLoss;
    // fit() and persistence admit only the registry's names.
    this.solver = t.solver as Solver | 'imported';
    this.backend = t.backend;
    this.layout = t.layout;
    this.#ranked = {
      p, keys: this.#keys, solver: this.solver, observed: this.#info.observed,
      scorer: () => (this.#scorer ??= jsScorer(p.H, p.cols, p.width)),
      lowestCount: () => (this.#lowestCount ??= p.colCounts.reduce((lowest, count) => (count < lowest ? count : lowest), Infinity)),
    };
  }

  #W: Matrix | undefined;
  #H: Matrix | undefined;

  /**
   * rows×rank, row-major: the factors without the bias coordinates. Made on first use (a copy of the
   * model's factors: a model of 10M ratings that only predicts or is saved never holds it).
   */
  get W(): Matrix {
    if (!this.#W) {
      const { rows, rank, width, W: stored } = this.#p;
      const W = new Float64Array(rows * rank);
      for (let i = 0; i < rows; i++) W.set(stored.subarray(i * width, i * width + rank), i * rank);
      this.#W = { rows, cols: rank, data: W };
    }
    return this.#W;
  }

  /** rank×cols, row-major; made on first use, as W. */
  get H(): Matrix {
    if (!this.#H) {
      const { cols, rank, width, H: stored } = this.#p;
      const H = new Float64Array(rank * cols);
      for (let k = 0; k < rank; k++) for (let j = 0; j < cols; j++) H[k * cols + j] = stored[j * width + k];
      this.#H = { rows: rank, cols, data: H };
    }
    return this.#H;
  }

  /** Everything the model is made of (for persist.ts and interop.ts). */
  get info(): FactorizationInfo {
    return this.#info;
  }

  /** The index of a row given as the user names it (an id when the model has ids). */
  rowIndexOf(row: Key, where = 'row'): number {
    return this.#keys.indexOf(row, 'row', where);
  }

  colIndexOf(col: Key, where = 'col'): number {
    return this.#keys.indexOf(col, 'col', where);
  }

  /**
   * The prediction for (row, col): μ + b_i + c_j + w_i·h_j (just W·H for plain gd), clipped to the
   * training range when options.clip was on. A row or column with no training observations gets the
   * training mean plus the bias that is known.
   */
  predict(row: Key, col: Key, options: PredictOptions = {}): number {
    const coldStart = readColdStart('predict', options);
    return predictEntry(this.#p, this.#keys.lookUp(row, 'row', 'predict: row', coldStart), this.#keys.lookUp(col, 'col', 'predict: col', coldStart));
  }

  /** Predictions for the pairs (rows[t], cols[t]). */
  predictMany(rows: ArrayLike<Key>, cols: ArrayLike<Key>, options: PredictOptions = {}): Float64Array {
    const coldStart = readColdStart('predictMany', options);
    if (rows?.length === undefined || cols?.length === undefined) {
      throw new TypeError(`predictMany: expected two arrays of keys, got ${describe(rows)} and ${describe(cols)}`);
    }
    if (rows.length !== cols.length) {
      throw new RangeError(`predictMany: expected as many cols as rows (${rows.length}), got ${cols.length}`);
    }
    const out = new Float64Array(rows.length);
    for (let t = 0; t < rows.length; t++) {
      // A known key costs one lookup; the message naming the entry is made only for a key that fails.
      const i = this.#keys.known(rows[t], 'row') ?? this.#keys.lookUp(rows[t], 'row', `predictMany: rows[${t}]`, coldStart);
      const j = this.#keys.known(cols[t], 'col') ?? this.#keys.lookUp(cols[t], 'col', `predictMany: cols[${t}]`, coldStart);
      out[t] = predictEntry(this.#p, i, j);
    }
    return out;
  }

  /** Every prediction, rows×cols. */
  reconstruct(): Matrix {
    const { rows, cols } = this.#p;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = predictEntry(this.#p, i, j);
    return { rows, cols, data };
  }

  /** X with its missing (NaN) entries filled by predictions; observed entries are kept exactly. */
  impute(X: unknown): Matrix {
    const matrix = readMatrix('impute: X', X);
    if (matrix.rows !== this.#p.rows || matrix.cols !== this.#p.cols) {
      throw new RangeError(`impute: X: expected the model's ${this.#p.rows}×${this.#p.cols}, got ${matrix.rows}×${matrix.cols}`);
    }
    const { data, cols } = matrix;
    for (let p = 0; p < data.length; p++) if (data[p] !== data[p]) data[p] = predictEntry(this.#p, Math.floor(p / cols), p % cols);
    return matrix;
  }

  /**
   * The n columns with the highest score for a row (or for folded-in factors), best first, as
   * [{ col, score }]. The score is the unclipped prediction with the column's part shrunk by how often
   * the column was seen, μ + b_i + n_j/(n_j + β)·(c_j + w_i·h_j) (see `shrinkage`); with shrinkage 0 it
   * is the prediction itself. Columns never observed in training are left out, and so by default are
   * the row's own training observations.
   */
  recommend(row: Key | Folded, n = 10, options: RecommendOptions = {}): { col: Key; score: number }[] {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`recommend: n: expected an integer ≥ 0, got ${describe(n)}`);
    const scores = this.scoreAll(row, options, 'recommend');
    return topN(scores, n).map(({ index, score }) => ({ col: this.#keys.colKey(index), score }));
  }

  /**
   * recommend() for each of `rows` (all of them by default), in order: the same lists, order and ties as one
   * call per row, with the options checked once — ranked in WebAssembly, on every core when there is enough
   * work (rows × columns × rank past about 4M), by the same sums as the model's scorer (prepareServing()'s
   * float32 scoring is ranked row by row).
   */
  async recommendMany(rows?: readonly Key[], n = 10, options: RecommendOptions = {}): Promise<{ row: Key; items: { col: Key; score: number }[] }[]> {
    if (rows !== undefined && !Array.isArray(rows)) throw new TypeError(`recommendMany: rows: expected an array of row keys, got ${describe(rows)}`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`recommendMany: n: expected an integer ≥ 0, got ${describe(n)}`);
    const keys = rows ?? (this.rowIds ?? Array.from({ length: this.#p.rows }, (_, i) => i));
    const indices = Int32Array.from(keys, (row, t) => this.rowIndexOf(row, `recommendMany: rows[${t}]`));
    const lists = await recommendRowsOf(this.#ranked, indices, n, options, 'recommendMany');
    return keys.map((row, t) => ({ row, items: lists[t].map(({ index, score }) => ({ col: this.#keys.colKey(index), score })) }));
  }

  /**
   * Every column's ranking score for a row (or folded-in factors), as recommend() ranks them, with NaN for
   * the columns it leaves out. A view that the next call overwrites: copy it to keep it.
   */
  scoreAll(row: Key | Folded, options: RecommendOptions = {}, where = 'scoreAll'): Float64Array {
    if (typeof row === 'object' && row !== null && 'factors' in row) {
      return scoreAll(this.#ranked, foldedRow(this.#p, row, where), -1, row.observed, options, where);
    }
    const { width, W } = this.#p;
    const i = this.rowIndexOf(row as Key, `${where}: row`);
    return scoreAll(this.#ranked, W.subarray(i * width, (i + 1) * width), i, undefined, options, where);
  }

  /**
   * Keeps the column factors resident in a WebAssembly instance of the model's own, so that recommend()
   * scores every column with SIMD kernels (otherwise it uses the pure-JS scorer). The instance holds
   * 8·cols·width bytes (4 with precision 'float32', which halves what each call streams; scores then
   * carry the factors' float32 rounding, about 1e-7 relative) until release().
   */
  async prepareServing(options: { backend?: BackendName; precision?: 'float64' | 'float32' } = {}): Promise<this> {
    const { backend = 'wasm', precision = 'float64' } = optionsOf('prepareServing: options', options, ['backend', 'precision']);
    const chosen = backends[backend];
    if (!chosen) throw new RangeError(`prepareServing: backend: expected 'wasm' or 'js', got ${describe(backend)}`);
    if (precision !== 'float64' && precision !== 'float32') {
      throw new RangeError(`prepareServing: precision: expected 'float64' or 'float32', got ${describe(precision)}`);
    }
    const scorer = await chosen.scorer(this.#p.H, this.#p.cols, this.#p.width, precision);
    this.#scorer?.close();
    this.#scorer = scorer;
    return this;
  }

  /** Gives back what prepareServing() took; recommend() goes on with the pure-JS scorer. */
  release(): void {
    this.#scorer?.close();
    this.#scorer = undefined;
  }

  /**
   * The n columns whose latent factors point most nearly the same way, as [{ col, similarity }]: the
   * cosine, scaled by n_j/(n_j + β) (see SimilarOptions.shrinkage) so that rarely seen columns, whose
   * factors are mostly their initial draws, do not come first.
   */
  similar(col: Key, n = 10, options: SimilarOptions = {}): { col: Key; similarity: number }[] {
    const j0 = this.colIndexOf(col, 'similar: col');
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`similar: n: expected an integer ≥ 0, got ${describe(n)}`);
    if (this.rank === 0) throw new TypeError(`similar: this model has no factors to compare (rank 0: biases only, solver '${this.solver}')`);
    return similar(this.#ranked, j0, n, options);
  }

  /**
   * Factors (and bias) for a new row from its observations { colIndices, values }, without retraining: the
   * regularized least-squares solve ALS makes for a row, against the trained H, with the model's penalties
   * (or `regularization` when given; needed when the model was trained without one).
   */
  foldIn(observations: { colIndices: ArrayLike<Key>; values: ArrayLike<number> }, options: { regularization?: number } = {}): Folded {
    const { regularization } = optionsOf('foldIn: options', options, ['regularization']);
    return fold(this.#info, this.#keys, 'foldIn', observations.colIndices, observations.values, regularization, 'row');
  }

  /** The same for a new column from its observations { rowIndices, values }, against the trained W. */
  foldInColumn(observations: { rowIndices: ArrayLike<Key>; values: ArrayLike<number> }, options: { regularization?: number } = {}): Folded {
    const { regularization } = optionsOf('foldInColumn: options', options, ['regularization']);
    return fold(this.#info, this.#keys, 'foldInColumn', observations.rowIndices, observations.values, regularization, 'col');
  }

  /**
   * Many new rows folded in at once, each exactly as foldIn() folds in one, on every core for the solvers of
   * ratings (the solve ALS makes for a row, in WebAssembly, cut into parts fixed by the work: the same bits
   * whatever the threads); ials and bpr models fold each row in turn. `rowIndices` number the new rows
   * 0…n − 1 (each with at least one observation), `colIndices` are the model's columns. With
   * `side: 'col'`, new columns against the trained W: `colIndices` number them, `rowIndices` are the model's rows.
   * Returns n rows of `rank` factors (row-major) and their biases.
   */
  async foldInMany(
    observations: { rowIndices: ArrayLike<Key>; colIndices: ArrayLike<Key>; values: ArrayLike<number> },
    options: FoldInManyOptions = {},
  ): Promise<FoldedMany> {
    const where = 'foldInMany';
    if (typeof observations !== 'object' || observations === null) {
      throw new TypeError(`${where}: expected { rowIndices, colIndices, values }, got ${describe(observations)}`);
    }
    const { side = 'row', regularization, threads } = optionsOf(`${where}: options`, options, ['side', 'regularization', 'threads']);
    const { rowIndices, colIndices, values } = observations;
    const [index, given] = side === 'row' ? [rowIndices, colIndices] : [colIndices, rowIndices];
    for (const [name, list] of [['rowIndices', rowIndices], ['colIndices', colIndices], ['values', values]] as const) {
      if (!list || typeof list.length !== 'number') throw new TypeError(`${where}: ${name}: expected an array, got ${describe(list)}`);
    }
    if (rowIndices.length !== colIndices.length || values.length !== rowIndices.length) {
      throw new RangeError(`${where}: expected as many rowIndices, colIndices and values, got ${rowIndices.length}, ${colIndices.length} and ${values.length}`);
    }
    let count = 0;
    for (let t = 0; t < index.length; t++) if (typeof index[t] === 'number') count = Math.max(count, (index[t] as number) + 1);
    return foldMany(this.#info, this.#keys, where, { index: index as ArrayLike<number>, given, values, count }, regularization, side, threads);
  }

  /** The prediction for a folded-in row and a trained column (clipped like predict). */
  predictFolded(folded: Folded, col: Key): number {
    const p = this.#p;
    const w = foldedRow(p, folded, 'predictFolded');
    const j = this.colIndexOf(col, 'predictFolded: col');
    const single: Parameters = { ...p, rows: 1, W: w, rowCounts: new Float64Array([1]) };
    return predictEntry(single, 0, j);
  }

  /**
   * A new model that has absorbed new observations without training from scratch: the model's own training
   * observations plus these (rows and columns as the model names them; unknown ids become new rows and
   * columns; a new value for a pair already there replaces the old one), training warm-started from this
   * model's factors and biases (options.init) for `options.epochs` (default 1) with the model's solver and
   * penalties unless `options` says otherwise. One ALS epoch is usually enough (bench/README.md).
   */
  async update(observations: KeyedObservations, options: Partial<FactorizeOptions> = {}): Promise<Factorization> {
    return new Factorization(await update(this.#info, observations, options));
  }

  /** A plain object that JSON.stringify writes and fromJSON reads back exactly. */
  toJSON(): object {
    return modelToJson(this.#info);
  }

  static fromJSON(json: unknown): Factorization {
    return new Factorization(modelFromJson(json));
  }

  /** A compact binary form with a format version and a checksum; 'float32' halves the factors' size. */
  toBytes(options: { precision?: 'float64' | 'float32' } = {}): Uint8Array {
    const { precision = 'float64' } = optionsOf('toBytes: options', options, ['precision']);
    return modelToBytes(this.#info, precision);
  }

  static fromBytes(bytes: Uint8Array | ArrayBuffer): Factorization {
    return new Factorization(modelFromBytes(bytes));
  }

  /** LIBMF's text model format (biases folded into extra factors), for LIBMF, recosystem or ML.NET. */
  toLibmf(): string {
    return toLibmf(this.#info);
  }

  static fromLibmf(text: string): Factorization {
    return new Factorization(fromLibmf(text));
  }

  /**
   * A model from the .npz file Python's implicit saves (`model.save(path)`) for its AlternatingLeastSquares
   * or BayesianPersonalizedRanking: predictions are implicit's scores (u·i; with BPR's item bias), and
   * recommend() ranks as implicit's recommend does. Its rows and columns are implicit's user and item
   * indices unless `rowIds`/`colIds` name them. Stored .npz files only (np.savez, as save() writes).
   */
  static fromImplicit(npz: Uint8Array | ArrayBuffer, options?: ImplicitOptions): Factorization {
    return new Factorization(fromImplicit(npz, options));
  }

  /**
   * A model from a saved Spark ALS model: the folder `ALSModel.save(path)` writes (or a PipelineModel's with
   * one ALS stage, or mllib's `MatrixFactorizationModel.save`) — its path in Node, or its files in a browser
   * (`File`s from a folder picker, or `{ name, bytes }` with names relative to the folder). Predictions are
   * w_u·h_i in float64 over Spark's float32 factors; ids are Spark's integer ids; no biases.
   */
  static async fromSparkALS(source: SparkSource, options?: SparkOptions): Promise<Factorization> {
    // The Parquet reader is loaded only by this method.
    const { fromSparkALS } = await import('./spark.js');
    return new Factorization(await fromSparkALS(source, options));
  }

  /** W's rows, keyed by row id (or index): [{ id, features, bias? }]. */
  rowFactors(): FactorRow[] {
    return factorRows(this.#info, 'rows');
  }

  /** H's columns, keyed by column id (or index). */
  colFactors(): FactorRow[] {
    return factorRows(this.#info, 'cols');
  }

  /**
   * A model from factor rows keyed by id, such as Spark ALS's userFactors and itemFactors, or
   * rowFactors()/colFactors() with { mean: model.globalMean, clip: model.clip }, which gives back every
   * prediction exactly.
   */
  static fromFactors(factors: FactorsInput): Factorization {
    return new Factorization(fromFactorRows(factors));
  }
}
