// What a solver is: one module per solver (gd.ts, sgd.ts, als.ts) fills in this interface — its options
// and defaults, the buffers it lays out, and its epoch and loss as calls of named kernels — and the
// registry (index.ts) maps names to modules. Nothing else in the package branches on the solver.
import type { Awaitable, Buffers, RealArray, Workspace } from '../runtime/kernels.js';
import type { Problem } from '../types.js';
import type { Random } from '../math/rng.js';
import type { Layout, Solver } from '../types.js';
import type { Visit } from './order.js';

export type { Awaitable };

/**
 * The factors where a run keeps them, in its precision; views into WASM memory stay valid until the run's
 * next call.
 */
export interface FactorView {
  /** rows×width. */
  W: RealArray;
  /** width×cols, or cols×width when `hTransposed`. */
  H: RealArray;
  hTransposed: boolean;
}

/**
 * A fit in progress, the asynchronous contract the training loop drives: `loss` and `epoch` may return
 * promises (the loop awaits only those), so that a run spread over threads, or on a GPU, is one more
 * implementation. A run owns its memory and copies of the factors, never the caller's arrays.
 */
export interface Run {
  /** The objective of the current factors: ½ Σ (x − w·h)² + the penalty. */
  loss(): Awaitable<number>;
  /**
   * One epoch. With a signal, a long epoch works in blocks of rows (or of SGD blocks), yields to the event
   * loop between them and rejects with the signal's reason once it is aborted; the arithmetic is the same.
   * `order` (sgd only) overrides the run's own seeded block order: tests drive it with a fixture's.
   */
  epoch(signal?: AbortSignal, order?: Int32Array): Awaitable<void>;
  view(): FactorView;
  /**
   * ALS-type solvers: re-solves just these rows of W (each exactly, against the current H), then these
   * columns of H against the new W — what absorbing a few new observations needs (model.update()).
   */
  solveOnly?(rows: Int32Array, cols: Int32Array): void;
  /** Frees what the run holds; the run cannot be used afterwards. */
  close(): void;
}

/** The size of a problem, which is all a solver needs to derive its buffers. */
export interface Shape {
  layout: Layout;
  rows: number;
  cols: number;
  observedCount: number;
  /** Coordinates of a factor row: rank, + 2 with biases. */
  width: number;
  /** sgd: how many blocks its visiting order has (default LIBMF's 20×20). */
  blocks?: number;
  /** Threads the run may use: solvers lay out scratch for each (default 1). */
  threads?: number;
}

/**
 * Everything a run starts from, whatever the solver: `width` counts every coordinate of a factor row (the
 * latent factors and, with biases, a bias and a constant 1; see src/solve.ts).
 */
export interface RunSpec {
  /** In the layout the solver asked for, as given: the run stores each value less `offset`. */
  problem: Problem;
  /** μ with biases (explicit solvers), else 0: subtracted from every value as the run writes it (layout.ts writeValues). */
  offset: number;
  width: number;
  /** W rows×width and H width×cols, row-major. */
  initial: { W: Float64Array; H: Float64Array };
  /** Parameter blocks of 4·width: step, l2, l1, low (assembly/update.ts). */
  wParams: Float64Array;
  hParams: Float64Array;
  /** Whether any L2 or L1 penalty is set; without one the penalty pass is skipped (it would add 0). */
  penalized: boolean;
  /** Every step 1, no penalty, no bound (the seed's case): a gd update is a plain axpy. */
  plain: boolean;
  /** Observations per row and per column, as f64. */
  rowCounts: Float64Array;
  colCounts: Float64Array;
  learningRate: number;
  /** sgd: AdaGrad-style per-row and per-column steps. */
  adaptive: boolean;
  /** als: coordinate descent (needed for L1 and bounds) instead of a Cholesky solve. */
  coordinateDescent: boolean;
  /** ials: confidence 1 + alpha·value, and conjugate-gradient steps per row solve (0: exact Cholesky). */
  alpha: number;
  cgSteps: number;
  /** The seeded generator, after the initial factors were drawn (sgd's visiting order continues it). */
  random: Random;
  /**
   * sgd: how to store and visit the observations; by default LIBMF's 20×20 blocks drawn from `random`.
   * Tests give one observation per block, to drive a fixture's orders through Run.epoch.
   */
  visit?: Visit;
}

export interface FoldInput {
  /** The other side's indices of the observations, and their values (less μ for explicit models). */
  index: Int32Array;
  values: Float64Array;
  /** The other side's trained factors, fixedCount×width. */
  fixed: Float64Array;
  fixedCount: number;
  width: number;
  rank: number;
  biases: boolean;
  side: 'row' | 'col';
  /** The side's parameter block (4·width) and L2 penalty. */
  params: Float64Array;
  lambda: number;
  /** ials: confidence 1 + alpha·value, and CG steps (0: exact). */
  alpha: number;
  cgSteps: number;
  coordinateDescent: boolean;
}

export interface SolverDefaults {
  epochs: number;
  /** NaN for a solver without a step. */
  learningRate: number;
  regularization: number;
}

export interface SolverModule {
  readonly name: Solver;
  readonly defaults: Readonly<SolverDefaults>;
  /** Whether it takes options.learningRate. */
  readonly takesLearningRate: boolean;
  /** Options only this solver takes, beyond the common ones. */
  readonly ownOptions: readonly string[];
  /** Whether every L2 penalty must be > 0 (each least-squares solve well posed). */
  readonly needsRegularization: boolean;
  /** Default of options.clip without biases (with biases it is always on). */
  readonly clipsByDefault: boolean;
  /** The layouts it has kernels for; with more than one, options.kernel chooses ('auto' by density). */
  readonly layouts: readonly Layout[];
  /** How its initial factors are drawn (src/init.ts). */
  readonly initialDraw: 'normal' | 'uniform';
  /** What to try when it diverges. */
  divergenceAdvice(learningRate: number): string;
  /**
   * Implicit feedback: predictions are preferences (no offset, no clipping, no biases), validation is by a
   * ranking metric and recommendations rank by the plain score.
   */
  readonly implicit: boolean;
  /**
   * From how many entries × width (observed entries, or every entry of a dense gd) the default thread count
   * is every core rather than one: below it, waking threads costs more than they give (bench:threads).
   */
  readonly threadsFrom: number;
  /** Whether its runs have solveOnly(): model.update() then re-solves only what new observations touch. */
  readonly partialUpdate: boolean;
  /** A new row's (or column's) factors from its observations, against the trained other side: no retraining. */
  foldIn(input: FoldInput): Float64Array;
  /** The buffers of a run of this shape, derived once; also what the size check before any work uses. */
  buffers(shape: Shape): Buffers;
  /** Lays the run out in a backend's workspace (laid out from buffers(shape)) and returns it. */
  start<F, I>(space: Workspace<F, I>, spec: RunSpec): Run;
}
