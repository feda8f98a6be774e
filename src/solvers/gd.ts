// 'gd': the seed's full-batch gradient descent. Each epoch W ← W + η·(M⊙(X−WH))Hᵀ, then with the new W,
// H ← H + η·Wᵀ(M⊙(X−WH)), plus the penalties' gradients, L1's proximal step and the bound when set.
// Two layouts: 'dense' works on every entry of X (NaN = missing), 'sparse' on the observed ones (CSR).
import type { Awaitable, Buffers, KernelCall, Phase, RealArray, Workspace } from '../runtime/kernels.js';
import { writeValues } from './layout.js';
import type { SparseProblem } from '../types.js';
import { commonBuffers, csrIntoRun, drawerOf, penaltyOf, writeCommon, writeTransposedH } from './common.js';
import { explicitFoldIn } from './als.js';
import { after, balanced, chunks, partsFor, total, type Range } from './parallel.js';
import { positive, type FactorOptions, type LayoutOptions, type RatingOptions } from './options.js';
import type { Run, RunSpec, Shape, SolverModule } from './solver.js';
import { rmseMetric } from './validation.js';

/** solver 'gd': the seed's full-batch gradient descent. */
export interface GdOptions extends FactorOptions, RatingOptions, LayoutOptions {
  solver?: 'gd';
  /**
   * Step size; finite and > 0, applied as given (a step that is too large stops with a DivergenceError). Default:
   * automatic — 0.05 (the seed's), halved whenever an epoch would raise the objective (the epoch is redone): the loss
   * is a sum over observed entries, so a stable step shrinks as rows and columns gain observations.
   */
  learningRate?: number;
}

/** Fewest columns in a part of dense gd's H half. */
const COLUMNS_PER_PART = 64;

/** How many times an automatic step may halve within one epoch before the epoch is taken as it comes. */
const HALVINGS = 40;

/**
 * An epoch is W's step (in parts of rows) and then H's half (in parts of columns): no sum crosses parts. The loss pass, in fixed chunks of rows, also makes W's gradient of the current
 * factors (the residual it needs is the loss's), which the next epoch applies: so each epoch ends with
 * that pass, in the same run of phases (one wake-up of the threads an epoch), and loss() after an epoch
 * costs nothing. The phases' arguments never change, so they are made once per step size.
 *
 * With a step the user did not give (`automatic`), an epoch that would raise the objective is undone — the
 * factors and W's gradient restored from `state` — and redone at half the step, which then stays: the first
 * call on data whose stable step is far below the seed's converges instead of diverging. A given step is
 * applied as it is (the seed's arithmetic, exactly).
 */
function gradientDescentRun<F, I>(
  space: Workspace<F, I>, lossPhase: Phase<F, I>, stepsAt: (learningRate: number) => readonly Phase<F, I>[], learningRate: number,
  automatic: boolean, state: readonly RealArray[], penalty: () => number, view: Run['view'],
  /** Epochs in one call (dense, one part per phase, no penalty, a given step), or undefined. */
  together?: (count: number, previous: number, limit: number, tolerance: number) => { ran: number; losses: Float64Array },
): Run {
  /** The data term of the current factors, once the loss pass has run on them (W's gradient is then ready). */
  let dataLoss: number | undefined;
  // The loss pass's chunks are the last calls.
  const lossOf = (results: number[]) => total(results, results.length - lossPhase.length);
  let stepPhases = stepsAt(learningRate);
  let epochPhases = [...stepPhases, lossPhase];
  const measure = (): Awaitable<number> =>
    dataLoss !== undefined ? dataLoss : after(space.run([lossPhase]), (results) => (dataLoss = lossOf(results)));
  // Made at the first epoch (none for epochs: 0), in the run's precision: a float32 run's factors are float32
  // values, and a copy in float64 would double it.
  let saved: RealArray[] = [];
  /**
   * After an epoch at the current step from an objective of `before`: true when it stands; otherwise the factors
   * are restored and the step halved, for the epoch to be redone.
   */
  const stands = (results: number[], before: number, kept: number | undefined, halvings: number): boolean => {
    dataLoss = lossOf(results);
    if (dataLoss + penalty() <= before || halvings === HALVINGS) return true;
    for (let k = 0; k < state.length; k++) state[k].set(saved[k]);
    dataLoss = kept;
    learningRate /= 2;
    stepPhases = stepsAt(learningRate);
    epochPhases = [...stepPhases, lossPhase];
    return false;
  };
  /** One epoch from an objective of `before`, redone at half the step while it would rise. */
  const attempt = (before: number, first = 0): Awaitable<void> => {
    if (saved.length === 0) saved = state.map((view) => (view instanceof Float32Array ? new Float32Array(view.length) : new Float64Array(view.length)));
    for (let halvings = first; ; halvings++) {
      for (let k = 0; k < state.length; k++) saved[k].set(state[k]);
      const kept = dataLoss;
      const results = space.run(epochPhases);
      // On threads the results come later: the rest of the attempts follow them.
      if (results instanceof Promise) return results.then((done) => (stands(done, before, kept, halvings) ? undefined : attempt(before, halvings + 1)));
      if (stands(results, before, kept, halvings)) return;
    }
  };
  return {
    loss: () => after(measure(), (data) => data + penalty()),
    epoch() {
      if (automatic) {
        const data = measure();
        return typeof data === 'number' ? attempt(data + penalty()) : data.then((known) => attempt(known + penalty()));
      }
      const phases = dataLoss === undefined ? [lossPhase, ...epochPhases] : epochPhases;
      dataLoss = undefined;
      return after(space.run(phases), (results) => {
        dataLoss = lossOf(results);
      });
    },
    epochs: together && !automatic
      ? (count, losses, from, limit, tolerance) => {
        if (dataLoss === undefined) measure();
        const done = together(Math.min(count, TOGETHER), dataLoss!, limit, tolerance);
        losses.set(done.losses.subarray(0, done.ran), from);
        dataLoss = done.losses[done.ran - 1];
        return done.ran;
      }
      : undefined,
    view,
    close: () => space.close(),
    ...(space.keepable ? { keep: () => space.keep() } : {}),
  };
}

