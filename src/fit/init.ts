import { readMatrix, type Given } from '../input/observations.js';
import type { Random } from '../math/rng.js';
import { drawInto } from '../backends/js/random.js';
import type { Draw, InitialFactors } from '../solvers/index.js';
import type { Parameters, RealArray } from '../types.js';

/** A trained model a warm start continues from, and the index in it of each row and column of X (−1: unknown to it). */
export interface WarmStart {
  parameters: Parameters;
  rowOf: Int32Array;
  colOf: Int32Array;
}

function givenFactor(name: string, value: unknown, rows: number, cols: number, rowsName: string, colsName: string): Float64Array {
  const matrix = readMatrix(name, value);
  if (matrix.rows !== rows || matrix.cols !== cols) {
    throw new RangeError(
      `${name}: expected ${rowsName}×${colsName} = ${rows}×${cols}, got ${matrix.rows}×${matrix.cols}`,
    );
  }
  for (let p = 0; p < matrix.data.length; p++) {
    if (!Number.isFinite(matrix.data[p])) {
      throw new RangeError(
        `${name}: expected finite entries, got ${matrix.data[p]} at row ${Math.floor(p / cols)}, column ${p % cols}`,
      );
    }
  }
  return matrix.data;
}

/** Whether the draws' scale is made from the values' deviation from their mean (Given.stats.deviation). */
export function scaledByDeviation(biases: boolean, distribution: 'normal' | 'uniform', givenScale: number | undefined): boolean {
  return givenScale === undefined && (biases || distribution !== 'normal');
}

/**
 * The starting factors: the user's where given, otherwise draws from the seeded generator (W's
 * rows×rank entries row by row, then H's rank×cols), in the distribution the solver's module names
 * (SolverModule.initialDraw) and at its scale where it sets one (initialScale), else:
 * - 'normal' (like the seed's randn): standard deviation √(rms/√rank), with rms the RMS of the
 *   observed values (less their mean when `centered`, as with biases), so that an entry of W·H starts
 *   at about the scale of what the factors must explain.
 * - 'uniform': uniform on [0, √(s/rank)) with s the standard deviation of the observed
 *   values — LIBMF's initialisation on data it normalises by that deviation. Measured on MovieLens
 *   (bench/accuracy.mjs), this small positive start is what lets SGD reach LIBMF's accuracy in 20 epochs.
 * A warm start overwrites the draws of the rows and columns its model knows (they are still drawn, so that the
 * stream, and sgd's order after it, does not depend on which ones it knows) and carries its biases over.
 *
 * The given factors are checked here; nothing is drawn until the run writes the factors into its own memory
 * (InitialFactors), so no array of them is made beside the run's.
 */
export function initialFactors(
  { problem, stats }: Given, rank: number, biases: boolean, random: Random, init: { W?: unknown; H?: unknown },
  distribution: 'normal' | 'uniform',
  /** The draws' scale, where the solver sets it rather than the values. */
  givenScale: number | undefined,
  /** Coordinates of a factor row in the run: rank, + 2 with biases ([b_i, 1] in W, [1, c_j] in H). */
  width: number,
  warm?: WarmStart,
): InitialFactors {
  const { rows, cols, observedCount } = problem;
  // Read only where it makes the scale: a dense X's summary has it only then (scaledByDeviation).
  const deviation = scaledByDeviation(biases, distribution, givenScale) ? Math.sqrt(stats.deviation / observedCount) : 0;
  const rms = biases ? deviation : Math.sqrt(stats.squares / observedCount);
  const normal = distribution === 'normal';
  const scale = givenScale !== undefined ? givenScale : normal ? (rms > 0 ? Math.sqrt(rms / Math.sqrt(rank)) : 1) : Math.sqrt((deviation > 0 ? deviation : rms > 0 ? rms : 1) / rank);
  const givenW = init.W === undefined ? undefined : givenFactor('options.init.W', init.W, rows, rank, 'X.rows', 'rank');
  const givenH = init.H === undefined ? undefined : givenFactor('options.init.H', init.H, rank, cols, 'rank', 'X.cols');
  // A warm start's model: where it knows a row (or column) that was trained, its factors (and biases).
  const model = warm?.parameters;
  const known = (of: Int32Array | undefined, counts: Float64Array | undefined) => (index: number) => {
    const from = of ? of[index] : -1;
    return from >= 0 && counts![from] > 0 ? from : -1;
  };
  const knownRow = known(warm?.rowOf, model?.rowCounts);
  const knownCol = known(warm?.colOf, model?.colCounts);
  const carryBiases = biases && model?.biases === true;
  let next: 'W' | 'H' | 'done' = 'W';
  const inTurn = (part: 'W' | 'H') => {
    // The draws are one stream: W's, then H's, then whatever the run draws next (sgd's order).
    if (next !== part) throw new Error(`mfwasm: the initial ${part} written out of turn (W once, then H once)`);
    next = part === 'W' ? 'H' : 'done';
  };
  return {
    writeW(target: RealArray, draw: Draw) {
      inTurn('W');
      // The user's rows, or the draws (a warm start draws every row too, so the stream goes on alike, and then
      // keeps the rows its model knows).
      if (givenW) {
        for (let i = 0; i < rows; i++) for (let k = 0; k < rank; k++) target[i * width + k] = givenW[i * rank + k];
      } else {
        draw(random.state, rows, rank, width, 1, scale, normal);
      }
      if (!model && !biases) return;
      for (let i = 0; i < rows; i++) {
        const from = model ? knownRow(i) : -1;
        const at = i * width;
        if (from >= 0) for (let k = 0; k < rank; k++) target[at + k] = model!.W[from * model!.width + k];
        if (biases) {
          target[at + rank] = carryBiases && from >= 0 ? model!.W[from * model!.width + rank] : 0;
          target[at + rank + 1] = 1;
        }
      }
    },
    writeH(target: RealArray, transposed: boolean, draw: Draw) {
      inTurn('H');
      // H's value k of column j: at k·cols + j, or at j·width + k in Hᵀ.
      const [lineStride, step] = transposed ? [1, width] : [cols, 1];
      if (givenH) {
        for (let k = 0; k < rank; k++) for (let j = 0; j < cols; j++) target[k * lineStride + j * step] = givenH[k * cols + j];
      } else {
        draw(random.state, rank, cols, lineStride, step, scale, normal);
      }
      for (let j = 0; j < cols; j++) {
        const from = model ? knownCol(j) : -1;
        if (from >= 0) for (let k = 0; k < rank; k++) target[k * lineStride + j * step] = model!.H[from * model!.width + k];
        if (biases) {
          target[rank * lineStride + j * step] = 1;
          target[(rank + 1) * lineStride + j * step] = carryBiases && from >= 0 ? model!.H[from * model!.width + rank + 1] : 0;
        }
      }
    },
  };
}

/** Draws into a plain array, by the JS twin of the backends' drawInto kernel. */
const drawingInto = (target: RealArray): Draw => (state, lines, count, lineStride, step, scale, normal) =>
  drawInto(state, target, lines, count, lineStride, step, scale, normal ? 1 : 0);

/**
 * The starting factors in arrays of their own (W rows×width, H width×cols, float64), drawn as a run would draw
 * them: for the benches that hand the same start to numpy or TF.js.
 */
export function factorArrays(initial: InitialFactors, rows: number, cols: number, width: number): { W: Float64Array; H: Float64Array } {
  const W = new Float64Array(rows * width);
  initial.writeW(W, drawingInto(W));
  const H = new Float64Array(width * cols);
  initial.writeH(H, false, drawingInto(H));
  return { W, H };
}
