import { readMatrix, type Given } from '../input/observations.js';
import type { Random } from '../math/rng.js';

/**
 * The run's starting factors, row-major, in the run's precision: W rows×width (each row's rank latent
 * coordinates, then with biases its [b_i, 1]) and H width×cols (rank latent rows, then with biases a row of 1s
 * and the column biases). initialFactors() fills the latent coordinates; runSpec() the bias ones.
 */
export interface Factors {
  W: Float64Array | Float32Array;
  H: Float64Array | Float32Array;
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
  givenScale: number | undefined,
  /** Coordinates of a factor row in the run (rank, + 2 with biases) and the run's precision. */
  width: number, precision: 'float64' | 'float32',
): Factors {
  const { rows, cols, observedCount } = problem;
  const deviation = Math.sqrt(stats.deviation / observedCount);
  const rms = centered ? deviation : Math.sqrt(stats.squares / observedCount);
  const normal = distribution === 'normal';
  const scale = givenScale !== undefined ? givenScale : normal ? (rms > 0 ? Math.sqrt(rms / Math.sqrt(rank)) : 1) : Math.sqrt((deviation > 0 ? deviation : rms > 0 ? rms : 1) / rank);
  // The given factors are checked before anything is drawn; W is drawn before H, as always.
  const givenW = init.W === undefined ? undefined : givenFactor('options.init.W', init.W, rows, rank, 'X.rows', 'rank');
  const givenH = init.H === undefined ? undefined : givenFactor('options.init.H', init.H, rank, cols, 'rank', 'X.cols');
  // Drawn straight into arrays of the run's width and precision: the run copies them in as they are (a float32
  // run would round each draw as it did so), and no float64 copy of the factors outlives this call.
  const Real = precision === 'float32' ? Float32Array : Float64Array;
  const W = new Real(rows * width);
  const H = new Real(width * cols);
  const kind = normal ? 'normal' : 'uniform';
  if (givenW) {
    for (let i = 0; i < rows; i++) W.set(givenW.subarray(i * rank, (i + 1) * rank), i * width);
  } else if (width === rank) {
    fillReal(random, W, scale, kind);
  } else {
    // Row by row, the same stream as one fill of rows×rank.
    const row = new Float64Array(rank);
    for (let i = 0; i < rows; i++) W.set(random.fill(row, scale, kind), i * width);
  }
  if (givenH) H.set(givenH);
  else fillReal(random, H.subarray(0, rank * cols), scale, kind);
  return { W, H };
}

/** random.fill into a float64 or float32 array (through float64 chunks: the same draws, rounded once). */
function fillReal(random: Random, target: Float64Array | Float32Array, scale: number, kind: 'normal' | 'uniform'): void {
  if (target instanceof Float64Array) {
    random.fill(target, scale, kind);
    return;
  }
  const chunk = new Float64Array(Math.min(target.length, 1 << 16));
  for (let at = 0; at < target.length; at += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, target.length - at));
    target.set(random.fill(part, scale, kind), at);
  }
}
