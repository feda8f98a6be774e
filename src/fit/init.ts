import { readMatrix, type Given } from '../input/observations.js';
import type { Random } from '../math/rng.js';

/** Latent factors: W rows×rank and H rank×cols, both row-major. */
export interface Factors {
  W: Float64Array;
  H: Float64Array;
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
 */
export function initialFactors(
  { problem, stats }: Given, rank: number, centered: boolean, random: Random, init: { W?: unknown; H?: unknown },
  distribution: 'normal' | 'uniform',
  /** The draws' scale, where the solver sets it rather than the values. */
  givenScale?: number,
): Factors {
  const { rows, cols, observedCount } = problem;
  const deviation = Math.sqrt(stats.deviation / observedCount);
  const rms = centered ? deviation : Math.sqrt(stats.squares / observedCount);
  const normal = distribution === 'normal';
  const scale = givenScale !== undefined ? givenScale : normal ? (rms > 0 ? Math.sqrt(rms / Math.sqrt(rank)) : 1) : Math.sqrt((deviation > 0 ? deviation : rms > 0 ? rms : 1) / rank);
  // The given factors are checked before anything is drawn; W is drawn before H, as always.
  const givenW = init.W === undefined ? undefined : givenFactor('options.init.W', init.W, rows, rank, 'X.rows', 'rank');
  const givenH = init.H === undefined ? undefined : givenFactor('options.init.H', init.H, rank, cols, 'rank', 'X.cols');
  const draw = (length: number) => random.fill(new Float64Array(length), scale, normal ? 'normal' : 'uniform');
  const W = givenW ?? draw(rows * rank);
  const H = givenH ?? draw(rank * cols);
  return { W, H };
}
