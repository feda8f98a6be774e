// Scoring a model on held-out observations, seeded splits, and cross-validation — so that settings can
// be compared as in Surprise.
import { describe } from '../check/describe.js';
import { integer, observationLists, optionsOf } from '../check/validate.js';
import { factorize } from '../model/factorize.js';
import type { Ids, SparseMatrixInput } from '../input/observations.js';
import type { Factorization } from '../model/factorization.js';
import { byRow, predictEntry, predictInto } from '../math/predict.js';
import { picked, positionsWhere } from '../math/gather.js';
import type { Key, KeyedObservations } from '../types.js';
import type { FactorizeOptions } from '../fit/options.js';
import { DEFAULT_SOLVER, solverModule, SOLVERS } from '../solvers/index.js';
import { rankingMetricsWith, type RankingMetrics, type RankingOptions } from './ranking.js';
import { Random } from '../math/rng.js';

function keys(indices: ArrayLike<Key>, ids: readonly Key[] | undefined, modelIds: readonly Key[] | null): ArrayLike<Key> {
  return ids && modelIds ? Array.from(indices, (index) => ids[index as number]) : indices;
}

/** Whether `ids` list the model's ids, in its order (the split of the data it was trained on): indices are then its own. */
function sameIds(ids: readonly Key[] | undefined, modelIds: readonly Key[] | null): boolean {
  if (!ids || !modelIds || ids.length !== modelIds.length) return false;
  if (ids === modelIds) return true;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== modelIds[i]) return false;
  return true;
}

/**
 * Predictions by the model's own indices, with no id lookups (mapping indices to ids and back costs more than
 * the predictions themselves); undefined when an index is not one, so that the general path reports it.
 */
function byOwnIndices(model: Factorization, data: KeyedObservations): Float64Array | undefined {
  if (!sameIds(data.rowIds, model.rowIds) || !sameIds(data.colIds, model.colIds)) return undefined;
  const p = model.info.parameters;
  const rows = data.rowIndices as ArrayLike<number>;
  const cols = data.colIndices as ArrayLike<number>;
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t];
    const j = cols[t];
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < p.rows && j >= 0 && j < p.cols)) return undefined;
  }
  const pairs = byRow(rows, cols, p.rows);
  const sorted = predictInto(p, pairs, new Float64Array(rows.length));
  return picked(Float64Array, sorted, pairs.at);
}