/** Most epochs made in one call (the size of the buffer their objectives go to). */
const TOGETHER = 1024;

/** W's step, in parts of rows. */
function stepW<F, I>(space: Workspace<F, I>, spec: RunSpec, rows: number, learningRate: number): Phase<F, I> {
  const { real: b } = space;
  const { width } = spec;
  const plain = spec.plain ? 1 : 0;
  return balanced(undefined, 0, rows, partsFor(rows * width), 1, 8).map(([first, end]) => [
    'stepRows', space.atReal(b.w, first * width), space.atReal(b.gradientW, first * width), space.atReal(b.rowCounts, first), b.wParams,
    end - first, width, learningRate, plain,
  ]);
}

function startDense<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
  const { real: b } = space;
  const { problem, width } = spec;
  const { rows, cols } = problem;
  const plain = spec.plain ? 1 : 0;
  writeCommon(space, spec);
  writeValues(space.viewReal(b.x, rows * cols), problem.values, spec.offset);
  spec.initial.writeH(space.viewReal(b.h, width * cols), false, drawerOf(space, b.h));
  const { x, w, h, gradientW, gradientH, colCounts, hParams } = b;
  const { residual } = b;
  const lossPhase: Phase<F, I> = chunks(rows, undefined, cols).map(([first, end]) => [
    'denseGradientW', space.atReal(x, first * cols), space.atReal(w, first * width), h, residual,
    space.atReal(gradientW, first * width), end - first, cols, width,
  ]);
  // A column's gradient and step read every row twice. A part takes at least COLUMNS_PER_PART columns: the
  // kernel's SIMD loops run along a part's columns, and narrower parts cost one thread more than they spread.
  const columns = balanced(undefined, 0, cols, Math.min(partsFor(2 * rows * cols * width), Math.max(1, Math.floor(cols / COLUMNS_PER_PART))), 1, 8);
  const stepH = (learningRate: number) => columns.map(([first, end]): KernelCall<F, I> => [
    'denseStepH', space.atReal(x, first), w, space.atReal(h, first), residual, space.atReal(gradientH, first),
    space.atReal(colCounts, first), hParams, rows, end - first, cols, width, learningRate, plain,
  ]);
  const state = [space.viewReal(w, rows * width), space.viewReal(h, width * cols), space.viewReal(gradientW, rows * width)];
  const stepsAt = (learningRate: number) => [stepW(space, spec, rows, learningRate), stepH(learningRate)];
  const learningRate = spec.own.learningRate as number;
  // A problem whose every phase is one call, with nothing to add to the loss: whole epochs in one call.
  const uncut = lossPhase.length === 1 && stepsAt(learningRate).every((phase) => phase.length === 1);
  const together = uncut && !spec.penalized && space.precision === 'float64' && space.threads === 1
    ? (count: number, previous: number, limit: number, tolerance: number) => {
      const ran = space.kernels.denseEpochs(
        x, w, h, residual, gradientW, gradientH, b.rowCounts, colCounts, b.wParams, hParams, rows, cols, width, learningRate, plain,
        count, b.losses, previous, limit, tolerance,
      );
      return { ran, losses: space.viewReal(b.losses, ran) as Float64Array };
    }
    : undefined;
  return gradientDescentRun(
    space, lossPhase, stepsAt, learningRate, !spec.ownGiven.includes('learningRate'), state, penaltyOf(space, spec, h, true),
    () => ({ W: state[0], H: state[1], hTransposed: false }), together,
  );
}

