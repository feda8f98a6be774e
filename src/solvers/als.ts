// 'als': alternating least squares. With H fixed each row of W (and its bias) is the exact minimiser of
// its regularized least-squares problem (a width×width Cholesky solve, or coordinate descent for L1 and
// bounds), then the same for H's columns against the new W. One kernel serves both halves: it walks
// CSR rows for W and the CSC copy of the observations for H.
import { alsHalf } from '../backends/js/als.js';
import type { KernelCall, Workspace } from '../runtime/kernels.js';
import { singleValues, writeColumnOrder } from './layout.js';
import type { SparseProblem } from '../types.js';
import { inBlocks } from './blocks.js';
import { commonBuffers, csrIntoRun, csrLossOf, heldOutBuffers, heldOutErrorOf, penaltyOf, writeCommon, writeTransposedH } from './common.js';
import { after, rowsInParts } from './parallel.js';
import type { FactorOptions, RatingOptions } from './options.js';
import type { Run, RunSpec, Shape, SolverModule } from './solver.js';
import { rmseMetric } from './validation.js';

/** Observations whose factor rows assembly/als.ts accumulateGram widens at a time (its CHUNK). */
const GRAM_CHUNK = 8;

/**
 * alsHalf's scratch (each thread's): the Gram matrix (width²) and the chunk's widened factor rows after it, and the
 * right-hand side — float64 in either precision: the normal equations' sums are rounded once, when the row is solved.
 */
export function normalEquations(width: number): { gram: number; rhs: number } {
  return { gram: width * width + GRAM_CHUNK * width, rhs: width };
}

/** solver 'als': alternating exact least-squares solves. */
export interface AlsOptions extends FactorOptions, RatingOptions {
  solver: 'als';
}

export const als: SolverModule<AlsOptions> = {
  name: 'als',
  summary: 'alternating exact least-squares solves of rows and columns; no step to tune, the first choice for ratings',
  defaults: Object.freeze({ epochs: 15, regularization: 0.1 }),
  own: {},
  takes: ['biases', 'biasRegularization', 'l1', 'nonnegative', 'clip', 'mask'],
  data: 'ratings',
  validation: rmseMetric,
  metrics: ['rmse', 'mae'],
  needsRegularization: true,
  clipsByDefault: true,
  threadsFrom: 2 ** 18, // a few milliseconds an epoch
  partialUpdate: true,
  layouts: ['sparse'],
  initialDraw: 'uniform',
  divergenceAdvice: () => 'Try a larger regularization, or check the scale of X.',
  buffers({ rows, cols, observedCount: count, width, heldOut, singleValues }: Shape) {
    const held = heldOutBuffers(heldOut);
    // The values twice (by row and by column): in float32 where every one is a float32 value, in either precision.
    const values = { values: count, byColumn: count };
    return {
      real: { ...commonBuffers(rows, cols, width), ht: cols * width, ...(singleValues ? {} : values), ...held.real },
      ...(singleValues ? { float32: values } : {}),
      i32: { rowStart: rows + 1, colIndex: count, colStart: cols + 1, rowIndex: count, ...held.i32 },
      scratch64: normalEquations(width),
    };
  },
  start<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
    const { real: b, i32: n } = space;
    // Not `spec` itself in the run's closures: it holds the input's layout and the initial factors.
    const { width, offset } = spec;
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count } = problem;
    space.viewI32(n.rowStart, rows + 1).set(problem.rowStart);
    // The values as given (the kernels subtract μ), in float32 where the problem's are (Shape.singleValues).
    const single = singleValues(problem);
    const view = (buffer: typeof b.values) => (single ? space.viewFloat32(buffer, count) : space.viewReal(buffer, count));
    const colIndex = space.viewI32(n.colIndex, count);
    const values = view(b.values);
    const factors = () => ({ W: space.viewReal(b.w, rows * width), H: space.viewReal(b.ht, cols * width), hTransposed: true });
    // Before the column order and the factors are written, so that what the fit lets go is collected first; the
    // column order is then made from the run's CSR (the same values in the same type as its own).
    const handOver = csrIntoRun(space, spec, colIndex, values, 0, factors);
    const colStart = space.viewI32(n.colStart, cols + 1);
    writeColumnOrder({ ...problem, colIndex, values }, { colStart, rowIndex: space.viewI32(n.rowIndex, count), values: view(b.byColumn) }, 0);
    writeCommon(space, spec);
    writeTransposedH(space, spec);
    const descend = spec.coordinateDescent ? 1 : 0;
    const penalty = penaltyOf(space, spec, b.ht, false);
    // The call solving rows first..end−1 of one half: the kernel indexes its start array and its output by
    // row, so a range is the same call on buffers advanced to its first row.
    const solver = (start: typeof n.rowStart, index: typeof n.rowStart, values: typeof b.w, counts: typeof b.w, fixed: typeof b.w, solved: typeof b.w, params: typeof b.w) =>
      (first: number, end: number): KernelCall<F, I> => [
        'alsHalf', space.atI32(start, first), index, values, space.atReal(counts, first), fixed, space.atReal(solved, first * width), params,
        end - first, width, b.gram, b.rhs, descend, offset, single ? 1 : 0,
      ];
    const solveRows = solver(n.rowStart, n.colIndex, b.values, b.rowCounts, b.ht, b.w, b.wParams);
    const solveCols = solver(n.colStart, n.rowIndex, b.byColumn, b.colCounts, b.w, b.ht, b.hParams);
    // A row costs a width³/3 factorization plus width² per observation.
    const rowsHalf = rowsInParts(space, problem.rowStart, width / 3, width * width, solveRows);
    const colsHalf = rowsInParts(space, colStart, width / 3, width * width, solveCols);
    const observedLoss = csrLossOf(space, n.rowStart, n.colIndex, b.values, count, width, problem.rowStart, offset, single);
    return {
      loss: () => after(observedLoss(), (loss) => loss + penalty()),
      observedError: (clip) => observedLoss(clip ? [clip[0] - offset, clip[1] - offset] : undefined),
      heldOutError: heldOutErrorOf(space, spec, undefined),
      epoch: (signal) => after(inBlocks(rows, signal, rowsHalf), () => inBlocks(cols, signal, colsHalf)),
      solveOnly(touchedRows, touchedCols) {
        // A call per row: each row's solve is its own.
        return after(space.run([
          Array.from(touchedRows, (i) => solveRows(i, i + 1)), Array.from(touchedCols, (j) => solveCols(j, j + 1)),
        ]), () => undefined);
      },
      view: factors,
      close: () => space.close(),
      ...(space.keepable ? { keep: () => space.keep() } : {}),
      ...(handOver ? { handOver } : {}),
    };
  },
  foldIn: (input) => explicitFoldIn(input),
};

/**
 * Factors (and bias) for one new row from its observations: the solve ALS makes for a row, against the
 * trained factors of the other side (`fixed`, n×width), with the model's penalty block. gd and sgd models
 * fold in the same way: it is the exact minimiser of the objective they all share.
 */
export const explicitFoldIn: SolverModule['foldIn'] = ({ index, values, fixed, width, rank, biases, side, params, coordinateDescent }) => {
  const solved = new Float64Array(width);
  if (biases) solved[side === 'row' ? rank + 1 : rank] = 1; // the frozen constant
  alsHalf(
    Int32Array.of(0, index.length), index, values, Float64Array.of(index.length), fixed, solved, params, 1, width,
    new Float64Array(width * width), new Float64Array(width), coordinateDescent ? 1 : 0, 0, 0,
  );
  return solved;
};