function errors(model: Factorization, data: KeyedObservations, where: string): Float64Array {
  if (observationLists(where, data) === 0) throw new RangeError(`${where}: expected at least one observation to score, got none`);
  const predictions = byOwnIndices(model, data)
    ?? model.predictMany(keys(data.rowIndices, data.rowIds, model.rowIds), keys(data.colIndices, data.colIds, model.colIds));
  // In place: a second array the size of the data would double what scoring a large set holds.
  for (let t = 0; t < predictions.length; t++) {
    const value = data.values[t];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${where}.values[${t}]: expected a finite number, got ${describe(value)}`);
    predictions[t] -= value;
  }
  return predictions;
}

const rmseOf = (e: Float64Array) => Math.sqrt(e.reduce((sum, x) => sum + x * x, 0) / e.length);
const maeOf = (e: Float64Array) => e.reduce((sum, x) => sum + Math.abs(x), 0) / e.length;

/** Root mean squared error of the model's predictions. */
export function rmse(model: Factorization, data: KeyedObservations): number {
  return rmseOf(errors(model, data, 'rmse: data'));
}

/**
 * RMSE on the model's own training observations (what it keeps for update()), or undefined where it keeps
 * none, walked row by row: each row's
 * factors are read once rather than once per observation in a file's order, which at 10M ratings is several
 * times faster than rmse(model, train) and gives the same figure up to the order of the sum.
 */
export function trainingRmse(model: Factorization): number | undefined {
  const { parameters: p, observed } = model.info;
  const { rowStart, colIndex, values } = observed;
  // A model from elsewhere may keep no values: then there is nothing of its own to score it on.
  if (!values || values.length === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < p.rows; i++) {
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) {
      const error = predictEntry(p, i, colIndex[t]) - values[t];
      sum += error * error;
    }
  }
  return Math.sqrt(sum / values.length);
}

/** Mean absolute error of the model's predictions. */
export function mae(model: Factorization, data: KeyedObservations): number {
  return maeOf(errors(model, data, 'mae: data'));
}

export type SparseData = SparseMatrixInput & Ids;

export function pick(data: SparseData, positions: ArrayLike<number>): SparseData {
  const part = emptyPart(data, positions.length);
  copyPositions(data, part, 0, positions, positions.length);
  return part;
}

/** Positions a chunk of pickWhere gathers. */
const CHUNK = 1 << 16;

/**
 * pick(data, positionsWhere(total, keep)) without the list of every position (4 bytes an observation, held beside
 * the part as it is filled): they are gathered a chunk at a time.
 */
function pickWhere(data: SparseData, total: number, keep: (p: number) => boolean): SparseData {
  let count = 0;
  for (let p = 0; p < total; p++) if (keep(p)) count++;
  const part = emptyPart(data, count);
  const chunk = new Int32Array(Math.min(count, CHUNK));
  let [at, gathered] = [0, 0];
  for (let p = 0; p < total && at + gathered < count; p++) {
    if (!keep(p)) continue;
    chunk[gathered++] = p;
    if (gathered === chunk.length) {
      copyPositions(data, part, at, chunk, gathered);
      [at, gathered] = [at + gathered, 0];
    }
  }
  copyPositions(data, part, at, chunk, gathered);
  return part;
}

/** A part of `count` observations of data's shape and ids; float32 values stay float32 (the command line's reader keeps half stars so: 4 bytes each). */
function emptyPart(data: SparseData, count: number): SparseData {
  const Values = data.values instanceof Float32Array ? Float32Array : Float64Array;
  const part: SparseData = { rows: data.rows, cols: data.cols, rowIndices: new Int32Array(count), colIndices: new Int32Array(count), values: new Values(count) };
  if (data.rowIds) part.rowIds = data.rowIds;
  if (data.colIds) part.colIds = data.colIds;
  return part;
}

/** The observations at positions[0…count−1] of data into part, from its entry `at` on. */
function copyPositions(data: SparseData, part: SparseData, at: number, positions: ArrayLike<number>, count: number): void {
  const [rowIndices, colIndices, values] = [part.rowIndices as Int32Array, part.colIndices as Int32Array, part.values as Float64Array | Float32Array];
  for (let t = 0; t < count; t++) {
    const p = positions[t];
    rowIndices[at + t] = data.rowIndices[p];
    colIndices[at + t] = data.colIndices[p];
    values[at + t] = data.values[p];
  }
}

/** The observations' positions in a seeded random order. */
export function shuffled(count: number, seed: number): Int32Array {
  const random = new Random(seed);
  const order = new Int32Array(count);
  for (let p = 0; p < count; p++) order[p] = p;
  // Fisher–Yates, its uniform draws taken a chunk at a time (the same stream as one uniform() per step).
  const draws = new Float64Array(Math.min(Math.max(count - 1, 1), 1 << 16));
  for (let i = count - 1, at = draws.length; i > 0; i--, at++) {
    if (at === draws.length) {
      random.fill(draws.subarray(0, Math.min(draws.length, i)), 1, 'uniform');
      at = 0;
    }
    const j = Math.floor(draws[at] * (i + 1));
    const swapped = order[i];
    order[i] = order[j];
    order[j] = swapped;
  }
  return order;
}

export interface SplitOptions {
  /** Fraction of the observations held out, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Default 42. */
  seed?: number;
  /** Keep at least one observation of every row in train. Default false. */
  keepEveryRow?: boolean;
}

/**
 * A seeded random split of sparse observations into { train, test }, both with the data's shape and ids,
 * so that `rmse(await factorize(train, options), test)` works directly.
 */
export function trainTestSplit(data: SparseData, options: SplitOptions = {}): { train: SparseData; test: SparseData } {
  const { testFraction = 0.2, seed = 42, keepEveryRow = false } = optionsOf('trainTestSplit: options', options, ['testFraction', 'seed', 'keepEveryRow']);
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`trainTestSplit: testFraction: expected a number between 0 and 1, got ${describe(testFraction)}`);
  }
  observationLists('trainTestSplit: data', data);
  if (keepEveryRow) integer('trainTestSplit: data.rows', data.rows, 1);
  const order = shuffled(data.values.length, seed);
  const testCount = Math.round(testFraction * order.length);
  // Each position's side: 0 not yet placed, 1 train, 2 test.
  const side = new Uint8Array(order.length);
  if (keepEveryRow) {
    // The first occurrence of each row in the shuffled order stays in train.
    const kept = new Uint8Array(data.rows);
    for (let t = 0; t < order.length; t++) {
      const p = order[t];
      const row = data.rowIndices[p];
      if (!kept[row]) {
        kept[row] = 1;
        side[p] = 1;
      }
    }
  }
  let tested = 0;
  for (let t = 0; t < order.length; t++) {
    const p = order[t];
    if (side[p]) continue;
    side[p] = tested < testCount ? 2 : 1;
    if (side[p] === 2) tested++;
  }
  return { train: pickWhere(data, side.length, (p) => side[p] === 1), test: pickWhere(data, side.length, (p) => side[p] === 2) };
}

/** A fold's scores by metric name: rmse and mae, or ranking metrics such as precision@10. */
export type FoldScore = Record<string, number>;

const RANKING = ['precision', 'recall', 'map', 'ndcg', 'auc', 'coverage'] as const;

/**
 * Scores a model on held-out observations by metric names: 'rmse', 'mae', and ranking metrics
 * 'precision@k', 'recall@k', 'map@k', 'ndcg@k', 'coverage@k' and 'auc' (top-N against the held-out columns,
 * the model's training observations left out; see rankingMetrics); `relevant` picks the held-out observations the
 * ranking metrics count (rankingMetrics' option).
 */
export function score(model: Factorization, test: KeyedObservations, metrics: readonly string[], options: Pick<RankingOptions, 'relevant'> = {}): FoldScore {
  const { relevant } = optionsOf('score: options', options, ['relevant']);
  const result: FoldScore = {};
  const ranked = new Map<number, RankingMetrics>();
  // Predicted once for both RMSE and MAE.
  let e: Float64Array | undefined;
  for (const name of metrics) {
    if (name === 'rmse') result[name] = rmseOf((e ??= errors(model, test, 'score: test')));
    else if (name === 'mae') result[name] = maeOf((e ??= errors(model, test, 'score: test')));
    else {
      const [kind, cut] = name.split('@');
      const k = cut === undefined ? 10 : Number(cut);
      if (!RANKING.includes(kind as (typeof RANKING)[number]) || !Number.isInteger(k) || k < 1 || (kind === 'auc') !== (cut === undefined)) {
        throw new RangeError(`metrics: expected 'rmse', 'mae', 'auc' or one of ${RANKING.filter((m) => m !== 'auc').map((m) => `'${m}@k'`).join(', ')} (k ≥ 1), got ${describe(name)}`);
      }
      // AUC only where it is asked for: it ranks every candidate of every row, several times the rest's cost.
      if (!ranked.has(k)) ranked.set(k, rankingMetricsWith(model, test, { k, relevant }, metrics.includes('auc')));
      result[name] = ranked.get(k)![kind as (typeof RANKING)[number]];
    }
  }
  return result;
}

/**
 * k-fold cross-validation: each fold of a seeded random partition is held out once while the rest trains
 * with `options`. Returns each fold's scores and their means: by default RMSE and MAE (precision@10 and
 * nDCG@10 for a solver of events), or the `metrics` named (see score()).
 */
export async function crossValidate(
  data: SparseData,
  options: FactorizeOptions,
  settings: { folds?: number; seed?: number; metrics?: readonly string[]; relevant?: RankingOptions['relevant'] } = {},
): Promise<{ folds: FoldScore[]; mean: FoldScore }> {
  const { folds = 5, seed = 42, metrics, relevant } = optionsOf('crossValidate', settings, ['folds', 'seed', 'metrics', 'relevant']);
  const count = observationLists('crossValidate: data', data);
  if (!Number.isInteger(folds) || folds < 2 || folds > count) {
    throw new RangeError(`crossValidate: folds: expected an integer from 2 to the number of observations (${count}), got ${describe(folds)}`);
  }
  const names = metrics ?? (solverModule(String(options.solver ?? DEFAULT_SOLVER)) ?? SOLVERS[DEFAULT_SOLVER]).metrics;
  const order = shuffled(data.values.length, seed);
  // Each position's fold: the t-th of the shuffled order is held out in fold t mod folds.
  const foldOf = new Int32Array(order.length);
  for (let t = 0; t < order.length; t++) foldOf[order[t]] = t % folds;
  const scores: FoldScore[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const held = positionsWhere(foldOf.length, (p) => foldOf[p] === fold);
    const model = await factorize(pickWhere(data, foldOf.length, (p) => foldOf[p] !== fold), options);
    scores.push(score(model, pick(data, held), names, { relevant }));
  }
  const mean: FoldScore = {};
  for (const name of names) mean[name] = scores.reduce((sum, s) => sum + s[name], 0) / scores.length;
  return { folds: scores, mean };
}
