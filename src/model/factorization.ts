// The model users keep: predictions, imputation, recommendations, similar columns, fold-in of new rows
// and columns, ids, and (through persist.ts and interop.ts) files.
import { backends, jsScorer, type Scorer } from '../backends/index.js';
import { describe } from '../check/describe.js';
import { readMatrix } from '../input/observations.js';
import { factorRows, fromFactorRows, fromLibmf, toLibmf, type FactorsInput } from './interop.js';
import { modelFromBytes, modelFromJson, modelToBytes, modelToJson } from './persist.js';
import { predictEntry } from '../math/predict.js';
import { integer, nonNegative } from '../check/validate.js';
import { foldInOf, solverModule, type OwnSettings, type Solver } from '../solvers/index.js';
import { topN } from '../math/select.js';
import { parameterBlocks } from '../fit/spec.js';
import type { FactorizeOptions } from '../fit/options.js';
import { update } from '../fit/update.js';
import type { BackendName, FactorizationInfo, FactorRow, Folded, Key, KeyedObservations, Layout, Matrix, Parameters, StopReason } from '../types.js';

/**
 * What predict() does with a row or column id the model does not know: 'error' throws (the default);
 * 'mean' predicts it like a row or column never seen in training — the training mean plus the bias of the
 * side that is known (Spark ALS's coldStartStrategy, with the mean in place of NaN).
 */
export type ColdStart = 'error' | 'mean';

export interface PredictOptions {
  /** Default 'error'. */
  coldStart?: ColdStart;
}

