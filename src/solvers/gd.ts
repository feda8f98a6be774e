// 'gd': the seed's full-batch gradient descent. Each epoch W ← W + η·(M⊙(X−WH))Hᵀ, then with the new W,
// H ← H + η·Wᵀ(M⊙(X−WH)), plus the penalties' gradients, L1's proximal step and the bound when set.
// Two layouts: 'dense' works on every entry of X (NaN = missing), 'sparse' on the observed ones (CSR).
import type { Buffers, Workspace } from '../backends/kernels.js';
import type { SparseProblem } from '../problem.js';
import { commonBuffers, penaltyOf, writeCommon, writeTransposedH } from './common.js';
import { explicitFoldIn } from './als.js';
import type { Run, RunSpec, Shape, SolverModule } from './solver.js';

/**
 * loss() computes the W gradient of the current factors as a by-product (the residual it needs is the
 * loss's); the next epoch applies it instead of computing it again.
 */
function gradientDescentRun(lossAndGradientW: () => number, stepWThenH: () => void, view: Run['view'], close: () => void): Run {
  let gradientReady = false;
  const loss = () => {
    gradientReady = true;
    return lossAndGradientW();
  };
  return {
    loss,
    epoch() {
      if (!gradientReady) loss();
      gradientReady = false;
      stepWThenH();
    },
    view,
    close,
  };
}

function startDense<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
  const { kernels: k, f64: b } = space;
  const { problem, width, learningRate } = spec;
  const { rows, cols } = problem;
  const plain = spec.plain ? 1 : 0;
  writeCommon(space, spec);
  space.viewF64(b.x, rows * cols).set(problem.values);
  space.viewF64(b.h, width * cols).set(spec.initial.H);
  const penalty = penaltyOf(space, spec, b.h, true);
  // Handles held in locals: the 5×6 epoch is a few hundred nanoseconds, and lookups show.
  const { x, w, h, residual, gradientW, gradientH, rowCounts, colCounts, wParams, hParams } = b;
  return gradientDescentRun(
    () => k.denseGradientW(x, w, h, residual, gradientW, rows, cols, width) + penalty(),
    () => {
      k.stepRows(w, gradientW, rowCounts, wParams, rows, width, learningRate, plain);
      k.denseStepH(x, w, h, residual, gradientH, colCounts, hParams, rows, cols, width, learningRate, plain);
    },
    () => ({ W: space.viewF64(w, rows * width), H: space.viewF64(h, width * cols), hTransposed: false }),
    () => space.close(),
  );
}

function startSparse<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
  const { kernels: k, f64: b, i32: n } = space;
  const { width, learningRate } = spec;
  const problem = spec.problem as SparseProblem;
  const { rows, cols, observedCount } = problem;
  const plain = spec.plain ? 1 : 0;
  writeCommon(space, spec);
  writeTransposedH(space, spec);
  space.viewI32(n.rowStart, rows + 1).set(problem.rowStart);
  space.viewI32(n.colIndex, observedCount).set(problem.colIndex);
  space.viewF64(b.values, observedCount).set(problem.values);
  const penalty = penaltyOf(space, spec, b.ht, false);
  return gradientDescentRun(
    () => k.sparseGradientW(n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientW, rows, width) + penalty(),
    () => {
      k.stepRows(b.w, b.gradientW, b.rowCounts, b.wParams, rows, width, learningRate, plain);
      k.sparseStepH(n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientH, b.colCounts, b.hParams, rows, cols, width, learningRate, plain);
    },
    () => ({ W: space.viewF64(b.w, rows * width), H: space.viewF64(b.ht, cols * width), hTransposed: true }),
    () => space.close(),
  );
}

export const gd: SolverModule = {
  name: 'gd',
  defaults: Object.freeze({ epochs: 2000, learningRate: 0.05, regularization: 0 }),
  takesLearningRate: true,
  ownOptions: [],
  needsRegularization: false,
  clipsByDefault: false,
  partialUpdate: false,
  layouts: ['dense', 'sparse'],
  initialDraw: 'normal',
  implicit: false,
  divergenceAdvice: (learningRate) =>
    `Try a smaller learningRate, e.g. ${learningRate / 10}; the stable step shrinks as rows and columns gain observations.`,
  buffers({ layout, rows, cols, observedCount, width }: Shape): Buffers {
    const common = commonBuffers(rows, cols, width);
    if (layout === 'dense') {
      return {
        f64: { ...common, x: rows * cols, h: width * cols, residual: 4 * cols + width, gradientW: rows * width, gradientH: width * cols },
        i32: {},
      };
    }
    return {
      f64: { ...common, values: observedCount, ht: cols * width, gradientW: rows * width, gradientH: cols * width },
      i32: { rowStart: rows + 1, colIndex: observedCount },
    };
  },
  start: (space, spec) => (spec.problem.layout === 'dense' ? startDense(space, spec) : startSparse(space, spec)),
  foldIn: (input) => explicitFoldIn(input),
};
