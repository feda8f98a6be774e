// 'ials': implicit-feedback ALS (Hu, Koren and Volinsky 2008) for events — plays, clicks, purchases —
// with no negatives. Every entry of the matrix counts: preference 1 where a row has an event and 0
// elsewhere, with confidence 1 + α·value, so the value of an event (a count) says how sure we are, not
// what to predict. The objective, over every entry (i, j):
//   E = ½ Σ c_ij (p_ij − w_i·h_j)² + ½λ (Σ‖w_i‖² + Σ‖h_j‖²)
// is minimised a side at a time as in ALS, each row from its events alone thanks to the precomputed
// gramian of the other side (assembly/ials.ts), exactly (cgSteps 0: Cholesky) or by a few conjugate-
// gradient steps warm-started from the current factors (the default, as in implicit).
import { gramian, ialsHalf } from '../backends/js/ials.js';
import { columnOrder, rowOfEach } from '../layout.js';
import type { SparseProblem } from '../problem.js';
import { inBlocks } from './blocks.js';
import { commonBuffers, writeTransposedH } from './common.js';
import type { Shape, SolverModule } from './solver.js';

export const ials: SolverModule = {
  name: 'ials',
  defaults: Object.freeze({ epochs: 15, learningRate: NaN, regularization: 1 }),
  takesLearningRate: false,
  ownOptions: ['alpha', 'cgSteps'],
  needsRegularization: false,
  clipsByDefault: false,
  partialUpdate: true,
  layouts: ['sparse'],
  initialDraw: 'uniform',
  implicit: true,
  divergenceAdvice: () => 'Try a larger regularization, or a smaller alpha.',
  buffers({ rows, cols, observedCount: count, width }: Shape) {
    return {
      f64: {
        ...commonBuffers(rows, cols, width), ht: cols * width, confidence: count, byColumn: count,
        gramian: width * width, gram: width * width, rhs: width, cg: 3 * width,
      },
      i32: { rowStart: rows + 1, colIndex: count, colStart: cols + 1, rowIndex: count },
    };
  },
  start(space, spec) {
    const { kernels: k, f64: b, i32: n } = space;
    const { width, alpha, cgSteps } = spec;
    // The L2 penalties of W and H (½λ‖·‖² per row and column here, not per observation).
    const [lambdaW, lambdaH] = [spec.wParams[width], spec.hParams[width]];
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count } = problem;
    space.viewF64(b.w, rows * width).set(spec.initial.W);
    writeTransposedH(space, spec);
    // The penalty is ½λ‖·‖² per row and column, not weighted by observations: counts of one.
    space.viewF64(b.rowCounts, rows).fill(1);
    space.viewF64(b.colCounts, cols).fill(1);
    space.viewF64(b.wParams, 4 * width).set(spec.wParams);
    space.viewF64(b.hParams, 4 * width).set(spec.hParams);
    const columns = columnOrder(problem, rowOfEach(problem));
    space.viewI32(n.rowStart, rows + 1).set(problem.rowStart);
    space.viewI32(n.colIndex, count).set(problem.colIndex);
    space.viewI32(n.colStart, cols + 1).set(columns.colStart);
    space.viewI32(n.rowIndex, count).set(columns.rowIndex);
    // The values become confidences less one: α·value.
    const byRow = space.viewF64(b.confidence, count);
    for (let p = 0; p < count; p++) byRow[p] = alpha * problem.values[p];
    const byColumn = space.viewF64(b.byColumn, count);
    for (let p = 0; p < count; p++) byColumn[p] = alpha * columns.values[p];
    const half = (start: typeof n.rowStart, index: typeof n.rowStart, confidence: typeof b.w, fixed: typeof b.w, solved: typeof b.w, lambda: number) =>
      (from: number, to: number) =>
        k.ialsHalf(
          space.atI32(start, from), index, confidence, fixed, space.atF64(solved, from * width), b.gramian,
          to - from, width, lambda, b.gram, b.rhs, b.cg, cgSteps,
        );
    const rowsHalf = half(n.rowStart, n.colIndex, b.confidence, b.ht, b.w, lambdaW);
    const colsHalf = half(n.colStart, n.rowIndex, b.byColumn, b.w, b.ht, lambdaH);
    const penalty = () => k.penalty(b.w, b.rowCounts, b.wParams, rows, width, 0) + k.penalty(b.ht, b.colCounts, b.hParams, cols, width, 0);
    // Which side the gramian buffer holds: the loss needs H's, an epoch starts from H's, so the one the
    // loss made is not made again; solving a side makes the other's stale.
    let holds: 'H' | 'W' | undefined;
    const gramianOf = (side: 'H' | 'W') => {
      if (holds === side) return;
      if (side === 'H') k.gramian(b.ht, cols, width, b.gramian);
      else k.gramian(b.w, rows, width, b.gramian);
      holds = side;
    };
    const solveRows = (from: number, to: number) => {
      rowsHalf(from, to);
      holds = holds === 'H' ? 'H' : undefined; // W changed; H's gramian still holds
    };
    const solveCols = (from: number, to: number) => {
      colsHalf(from, to);
      holds = holds === 'W' ? 'W' : undefined;
    };
    return {
      loss() {
        gramianOf('H');
        return k.ialsLoss(n.rowStart, n.colIndex, b.confidence, b.w, b.ht, b.gramian, rows, width, b.rhs) + penalty();
      },
      epoch(signal) {
        gramianOf('H');
        const first = inBlocks(rows, signal, solveRows);
        const second = () => {
          gramianOf('W');
          return inBlocks(cols, signal, solveCols);
        };
        return first instanceof Promise ? first.then(second) : second();
      },
      solveOnly(touchedRows, touchedCols) {
        gramianOf('H');
        for (const i of touchedRows) solveRows(i, i + 1);
        gramianOf('W');
        for (const j of touchedCols) solveCols(j, j + 1);
      },
      view: () => ({ W: space.viewF64(b.w, rows * width), H: space.viewF64(b.ht, cols * width), hTransposed: true }),
      close: () => space.close(),
    };
  },
  // A new row's events, solved exactly (Cholesky) against the trained side: no warm start to refine.
  foldIn({ index, values, fixed, fixedCount, width, lambda, alpha }) {
    const solved = new Float64Array(width);
    const fixedGramian = new Float64Array(width * width);
    gramian(fixed, fixedCount, width, fixedGramian);
    ialsHalf(
      Int32Array.of(0, index.length), index, values.map((v) => alpha * v), fixed, solved, fixedGramian, 1, width, lambda,
      new Float64Array(width * width), new Float64Array(width), new Float64Array(3 * width), 0,
    );
    return solved;
  },
};
