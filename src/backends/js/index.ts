// The pure-TypeScript backend: the reference twin of the WASM kernels, and the fallback
// where WebAssembly is unavailable.
import { transposeInto } from '../../matrix.js';
import type { Problem } from '../../problem.js';
import type { Backend, Factors, GradientDescentRun } from '../backend.js';
import { denseEpoch, denseLoss } from './dense.js';
import { sparseEpoch, sparseLoss } from './sparse.js';

function startGradientDescent(problem: Problem, initial: Factors, rank: number): GradientDescentRun {
  const { rows, cols } = problem;
  const w = Float64Array.from(initial.W);
  if (problem.layout === 'dense') {
    const h = Float64Array.from(initial.H);
    const residual = new Float64Array(cols);
    const gradient = new Float64Array(rank * cols);
    return {
      epoch: (learningRate) => denseEpoch(problem.values, w, h, residual, gradient, rows, cols, rank, learningRate),
      loss: () => denseLoss(problem.values, w, h, residual, rows, cols, rank),
      factors: () => ({ W: w.slice(), H: h.slice() }),
      close() {},
    };
  }
  const { rowStart, colIndex, values } = problem;
  const ht = transposeInto(initial.H, rank, cols, new Float64Array(cols * rank));
  const rowGradient = new Float64Array(rank);
  const gradient = new Float64Array(cols * rank);
  return {
    epoch: (learningRate) =>
      sparseEpoch(rowStart, colIndex, values, w, ht, rowGradient, gradient, rows, cols, rank, learningRate),
    loss: () => sparseLoss(rowStart, colIndex, values, w, ht, rows, rank),
    factors: () => ({ W: w.slice(), H: transposeInto(ht, cols, rank, new Float64Array(rank * cols)) }),
    close() {},
  };
}

/** The longest typed array V8 and the other engines allocate. */
const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

export const jsBackend: Backend = {
  name: 'js',
  sparseBelowDensity: 0.85,
  ready: () => Promise.resolve(),
  tooLarge: ({ layout, rows, cols, rank }) => {
    const longest = Math.max(layout === 'dense' ? rows * cols : 0, rows * rank, cols * rank);
    return longest > MAX_TYPED_ARRAY_LENGTH
      ? `this problem needs an array of ${longest} numbers, more than the ${MAX_TYPED_ARRAY_LENGTH} a typed array holds`
      : undefined;
  },
  startGradientDescent,
};
