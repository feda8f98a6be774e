// Top-N evaluation of any model (of ratings or of events, trained or imported) and the most-popular baseline.
import { Factorization } from '../model/factorization.js';
import { columnsByRow, rankingMetricsOf, type RankingMetrics } from '../math/ranking.js';
import { describe } from '../check/describe.js';
import { integer, optionsOf } from '../check/validate.js';
import type { Key, KeyedObservations } from '../types.js';
import { RECOMMEND_OPTIONS, type RecommendOptions } from '../model/ranking.js';

export type { RankingMetrics } from '../math/ranking.js';

/** Observations by key: rows and columns as the model names them, or indices with the ids they refer to. */
export type Observed = Omit<KeyedObservations, 'values'> & { values?: ArrayLike<number> };

export interface RankingOptions extends Pick<RecommendOptions, 'minCount' | 'shrinkage' | 'excludeObserved'> {
  /** The cut-off. Default 10. */
  k?: number;
  /** Observations to leave out of each row's candidates (usually the training set), besides excludeObserved. */
  exclude?: Observed;
  /**
   * Which held-out observations are relevant: a threshold on their values (`4`: ratings ≥ 4, the usual protocol
   * for ratings), or a test of a value. Default: every held-out observation (events).
   */
  relevant?: number | ((value: number) => boolean);
}

/** The held-out observations that count as relevant (all of them without `relevant`). */
function relevantOnly(test: Observed, relevant: RankingOptions['relevant'], where: string): Observed {
  if (relevant === undefined) return test;
  if (typeof relevant !== 'function' && !(typeof relevant === 'number' && Number.isFinite(relevant))) {
    throw new TypeError(`${where}: options.relevant: expected a threshold (a finite number) or a function of a value, got ${describe(relevant)}`);
  }
  if (test?.values?.length !== test?.rowIndices?.length) {
    throw new RangeError(`${where}: test: options.relevant needs its values, one per observation; got ${test?.values?.length ?? 'none'}`);
  }
  const passes = typeof relevant === 'number' ? (value: number) => value >= relevant : relevant;
  const keep = Array.from({ length: test.values!.length }, (_, t) => t).filter((t) => passes(test.values![t]));
  return { ...test, rowIndices: keep.map((t) => test.rowIndices[t]), colIndices: keep.map((t) => test.colIndices[t]), values: keep.map((t) => test.values![t]) };
}

function indices(model: Factorization, data: Observed, where: string): { rows: Int32Array; cols: Int32Array } {
  if (typeof data !== 'object' || data === null) throw new TypeError(`${where}: expected { rowIndices, colIndices }, got ${describe(data)}`);
  const n = data.rowIndices?.length;
  if (n === undefined || data.colIndices?.length !== n) {
    throw new RangeError(`${where}: expected rowIndices and colIndices of one length, got ${n} and ${data.colIndices?.length}`);
  }
  const key = (value: Key, ids: readonly Key[] | undefined, modelIds: readonly Key[] | null) => (ids && modelIds ? ids[value as number] : value);
  const rows = Int32Array.from({ length: n }, (_, t) => model.rowIndexOf(key(data.rowIndices[t], data.rowIds, model.rowIds), `${where}.rowIndices[${t}]`));
  const cols = Int32Array.from({ length: n }, (_, t) => model.colIndexOf(key(data.colIndices[t], data.colIds, model.colIds), `${where}.colIndices[${t}]`));
  return { rows, cols };
}

/**
 * precision@k, recall@k, MAP@k, nDCG@k, AUC and coverage of a model's rankings against held-out
 * observations (`test`: each row's held-out columns are its relevant ones, or those `relevant` keeps), averaged
 * over the rows that have some. Candidates are what recommend() ranks — its own training observations left out (excludeObserved),
 * plus `exclude` — with the same scores and options.
 */
export function rankingMetrics(model: Factorization, test: Observed, options: RankingOptions = {}): RankingMetrics {
  return rankingMetricsWith(model, test, options, true);
}

