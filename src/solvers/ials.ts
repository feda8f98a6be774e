// 'ials': implicit-feedback ALS (Hu, Koren and Volinsky 2008) for events — plays, clicks, purchases —
// with no negatives. Every entry of the matrix counts: preference 1 where a row has an event and 0
// elsewhere, with confidence 1 + α·value, so the value of an event (a count) says how sure we are, not
// what to predict. The objective, over every entry (i, j):
//   E = ½ Σ c_ij (p_ij − w_i·h_j)² + ½λ (Σ‖w_i‖² + Σ‖h_j‖²)
// is minimised a side at a time as in ALS, each row from its events alone thanks to the precomputed
// gramian of the other side (assembly/ials.ts), exactly (cgSteps 0: Cholesky) or by a few conjugate-
// gradient steps warm-started from the current factors (the default, as in implicit).
import { gramian, ialsHalf } from '../backends/js/ials.js';
import { writeColumnOrder, writeValues } from './layout.js';
import type { SparseProblem } from '../types.js';
import type { KernelCall, Workspace } from '../runtime/kernels.js';
import { inBlocks } from './blocks.js';
import { commonBuffers, writeEventsRun } from './common.js';
import { after, balanced, chunks, partsFor, rowsInParts, total } from './parallel.js';
import { integerOption, nonNegativeOption, type FactorOptions } from './options.js';
import type { Run, RunSpec, Shape, SolverModule } from './solver.js';
import { precisionMetric } from './validation.js';

/**
 * The gramian of a trained side, by the array holding it: a model's factors never change, and every fold-in
 * against them (one row after another: model.foldInMany) would otherwise sum fixedCount·width² again.
 */
const fixedGramians = new WeakMap<object, Float64Array>();

/** solver 'ials': implicit-feedback ALS for events (plays, clicks, purchases). */
export interface IalsOptions extends FactorOptions {
  solver: 'ials';
  /**
   * An event's confidence is 1 + alpha·value (a play count of 3 weighs 1 + 3·alpha; entries with no event weigh
   * 1). Default 2 (with ials's regularization 1: the best of a small sweep on MovieLens events, bench/README.md).
   */
  alpha?: number;
  /**
   * Conjugate-gradient steps per row solve, warm-started from the current factors (Takács et al. 2011, implicit's
   * default 3); 0 solves each row exactly by Cholesky. Default 3.
   */
  cgSteps?: number;
}

