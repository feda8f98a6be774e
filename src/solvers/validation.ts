// The metrics a validation set is scored by after every epoch: RMSE for a model of ratings, precision@10 for
// one of events. A solver module names its own.
import { byRow, squaredErrors, type ByRow } from '../math/predict.js';
import { picked, positionsWhere } from '../math/gather.js';
import { after } from './parallel.js';
import { columnsByRow, rankingMetricsOf } from '../math/ranking.js';
import { Random } from '../math/rng.js';
import type { FactorView, ValidationMetric } from './solver.js';
import type { Observations, Parameters } from '../types.js';

/** The pairs of `observations` whose row and column were both trained on (`trained`), or the others. */
export function pairsWhere(
  { rowIndex, colIndex, values }: Observations, rowCounts: ArrayLike<number>, colCounts: ArrayLike<number>, trained: boolean,
): Observations {
  const keep = positionsWhere(values.length, (t) => (rowCounts[rowIndex[t]] > 0 && colCounts[colIndex[t]] > 0) === trained);
  return { rowIndex: picked(Int32Array, rowIndex, keep), colIndex: picked(Int32Array, colIndex, keep), values: picked(Float64Array, values, keep) };
}

/**
 * RMSE of the predictions on the held-out values (lower is better). Where the run scores the pairs of a trained
 * row and column itself (Run.heldOutError, with RunSpec.heldOut = pairsWhere(…, true)), only the others — whose
 * prediction is the mean and the known biases — are predicted here.
 */
export const rmseMetric: ValidationMetric = {
  name: 'rmse',
  higherIsBetter: false,
  readsSlots: true,
  heldOut: (validation, rowCounts, colCounts) => pairsWhere(validation, rowCounts, colCounts, true),
  scorer(validation, _observed, parameters, _scorerOf, run) {
    const count = validation.values.length;
    // Made on the first call, for every epoch's: the pairs scored here, their layout, scratch, their slots.
    let own: Observations | undefined;
    let pairs: ByRow | undefined;
    let predictions: Float64Array | undefined;
    let slotted: { observations: Observations; rowCounts: Float64Array; colCounts: Float64Array } | undefined;
    const squaresHere = (view: FactorView, p: Parameters, observations: Observations) => {
      if (observations.values.length === 0) return 0;
      if (view.slots) {
        slotted ??= inSlots(observations, p, view.slots);
        observations = slotted.observations;
        p = { ...p, rowCounts: slotted.rowCounts, colCounts: slotted.colCounts };
      }
      pairs ??= byRow(observations.rowIndex, observations.colIndex, p.rows);
      predictions ??= new Float64Array(observations.values.length);
      return squaredErrors(p, observations, pairs, predictions);
    };
    return (view) => {
      const p = parameters(view);
      if (!run.heldOutError) return Math.sqrt(squaresHere(view, p, validation) / count);
      own ??= pairsWhere(validation, p.rowCounts, p.colCounts, false);
      const here = squaresHere(view, p, own);
      return after(run.heldOutError(p.clip), (half) => Math.sqrt((2 * half + here) / count));
    };
  },
};

/** Observations and counts over a run's slots: row i at rowSlot[i], column j at colSlot[j]; −1 (unknown) kept. */
function inSlots(
  { rowIndex, colIndex, values }: Observations, p: Parameters, { rowSlot, colSlot }: { rowSlot: Int32Array; colSlot: Int32Array },
): { observations: Observations; rowCounts: Float64Array; colCounts: Float64Array } {
  const slot = (map: Int32Array) => (index: number) => (index < 0 ? index : map[index]);
  const rowCounts = new Float64Array(p.rows);
  const colCounts = new Float64Array(p.cols);
  for (let i = 0; i < p.rows; i++) rowCounts[rowSlot[i]] = p.rowCounts[i];
  for (let j = 0; j < p.cols; j++) colCounts[colSlot[j]] = p.colCounts[j];
  return { observations: { rowIndex: rowIndex.map(slot(rowSlot)), colIndex: colIndex.map(slot(colSlot)), values }, rowCounts, colCounts };
}

/**
 * Rows a ranking validation scores after each epoch: every column is scored for each, which costs more than
 * an epoch of a model of events once there are hundreds of rows, so a fixed seeded sample of them is taken
 * (the same rows every epoch, so that epochs compare).
 */
export const VALIDATION_ROWS = 64;

/** At most `count` of the rows of `relevant`, drawn once with a fixed seed (all of them when there are fewer). */
function sampleOf(relevant: Map<number, Int32Array>, count: number): Map<number, Int32Array> {
  if (relevant.size <= count) return relevant;
  const rows = [...relevant.keys()].sort((a, b) => a - b);
  const random = new Random(1);
  // A partial Fisher–Yates shuffle: the first `count` entries are the sample.
  for (let t = 0; t < count; t++) {
    const pick = t + Math.floor(random.uniform() * (rows.length - t));
    [rows[t], rows[pick]] = [rows[pick], rows[t]];
  }
  return new Map(rows.slice(0, count).map((row) => [row, relevant.get(row)!]));
}

/**
 * precision@10 on held-out observations of a fixed sample of VALIDATION_ROWS rows, each row's training columns
 * and columns never seen left out.
 */
export const precisionMetric: ValidationMetric = {
  name: 'precision@10',
  higherIsBetter: true,
  scorer(validation, observed, parameters, scorerOf) {
    const relevant = sampleOf(columnsByRow(validation.rowIndex, validation.colIndex), VALIDATION_ROWS);
    return async (view) => {
      const p = parameters(view);
      // Every column scored for every validation row: on the fit's backend, over this epoch's factors.
      const scorer = await scorerOf(p.H, p.cols, p.width);
      try {
        const scoresOf = (row: number) => {
          const scores = scorer.scores(p.W.subarray(row * p.width, (row + 1) * p.width), p.offset);
          for (let j = 0; j < p.cols; j++) if (!(p.colCounts[j] > 0)) scores[j] = NaN;
          for (let t = observed.rowStart[row]; t < observed.rowStart[row + 1]; t++) scores[observed.colIndex[t]] = NaN;
          return scores;
        };
        return rankingMetricsOf(relevant, scoresOf, 10, p.cols, false).precision;
      } finally {
        scorer.close();
      }
    };
  },
};