/** rankingMetrics(), with AUC (which ranks every candidate of every row) only when `withAuc`: NaN otherwise. */
export function rankingMetricsWith(model: Factorization, test: Observed, options: RankingOptions, withAuc: boolean): RankingMetrics {
  // Its own options, and recommend()'s, which it ranks with (`exclude` is its own: observations, not columns).
  const { k = 10, exclude, relevant, ...recommend } = optionsOf('rankingMetrics: options', options, ['k', 'relevant', ...RECOMMEND_OPTIONS]);
  integer('rankingMetrics: options.k', k, 1);
  const held = indices(model, relevantOnly(test, relevant, 'rankingMetrics'), 'rankingMetrics: test');
  if (held.rows.length === 0) throw new RangeError(`rankingMetrics: test: expected at least one ${relevant === undefined ? '' : 'relevant '}observation, got none`);
  const left = exclude ? indices(model, exclude, 'rankingMetrics: options.exclude') : undefined;
  const leftOut = left ? columnsByRow(left.rows, left.cols) : new Map<number, Int32Array>();
  const cols = model.cols;
  const scoresOf = (row: number) => {
    const scores = model.scoreAll(model.rowIds ? model.rowIds[row] : row, recommend, 'rankingMetrics');
    for (const j of leftOut.get(row) ?? []) scores[j] = NaN;
    return scores;
  };
  return rankingMetricsOf(columnsByRow(held.rows, held.cols), scoresOf, k, cols, withAuc);
}

/**
 * The most-popular baseline as a model: every row's score for a column is the number of observations the
 * column has in `train`. recommend(), rankingMetrics() and the rest work on it as on a trained model; it
 * leaves out a row's own observations in `train`.
 */
export function mostPopular(train: { rows: number; cols: number; rowIndices: ArrayLike<number>; colIndices: ArrayLike<number>; rowIds?: readonly Key[]; colIds?: readonly Key[] }): Factorization {
  if (typeof train !== 'object' || train === null) throw new TypeError(`mostPopular: train: expected { rows, cols, rowIndices, colIndices }, got ${describe(train)}`);
  const rows = integer('mostPopular: train.rows', train.rows, 1);
  const cols = integer('mostPopular: train.cols', train.cols, 1);
  const n = train.rowIndices.length;
  const rowCounts = new Float64Array(rows);
  const colCounts = new Float64Array(cols);
  for (let t = 0; t < n; t++) {
    const i = integer(`mostPopular: train.rowIndices[${t}]`, train.rowIndices[t], 0, rows - 1);
    const j = integer(`mostPopular: train.colIndices[${t}]`, train.colIndices[t], 0, cols - 1);
    rowCounts[i]++;
    colCounts[j]++;
  }
  const rowStart = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) rowStart[i + 1] = rowStart[i] + rowCounts[i];
  const cursor = rowStart.slice(0, rows);
  const colIndex = new Int32Array(n);
  for (let t = 0; t < n; t++) colIndex[cursor[train.rowIndices[t]]++] = train.colIndices[t];
  for (let i = 0; i < rows; i++) colIndex.subarray(rowStart[i], rowStart[i + 1]).sort();
  return new Factorization({
    parameters: {
      rows, cols, rank: 1, width: 1, biases: false, W: new Float64Array(rows).fill(1), H: Float64Array.from(colCounts), hTransposed: true,
      offset: 0, mean: 0, rowCounts, colCounts, clip: null,
    },
    penalties: { rank: 1, biases: false, nonnegative: false, l1: { W: 0, H: 0 }, regularization: { W: 0.1, H: 0.1, bias: 0.1 } },
    training: {
      initialLoss: NaN, lossHistory: new Float64Array(0), validationHistory: new Float64Array(0), bestEpoch: -1,
      stoppedBy: 'epochs', solver: 'imported', backend: 'imported', layout: 'imported',
    },
    observed: { rowStart, colIndex },
    rowIds: train.rowIds ?? null,
    colIds: train.colIds ?? null,
  });
}