export const ials: SolverModule<IalsOptions> = {
  name: 'ials',
  summary: 'implicit-feedback ALS (Hu, Koren and Volinsky) for events such as plays or clicks: every unobserved entry counts as a weak 0',
  defaults: Object.freeze({ epochs: 15, regularization: 1 }),
  own: {
    alpha: nonNegativeOption(2, 'confidence 1 + alpha·value of an event', true),
    cgSteps: integerOption(3, 0, 'conjugate-gradient steps per row solve, 0 exact', true),
  },
  takes: [],
  data: 'events',
  validation: precisionMetric,
  metrics: ['precision@10', 'ndcg@10'],
  needsRegularization: false,
  clipsByDefault: false,
  threadsFrom: 2 ** 18, // a few milliseconds an epoch
  partialUpdate: true,
  layouts: ['sparse'],
  initialDraw: 'uniform',
  divergenceAdvice: () => 'Try a larger regularization, or a smaller alpha.',
  buffers({ rows, cols, observedCount: count, width }: Shape) {
    return {
      real: { ...commonBuffers(rows, cols, width), ht: cols * width, confidence: count, byColumn: count, gramian: width * width },
      i32: { rowStart: rows + 1, colIndex: count, colStart: cols + 1, rowIndex: count },
      scratch: { gram: width * width, rhs: width, cg: 3 * width },
    };
  },
  start<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
    const { real: b, i32: n } = space;
    const { width } = spec;
    const alpha = spec.own.alpha as number;
    const cgSteps = spec.own.cgSteps as number;
    // The L2 penalties of W and H (½λ‖·‖² per row and column here, not per observation).
    const [lambdaW, lambdaH] = [spec.wParams[width], spec.hParams[width]];
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count } = problem;
    const penalty = writeEventsRun(space, spec);
    // The values become confidences less one: α·value.
    writeValues(space.viewReal(b.confidence, count), problem.values, 0, alpha);
    const colStart = space.viewI32(n.colStart, cols + 1);
    writeColumnOrder(problem, {
      colStart, rowIndex: space.viewI32(n.rowIndex, count), values: space.viewReal(b.byColumn, count),
    }, 0, alpha);
    // The call solving rows first..end−1 of one half (each row's solve is its own).
    const solver = (start: typeof n.rowStart, index: typeof n.rowStart, confidence: typeof b.w, fixed: typeof b.w, solved: typeof b.w, lambda: number) =>
      (first: number, end: number): KernelCall<F, I> => [
        'ialsHalf', space.atI32(start, first), index, confidence, fixed, space.atReal(solved, first * width), b.gramian,
        end - first, width, lambda, b.gram, b.rhs, b.cg, cgSteps,
      ];
    const solveRow = solver(n.rowStart, n.colIndex, b.confidence, b.ht, b.w, lambdaW);
    const solveCol = solver(n.colStart, n.rowIndex, b.byColumn, b.w, b.ht, lambdaH);
    // Parts balanced by cost: with CG about cgSteps·width² a row plus width per event and step.
    const perRow = cgSteps > 0 ? width : width / 3;
    const rowsHalf = rowsInParts(space, problem.rowStart, perRow, width * width, solveRow);
    const colsHalf = rowsInParts(space, colStart, perRow, width * width, solveCol);
    // The gramian in parts of its rows: each entry sums over the factors in order either way.
    const gramianPhase = (factors: typeof b.w, n: number) =>
      balanced(undefined, 0, width, partsFor(n * width * width)).map(([first, end]): KernelCall<F, I> => ['gramian', factors, n, width, b.gramian, first, end - first]);
    const gramianPhases = { H: [gramianPhase(b.ht, cols)], W: [gramianPhase(b.w, rows)] };
    const lossPhase = chunks(rows, undefined, width).map(([first, end]) => [
      'ialsLoss', space.atI32(n.rowStart, first), n.colIndex, b.confidence, space.atReal(b.w, first * width), b.ht, b.gramian, end - first, width,
      b.rhs,
    ] as const);
    // Which side the gramian buffer holds: the loss needs H's, an epoch starts from H's, so the one the
    // loss made is not made again; solving a side makes the other's stale.
    let holds: 'H' | 'W' | undefined;
    const gramianOf = (side: 'H' | 'W') => {
      if (holds === side) return;
      holds = side;
      return space.run(gramianPhases[side]);
    };
    const solveRows = (from: number, to: number) => {
      holds = holds === 'H' ? 'H' : undefined; // W changes; H's gramian still holds
      return rowsHalf(from, to);
    };
    const solveCols = (from: number, to: number) => {
      holds = holds === 'W' ? 'W' : undefined;
      return colsHalf(from, to);
    };
    return {
      loss: () => after(gramianOf('H'), () => after(space.run([lossPhase]), (results) => total(results) + penalty())),
      epoch: (signal) =>
        after(gramianOf('H'), () => after(inBlocks(rows, signal, solveRows), () => after(gramianOf('W'), () => inBlocks(cols, signal, solveCols)))),
      solveOnly(touchedRows, touchedCols) {
        // A call per row: each row's solve is its own.
        holds = undefined;
        return after(space.run([
          ...gramianPhases.H, Array.from(touchedRows, (i) => solveRow(i, i + 1)),
          ...gramianPhases.W, Array.from(touchedCols, (j) => solveCol(j, j + 1)),
        ]), () => {
          holds = 'W';
        });
      },
      view: () => ({ W: space.viewReal(b.w, rows * width), H: space.viewReal(b.ht, cols * width), hTransposed: true }),
      ...(space.keepable ? { keep: () => space.keep() } : {}),
      close: () => space.close(),
    };
  },
  // A new row's events, solved exactly (Cholesky) against the trained side: no warm start to refine.
  foldIn({ index, values, fixed, fixedCount, width, lambda, own }) {
    const alpha = own.alpha as number;
    const solved = new Float64Array(width);
    let fixedGramian = fixedGramians.get(fixed);
    if (!fixedGramian || fixedGramian.length !== width * width) {
      fixedGramian = new Float64Array(width * width);
      gramian(fixed, fixedCount, width, fixedGramian, 0, width);
      fixedGramians.set(fixed, fixedGramian);
    }
    ialsHalf(
      Int32Array.of(0, index.length), index, values.map((v) => alpha * v), fixed, solved, fixedGramian, 1, width, lambda,
      new Float64Array(width * width), new Float64Array(width), new Float64Array(3 * width), 0,
    );
    return solved;
  },
};
