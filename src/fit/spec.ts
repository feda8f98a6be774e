// Turns validated settings and a problem into what a backend runs: every solver works on one
// objective, Σ over observations of ½(x − μ − w_i·h_j)² + the penalties, with biases folded into
// the factors as extra coordinates (W's rows end in [b_i, 1], H's columns in [1, c_j]) so that each
// kernel is written once, for any width.
import type { Settings } from './options.js';
import type { Problem } from '../types.js';
import type { Random } from '../math/rng.js';
import type { InitialFactors, RunSpec } from '../solvers/index.js';
import type { PenaltySettings } from '../types.js';

/** The parameter block of one factor: step, l2, l1, low, each `width` long (assembly/update.ts). */
function parameterBlock(width: number, rank: number, l2: number, l1: number, nonnegative: boolean, extra: [number, number][]): Float64Array {
  const block = new Float64Array(4 * width);
  for (let k = 0; k < width; k++) {
    const [step, penalty] = k < rank ? [1, l2] : extra[k - rank];
    block[k] = step;
    block[width + k] = penalty;
    block[2 * width + k] = k < rank ? l1 : 0;
    block[3 * width + k] = k < rank && nonnegative ? 0 : -Infinity;
  }
  return block;
}

/** Coordinates of a factor row: the rank, and with biases two more (W's bias and constant 1, H's 1 and bias). */
export const factorWidth = ({ rank, biases }: { rank: number; biases: boolean }): number => rank + (biases ? 2 : 0);

/** The parameter blocks of W and H for these settings, and their width. */
export function parameterBlocks({ rank, biases, regularization, l1, nonnegative }: PenaltySettings) {
  const width = factorWidth({ rank, biases });
  return {
    width,
    // W's extra coordinates: the row bias (trained), the constant 1 (frozen); H's: the 1, then the column bias.
    wParams: parameterBlock(width, rank, regularization.W, l1.W, nonnegative, [[1, regularization.bias], [0, 0]]),
    hParams: parameterBlock(width, rank, regularization.H, l1.H, nonnegative, [[0, 0], [1, regularization.bias]]),
  };
}

/**
 * What a run of any solver starts from: `problem` (already in the layout the solver needs) and `offset` (μ),
 * which the run subtracts as it writes the values into its memory, the initial factors (written by the run) and
 * the parameter blocks.
 */
export function runSpec(
  settings: Settings, problem: Problem, initial: InitialFactors, offset: number,
  counts: { rowCounts: Float64Array; colCounts: Float64Array }, random: Random,
): RunSpec {
  const { rank, biases, regularization, l1, nonnegative } = settings;
  const { width, wParams, hParams } = parameterBlocks(settings);
  return {
    problem,
    offset,
    rank,
    width,
    initial,
    wParams,
    hParams,
    penalized: [regularization.W, regularization.H, biases ? regularization.bias : 0, l1.W, l1.H].some((v) => v > 0),
    plain: !biases && !nonnegative && [regularization.W, regularization.H, l1.W, l1.H].every((v) => v === 0),
    rowCounts: counts.rowCounts,
    colCounts: counts.colCounts,
    own: settings.own,
    ownGiven: settings.ownGiven,
    coordinateDescent: nonnegative || l1.W > 0 || l1.H > 0,
    random,
  };
}