function readColdStart(where: string, options: PredictOptions): ColdStart {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options: expected { coldStart }, got ${describe(options)}`);
  const { coldStart = 'error' } = options;
  if (coldStart !== 'error' && coldStart !== 'mean') {
    throw new RangeError(`${where}: options.coldStart: expected 'error' or 'mean', got ${describe(coldStart)}`);
  }
  return coldStart;
}

export interface RecommendOptions {
  /** Leave out the row's training observations. Default true. */
  excludeObserved?: boolean;
  /** Further columns to leave out. */
  exclude?: readonly Key[];
  /** Leave out columns with fewer training observations than this. Default 1 (only never-seen columns). */
  minCount?: number;
  /**
   * β of the ranking's shrinkage: what a column adds to the row's baseline (its bias and w_i·h_j) is
   * scaled by n_j/(n_j + β), n_j being its training observations, so that a column rated once or twice
   * cannot top every list on one lucky rating. 0 ranks by the plain prediction. Default 20.
   */
  shrinkage?: number;
}

/** Options of similar(). */
export interface SimilarOptions {
  /** Leave out columns with fewer training observations than this. Default 1. */
  minCount?: number;
  /** β: each cosine is scaled by n_j/(n_j + β), as in recommend(). 0 gives the plain cosine. Default 20. */
  shrinkage?: number;
}

/** Ranking defaults shared by recommend() and similar(). */
export const RANKING_DEFAULTS = Object.freeze({ minCount: 1, shrinkage: 20 });

/**
 * Shrinkage corrects models of ratings, whose column biases are barely shrunk for columns seen once; a model
 * of events already ranks by how much evidence a column has, and a model from elsewhere has no counts.
 */
function defaultShrinkage(solver: Solver | 'imported'): number {
  return solver !== 'imported' && solverModule(solver).data === 'ratings' ? RANKING_DEFAULTS.shrinkage : 0;
}

function rankingOptions(where: string, options: { minCount?: unknown; shrinkage?: unknown }, solver: Solver | 'imported'): { minCount: number; shrinkage: number } {
  const { minCount = RANKING_DEFAULTS.minCount, shrinkage = defaultShrinkage(solver) } = options;
  return { minCount: integer(`${where}: options.minCount`, minCount, 0), shrinkage: nonNegative(`${where}: options.shrinkage`, shrinkage) };
}

function idIndex(ids: readonly Key[] | null): Map<string, number> | null {
  return ids && new Map(ids.map((id, index) => [String(id), index]));
}

/** The result of `factorize`: the factors, how training went, and what can be done with them. */
export class Factorization {
  /** rows×rank, row-major. */
  readonly W: Matrix;
  /** rank×cols, row-major. */
  readonly H: Matrix;
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
  /** The kernel layout that ran: 'dense' or 'sparse' (or 'imported'). */
  readonly kernel: Layout | 'imported';
  readonly #info: FactorizationInfo;
  readonly #p: Parameters;
  readonly #rowIndex: Map<string, number> | null;
  #scorer: Scorer | undefined;
  /** The fewest observations of any column (minCount's pass is skipped when no column falls below it). */
  #lowestCount: number | undefined;
  readonly #colIndex: Map<string, number> | null;

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
    this.#rowIndex = idIndex(info.rowIds);
    this.#colIndex = idIndex(info.colIds);
    const W = new Float64Array(rows * rank);
    for (let i = 0; i < rows; i++) W.set(p.W.subarray(i * width, i * width + rank), i * rank);
    const H = new Float64Array(rank * cols);
    for (let k = 0; k < rank; k++) for (let j = 0; j < cols; j++) H[k * cols + j] = p.H[j * width + k];
    this.W = { rows, cols: rank, data: W };
    this.H = { rows: rank, cols, data: H };
    this.rank = rank;
    this.rowBias = p.biases ? Float64Array.from({ length: rows }, (_, i) => p.W[i * width + rank]) : null;
    this.colBias = p.biases ? Float64Array.from({ length: cols }, (_, j) => p.H[j * width + rank + 1]) : null;
    this.globalMean = p.mean;
    this.clip = p.clip;
    this.rowIds = info.rowIds;
    this.colIds = info.colIds;
    const t = info.training;
    this.initialLoss = t.initialLoss;
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
    this.kernel = t.kernel;
  }

  /** Everything the model is made of (for persist.ts and interop.ts). */
  get info(): FactorizationInfo {
    return this.#info;
  }

  /** The index of a row given as the user names it (an id when the model has ids). */
  rowIndexOf(row: Key, where = 'row'): number {
    return this.#resolve(row, this.#rowIndex, this.#p.rows, where);
  }

  colIndexOf(col: Key, where = 'col'): number {
    return this.#resolve(col, this.#colIndex, this.#p.cols, where);
  }

  #resolve(key: Key, ids: Map<string, number> | null, count: number, where: string): number {
    if (ids) {
      const index = ids.get(String(key));
      if (index === undefined) throw new RangeError(`${where}: no such id ${typeof key === 'string' ? JSON.stringify(key) : describe(key)} in the training data`);
      return index;
    }
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= count) {
      throw new RangeError(`${where}: expected an integer from 0 to ${count - 1}, got ${describe(key)}`);
    }
    return key;
  }

  #colKey(index: number): Key {
    return this.colIds ? this.colIds[index] : index;
  }

  /**
   * The prediction for (row, col): μ + b_i + c_j + w_i·h_j (just W·H for plain gd), clipped to the
   * training range when options.clip was on. A row or column with no training observations gets the
   * training mean plus the bias that is known.
   */
  predict(row: Key, col: Key, options: PredictOptions = {}): number {
    const coldStart = readColdStart('predict', options);
    return predictEntry(this.#p, this.#lookUp(row, 'row', 'predict: row', coldStart), this.#lookUp(col, 'col', 'predict: col', coldStart));
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
      const i = this.#known(rows[t], this.#rowIndex, this.#p.rows) ?? this.#lookUp(rows[t], 'row', `predictMany: rows[${t}]`, coldStart);
      const j = this.#known(cols[t], this.#colIndex, this.#p.cols) ?? this.#lookUp(cols[t], 'col', `predictMany: cols[${t}]`, coldStart);
      out[t] = predictEntry(this.#p, i, j);
    }
    return out;
  }

  /** The index of a key the model knows, or undefined (then #lookUp decides: an error, or −1). */
  #known(key: Key, ids: Map<string, number> | null, count: number): number | undefined {
    if (ids) return ids.get(typeof key === 'string' ? key : String(key));
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < count ? key : undefined;
  }

  /** An index, or −1 (an unknown key under coldStart 'mean': predicted like a row or column never seen). */
  #lookUp(key: Key, side: 'row' | 'col', where: string, coldStart: ColdStart): number {
    if (coldStart === 'mean') {
      const ids = side === 'row' ? this.#rowIndex : this.#colIndex;
      const count = side === 'row' ? this.#p.rows : this.#p.cols;
      if (ids ? !ids.has(String(key)) : typeof key === 'number' && Number.isInteger(key) && (key < 0 || key >= count)) return -1;
    }
    return side === 'row' ? this.rowIndexOf(key, where) : this.colIndexOf(key, where);
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
    return topN(scores, n).map(({ index, score }) => ({ col: this.#colKey(index), score }));
  }

  /**
   * Every column's ranking score for a row (or folded-in factors), as recommend() ranks them, with NaN for
   * the columns it leaves out. A view that the next call overwrites: copy it to keep it.
   */
  scoreAll(row: Key | Folded, options: RecommendOptions = {}, where = 'scoreAll'): Float64Array {
    const p = this.#p;
    const { width } = p;
    let w: Float64Array;
    let rowIndex = -1;
    if (typeof row === 'object' && row !== null && 'factors' in row) {
      w = this.#foldedRow(row, where);
    } else {
      rowIndex = this.rowIndexOf(row as Key, `${where}: row`);
      w = p.W.subarray(rowIndex * width, (rowIndex + 1) * width);
    }
    const { excludeObserved = true, exclude = [] } = options;
    const { minCount, shrinkage } = rankingOptions(where, options, this.solver);
    const excluded = exclude.map((col, t) => this.colIndexOf(col, `${where}: exclude[${t}]`));
    const { H, colCounts, cols, offset } = p;
    this.#scorer ??= jsScorer(H, cols, width);
    // A view the next call overwrites: marking excluded columns NaN in it is safe.
    const scores = this.#scorer.scores(w, offset);
    // The row's own part of every score (μ and its bias) stays; the column's part is shrunk.
    const base = offset + (p.biases ? w[p.rank] : 0);
    // A pass over every column only when it changes something (it is a tenth of a float32 recommend at 1M columns).
    this.#lowestCount ??= colCounts.reduce((lowest, count) => (count < lowest ? count : lowest), Infinity);
    if (shrinkage > 0 || minCount > this.#lowestCount) {
      for (let c = 0; c < cols; c++) {
        const count = colCounts[c];
        if (count < minCount) scores[c] = NaN;
        else if (shrinkage > 0) scores[c] = base + (count / (count + shrinkage)) * (scores[c] - base);
      }
    }
    if (excludeObserved && rowIndex >= 0) {
      const { rowStart, colIndex } = this.#info.observed;
      for (let t = rowStart[rowIndex]; t < rowStart[rowIndex + 1]; t++) scores[colIndex[t]] = NaN;
    } else if (excludeObserved && typeof row === 'object' && row.observed) {
      for (const j of row.observed) if (j >= 0 && j < cols) scores[j] = NaN;
    }
    for (const j of excluded) scores[j] = NaN;
    return scores;
  }

  /**
   * Keeps the column factors resident in a WebAssembly instance of the model's own, so that recommend()
   * scores every column with SIMD kernels (otherwise it uses the pure-JS scorer). The instance holds
   * 8·cols·width bytes (4 with precision 'float32', which halves what each call streams; scores then
   * carry the factors' float32 rounding, about 1e-7 relative) until release().
   */
  async prepareServing({ backend = 'wasm', precision = 'float64' }: { backend?: BackendName; precision?: 'float64' | 'float32' } = {}): Promise<this> {
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
    const p = this.#p;
    const { width, rank } = p;
    const j0 = this.colIndexOf(col, 'similar: col');
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`similar: n: expected an integer ≥ 0, got ${describe(n)}`);
    const { minCount, shrinkage } = rankingOptions('similar', options, this.solver);
    const H = p.H;
    const similarity = new Float64Array(p.cols);
    let norm0 = 0;
    for (let k = 0; k < rank; k++) norm0 += H[j0 * width + k] ** 2;
    norm0 = Math.sqrt(norm0);
    if (norm0 === 0) return [];
    for (let j = 0, at = 0; j < p.cols; j++, at += width) {
      let dot = 0;
      let norm = 0;
      for (let k = 0; k < rank; k++) {
        dot += H[j0 * width + k] * H[at + k];
        norm += H[at + k] * H[at + k];
      }
      const count = p.colCounts[j];
      similarity[j] = j === j0 || count < minCount || norm === 0 ? NaN : (dot / (norm0 * Math.sqrt(norm))) * (count / (count + shrinkage));
    }
    return topN(similarity, n).map(({ index, score }) => ({ col: this.#colKey(index), similarity: score }));
  }

  /**
   * Factors (and bias) for a new row from its observations { colIndices, values }, without retraining: the
   * regularized least-squares solve ALS makes for a row, against the trained H, with the model's penalties
   * (or `regularization` when given; needed when the model was trained without one).
   */
  foldIn(observations: { colIndices: ArrayLike<Key>; values: ArrayLike<number> }, options: { regularization?: number } = {}): Folded {
    return this.#fold('foldIn', observations.colIndices, observations.values, options.regularization, 'row');
  }

  /** The same for a new column from its observations { rowIndices, values }, against the trained W. */
  foldInColumn(observations: { rowIndices: ArrayLike<Key>; values: ArrayLike<number> }, options: { regularization?: number } = {}): Folded {
    return this.#fold('foldInColumn', observations.rowIndices, observations.values, options.regularization, 'col');
  }

  /** The prediction for a folded-in row and a trained column (clipped like predict). */
  predictFolded(folded: Folded, col: Key): number {
    const p = this.#p;
    const w = this.#foldedRow(folded, 'predictFolded');
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
  toBytes({ precision = 'float64' }: { precision?: 'float64' | 'float32' } = {}): Uint8Array {
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

  /** A folded row as a full-width factor row: [factors, bias, 1]. */
  #foldedRow(folded: Folded, where: string): Float64Array {
    const { rank, width, biases } = this.#p;
    if (!(folded.factors instanceof Float64Array) || folded.factors.length !== rank) {
      throw new TypeError(`${where}: expected folded factors of length ${rank} (from foldIn), got ${describe(folded.factors)}`);
    }
    const w = new Float64Array(width);
    w.set(folded.factors);
    if (biases) [w[rank], w[rank + 1]] = [folded.bias, 1];
    return w;
  }

  #fold(where: string, keys: ArrayLike<Key>, given: ArrayLike<number>, regularization: number | undefined, side: 'row' | 'col'): Folded {
    const p = this.#p;
    const { rank, width, biases } = p;
    if (!keys || !given || keys.length !== given.length) {
      throw new RangeError(`${where}: expected as many values as indices, got ${keys?.length} indices and ${given?.length} values`);
    }
    if (keys.length === 0) throw new RangeError(`${where}: expected at least one observation, got none`);
    const penalties = { ...this.#info.penalties };
    if (regularization !== undefined) {
      if (typeof regularization !== 'number' || !(regularization > 0) || !Number.isFinite(regularization)) {
        throw new RangeError(`${where}: options.regularization: expected a finite number > 0, got ${describe(regularization)}`);
      }
      penalties.regularization = { W: regularization, H: regularization, bias: regularization };
    }
    const lambda = side === 'row' ? penalties.regularization.W : penalties.regularization.H;
    if (!(lambda > 0)) {
      throw new RangeError(`${where}: the model was trained without regularization, so the solve may be singular; pass { regularization } (e.g. 0.1)`);
    }
    // The solve is width×width: a model of huge rank cannot be folded into (its factors can still be used).
    if (width * width > 1 << 27) {
      throw new RangeError(`${where}: a rank-${rank} model needs a ${width}×${width} solve (${((width * width * 8) / 2 ** 30).toFixed(1)} GiB); fold-in supports ranks up to 11584`);
    }
    const { wParams, hParams } = parameterBlocks(penalties);
    const other = side === 'row' ? p.H : p.W;
    const index = new Int32Array(keys.length);
    const values = new Float64Array(keys.length);
    for (let t = 0; t < keys.length; t++) {
      index[t] = side === 'row' ? this.colIndexOf(keys[t], `${where}: colIndices[${t}]`) : this.rowIndexOf(keys[t], `${where}: rowIndices[${t}]`);
      const x = given[t];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: values[${t}]: expected a finite number, got ${describe(x)}`);
      values[t] = x - p.offset;
    }
    // The trained solver's own row solve (the least-squares one of ratings for models from elsewhere).
    const solved = foldInOf(this.solver)({
      where, index, values, fixed: other, fixedCount: side === 'row' ? p.cols : p.rows, width, rank, biases, side,
      params: side === 'row' ? wParams : hParams, lambda, own: penalties as unknown as OwnSettings,
      coordinateDescent: penalties.nonnegative || penalties.l1.W > 0 || penalties.l1.H > 0,
    });
    const folded: Folded = { factors: solved.slice(0, rank), bias: biases ? solved[side === 'row' ? rank : rank + 1] : 0 };
    if (side === 'row') folded.observed = index;
    return folded;
  }
}