function startSparse<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
  const { real: b, i32: n } = space;
  const { width } = spec;
  const problem = spec.problem as SparseProblem;
  const { rows, cols, observedCount } = problem;
  const plain = spec.plain ? 1 : 0;
  space.viewI32(n.rowStart, rows + 1).set(problem.rowStart);
  const state = [space.viewReal(b.w, rows * width), space.viewReal(b.ht, cols * width), space.viewReal(b.gradientW, rows * width)];
  const factors = () => ({ W: state[0], H: state[1], hTransposed: true });
  // Before the factors are drawn, so that what the fit lets go is collected first.
  const handOver = csrIntoRun(space, spec, space.viewI32(n.colIndex, observedCount), space.viewReal(b.values, observedCount), spec.offset, factors);
  writeCommon(space, spec);
  writeTransposedH(space, spec);
  const lossPhase: Phase<F, I> = chunks(rows, problem.rowStart).map(([first, end]) => [
    'sparseGradientW', space.atI32(n.rowStart, first), n.colIndex, b.values, space.atReal(b.w, first * width), b.ht,
    space.atReal(b.gradientW, first * width), end - first, width,
  ]);
  // Columns in parts balanced by their observations: each call makes only its own columns' gradient.
  const columnEnds = new Float64Array(cols + 1);
  for (let j = 0; j < cols; j++) columnEnds[j + 1] = columnEnds[j] + spec.colCounts[j];
  // Each call reads every row's column indices to find its columns' entries: one part per thread, so that each
  // thread scans once (any cut of the columns gives the same bits: each column's arithmetic is its own).
  const columns = balanced(columnEnds, 0, cols, Math.min(space.threads, partsFor(2 * observedCount * width)), 1, 8);
  const stepH = (learningRate: number) => columns.map(([first, end]: Range): KernelCall<F, I> => [
    'sparseStepH', n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientH, b.colCounts, b.hParams, rows, first, end, cols, width,
    learningRate, plain,
  ]);
  const run = gradientDescentRun(
    space, lossPhase, (learningRate) => [stepW(space, spec, rows, learningRate), stepH(learningRate)], spec.own.learningRate as number,
    !spec.ownGiven.includes('learningRate'), state, penaltyOf(space, spec, b.ht, false), factors,
  );
  return handOver ? { ...run, handOver } : run;
}

export const gd: SolverModule<GdOptions> = {
  name: 'gd',
  summary: "the seed's full-batch gradient descent on every observed entry at once; exact against numpy, for small dense matrices",
  defaults: Object.freeze({ epochs: 2000, regularization: 0 }),
  own: { learningRate: positive(0.05, 'step size; when not given, halved whenever an epoch would raise the loss') },
  takes: ['biases', 'biasRegularization', 'l1', 'nonnegative', 'clip', 'mask', 'layout'],
  data: 'ratings',
  validation: rmseMetric,
  metrics: ['rmse', 'mae'],
  needsRegularization: false,
  clipsByDefault: false,
  threadsFrom: 2 ** 18, // a few milliseconds an epoch
  partialUpdate: false,
  layouts: ['dense', 'sparse'],
  initialDraw: 'normal',
  divergenceAdvice: ({ learningRate }) =>
    `Try a smaller learningRate, e.g. ${(learningRate as number) / 10}; the stable step shrinks as rows and columns gain observations.`,
  buffers({ layout, rows, cols, observedCount, width }: Shape): Buffers {
    const common = commonBuffers(rows, cols, width);
    if (layout === 'dense') {
      return {
        real: { ...common, x: rows * cols, h: width * cols, gradientW: rows * width, gradientH: width * cols, losses: TOGETHER },
        i32: {},
        // Four rows of scratch for the thread running a call.
        scratch: { residual: 4 * cols + width },
      };
    }
    return {
      real: { ...common, values: observedCount, ht: cols * width, gradientW: rows * width, gradientH: cols * width },
      i32: { rowStart: rows + 1, colIndex: observedCount },
    };
  },
  start: (space, spec) => (spec.problem.layout === 'dense' ? startDense(space, spec) : startSparse(space, spec)),
  foldIn: (input) => explicitFoldIn(input),
};
