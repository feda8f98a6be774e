// The pure-TypeScript backend: the reference twin of the WASM kernels, and the fallback
// where WebAssembly is unavailable.
import { transposeInto } from '../../matrix.js';
import { gradientDescentRun, type Backend, type Run, type RunSpec } from '../backend.js';
import { alsHalf } from './als.js';
import { jsScorer } from './score.js';
import { denseGradientW, denseStepH } from './dense.js';
import { summarize } from './scan.js';
import { sgdEpoch, observedLoss } from './sgd.js';
import { sparseGradientW, sparseStepH } from './sparse.js';
import { penalty, stepRows } from './update.js';

function start(spec: RunSpec): Run {
  const { problem, rank, wParams, hParams, rowCounts, colCounts, learningRate } = spec;
  const { rows, cols } = problem;
  const w = Float64Array.from(spec.initial.W);
  const penalties = (h: Float64Array, hTransposed: boolean) =>
    spec.penalized ? penalty(w, rowCounts, wParams, rows, rank, false) + penalty(h, colCounts, hParams, cols, rank, hTransposed) : 0;

  if (spec.solver === 'gd') {
    const gradientW = new Float64Array(rows * rank);
    const stepW = () => stepRows(w, gradientW, rowCounts, wParams, rows, rank, learningRate, spec.plain);
    if (problem.layout === 'dense') {
      const h = Float64Array.from(spec.initial.H);
      const residual = new Float64Array(cols);
      const gradientH = new Float64Array(rank * cols);
      return gradientDescentRun(
        () => denseGradientW(problem.values, w, h, residual, gradientW, rows, cols, rank) + penalties(h, true),
        () => {
          stepW();
          denseStepH(problem.values, w, h, residual, gradientH, colCounts, hParams, rows, cols, rank, learningRate, spec.plain);
        },
        () => ({ W: w, H: h, hTransposed: false }),
        () => {},
      );
    }
    const { rowStart, colIndex, values } = problem;
    const ht = transposeInto(spec.initial.H, rank, cols, new Float64Array(cols * rank));
    const gradientH = new Float64Array(cols * rank);
    return gradientDescentRun(
      () => sparseGradientW(rowStart, colIndex, values, w, ht, gradientW, rows, rank) + penalties(ht, false),
      () => {
        stepW();
        sparseStepH(rowStart, colIndex, values, w, ht, gradientH, colCounts, hParams, rows, cols, rank, learningRate, spec.plain);
      },
      () => ({ W: w, H: ht, hTransposed: true }),
      () => {},
    );
  }

  if (problem.layout !== 'sparse') throw new Error(`mfwasm: the ${spec.solver} solver needs the sparse layout`);
  const { rowStart, colIndex, values } = problem;
  const rowOf = spec.rowOf!;
  const ht = transposeInto(spec.initial.H, rank, cols, new Float64Array(cols * rank));
  const loss = () => observedLoss(spec.visit?.positions, rowOf, colIndex, values, w, ht, rank) + penalties(ht, false);
  const view = () => ({ W: w, H: ht, hTransposed: true });

  if (spec.solver === 'sgd') {
    const rowScale = new Float64Array(rows).fill(1);
    const colScale = new Float64Array(cols).fill(1);
    return {
      loss,
      epoch(order) {
        sgdEpoch(order!, spec.visit!, rowOf, colIndex, values, w, ht, wParams, hParams, rowScale, colScale, rank, learningRate, spec.adaptive);
      },
      view,
      close() {},
    };
  }

  const { colStart, rowIndex, values: byColumn } = spec.columns!;
  const gram = new Float64Array(rank * rank);
  const rhs = new Float64Array(rank);
  return {
    loss,
    epoch() {
      alsHalf(rowStart, colIndex, values, rowCounts, ht, w, wParams, rows, rank, gram, rhs, spec.coordinateDescent);
      alsHalf(colStart, rowIndex, byColumn, colCounts, w, ht, hParams, cols, rank, gram, rhs, spec.coordinateDescent);
    },
    view,
    close() {},
  };
}

/** The longest typed array V8 and the other engines allocate. */
const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

export const jsBackend: Backend = {
  name: 'js',
  sparseBelowDensity: 0.85,
  tooLarge: ({ layout, rows, cols, rank }) => {
    const longest = Math.max(layout === 'dense' ? rows * cols : 0, rows * rank, cols * rank);
    return longest > MAX_TYPED_ARRAY_LENGTH
      ? `this problem needs an array of ${longest} numbers, more than the ${MAX_TYPED_ARRAY_LENGTH} a typed array holds`
      : undefined;
  },
  summarize: (values, rows, cols) => Promise.resolve(summarize(values, rows, cols)),
  start: (spec) => Promise.resolve(start(spec)),
  scorer: (ht, cols, width, precision) => Promise.resolve(jsScorer(ht, cols, width, precision)),
};
