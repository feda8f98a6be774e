import type { Factors } from './backends/index.js';
import { readMatrix } from './input.js';
import type { Problem } from './problem.js';
import type { Random } from './rng.js';

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

/** Root mean square of the observed values less `offset`: the scale the random factors are drawn at. */
function observedRms(problem: Problem, offset: number): number {
  const values = problem.values;
  let sum = 0;
  for (let p = 0; p < values.length; p++) if (values[p] === values[p]) sum += (values[p] - offset) ** 2;
  return Math.sqrt(sum / problem.observedCount);
}

/**
 * The starting factors: the user's where given, otherwise normal draws from the seeded generator
 * (W's rows×rank entries row by row, then H's rank×cols). Each entry has standard deviation
 * √(rms/√rank), so that an entry of W·H, a sum of rank products, starts at about the RMS of what
 * the factors must explain: the observed values less `offset` (their mean, when biases take it).
 */
export function initialFactors(
  problem: Problem, rank: number, offset: number, random: Random, init: { W?: unknown; H?: unknown },
): Factors {
  const { rows, cols } = problem;
  const rms = observedRms(problem, offset);
  const scale = rms > 0 ? Math.sqrt(rms / Math.sqrt(rank)) : 1;
  const draw = (length: number) => {
    const data = new Float64Array(length);
    for (let p = 0; p < length; p++) data[p] = scale * random.normal();
    return data;
  };
  const W = init.W === undefined ? draw(rows * rank) : givenFactor('options.init.W', init.W, rows, rank, 'X.rows', 'rank');
  const H = init.H === undefined ? draw(rank * cols) : givenFactor('options.init.H', init.H, rank, cols, 'rank', 'X.cols');
  return { W, H };
}
