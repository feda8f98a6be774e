// What a solver is: one module per solver fills in this interface — its options (own and shared), their
// defaults and checks, the data it takes, its validation metric, its capabilities, the buffers it lays out,
// and its epoch and loss as calls of named kernels — and the registry (index.ts) maps names to modules.
// Nothing outside src/solvers/ names a solver or branches on one: it asks the module.
import type { Awaitable, Buffers, RealArray, Workspace } from '../runtime/kernels.js';
import type { Scorer } from '../backends/index.js';
import type { Random } from '../math/rng.js';
import type { Layout, Observations, Parameters, Problem } from '../types.js';
import type { OwnOption, SharedOption, SharedOptions } from './options.js';
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
  /** W and H are arrays made for this view (not views of the run's memory): the caller may keep them. */
  owned?: boolean;
  /**
   * Where the run stores the rows and columns, when not in the caller's order (sgd): row i of W is row
   * rowSlot[i], column j of H is column colSlot[j]. Only Run.scoringView's views have them.
   */
  slots?: { rowSlot: Int32Array; colSlot: Int32Array };
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
   */
  epoch(signal?: AbortSignal): Awaitable<void>;
  /**
   * Where a solver can: up to `count` epochs at once, the objective after each to losses[from + e], on the
   * calling thread — for when nothing is asked between epochs (no validation, callback or signal). Stops
   * after an epoch whose objective is not finite or passes `limit`, or moves by at most `tolerance` × the one
   * before; returns the epochs run. The same arithmetic as epoch() and loss() in turn.
   */
  epochs?(count: number, losses: Float64Array, from: number, limit: number, tolerance: number): number;
  view(): FactorView;
  /**
   * Where a run stores its rows and columns in an order of its own: the factors as they are (views, `slots`
   * set), for a validation metric that reads slots (ValidationMetric.readsSlots) to score between epochs
   * without putting them back in order.
   */
  scoringView?(): FactorView;
  /**
   * Solvers of ratings whose run keeps the observations as (row, column, value − μ): ½ Σ (x − p)² over them,
   * p the prediction μ + w·h clipped to `clip` where given — the training error of the current factors,
   * where the run's data already is.
   */
  observedError?(clip: readonly [number, number] | null): Awaitable<number>;
  /**
   * ½ Σ (x − p)² over RunSpec.heldOut, p the prediction μ + w·h clipped to `clip` where given: a validation
   * set scored where the factors are, by the kernel of the training loss.
   */
  heldOutError?(clip: readonly [number, number] | null): Awaitable<number>;
  /**
   * ALS-type solvers: re-solves just these rows of W (each exactly, against the current H), then these
   * columns of H against the new W — what absorbing a few new observations needs (model.update()).
   */
  solveOnly?(rows: Int32Array, cols: Int32Array): Awaitable<void>;
  /** Frees what the run holds; the run cannot be used afterwards. */
  close(): void;
  /**
   * Present where view() is the run's own factors in the caller's order and the run's memory is one the backend would
   * not lend again (Workspace.keepable): its last call, in place of close(), it leaves that memory to views of it —
   * for a caller whose process lets it go soon after (an input handed over: the command line's, a worker's), so that
   * the factors are not copied out beside the run.
   */
  keep?(): void;
  /**
   * Present where the run holds the training values as given, copied into a memory the backend would not lend
   * again (Workspace.keepable), so that nothing else keeps them while it trains. take() — the run's last call, in
   * place of close() — gives that memory to the model: the factors in the caller's order, and the values and
   * column indices in the order of the problem's CSR, as views of it.
   */
  handOver?: { take(): { factors: FactorView; values: RealArray; colIndex: Int32Array } };
}

/** The size of a problem, which is all a solver needs to derive its buffers. */
export interface Shape {
  layout: Layout;
  rows: number;
  cols: number;
  observedCount: number;
  /** Coordinates of a factor row: rank, + 2 with biases. */
  width: number;
  /** sgd: how many blocks its visiting order has (default LIBMF's 20×20); given with a visit of the caller's own (RunSpec.visit). */
  blocks?: number;
  /** Held-out pairs the run may score itself (RunSpec.heldOut); 0 or absent without a validation set of ratings. */
  heldOut?: number;
  /** Whether runs may store the values in float32 (layout.ts singleValues of the problem). */
  singleValues?: boolean;
  /** Whether X's CSR is built in the run's memory by kernels (plan.ts, SolverModule.csrTarget): their buffers too. */
  csrInRun?: boolean;
}

/**
 * The factors a run starts from, drawn (or copied from the user's, or a warm start's) as the run writes them into
 * its memory, in its precision: no copy of them is made beside the run's. W first, then H, each once.
 */
export interface InitialFactors {
  /**
   * W, rows×width row-major: each row's rank latent coordinates, then with biases [b_i, 1]. Random draws go through
   * `draw`, bound to the same buffer (the backend's kernel: solvers/common.ts drawerOf).
   */
  writeW(target: RealArray, draw: Draw): void;
  /** H, width×cols row-major (rank latent rows, then with biases a row of 1s and the column biases), or its transpose. */
  writeH(target: RealArray, transposed: boolean, draw: Draw): void;
}

/**
 * Draws into the run's buffer it is bound to: `lines` lines of `count` values, scale × the generator's next uniform
 * (or normal) draws, value c of line l at l·lineStride + c·step; the generator's state (Random.state) goes on from
 * there. The backend's drawInto kernel (solvers/common.ts drawerOf), the same stream as Random.fill.
 */
export type Draw = (state: Int32Array, lines: number, count: number, lineStride: number, step: number, scale: number, normal: boolean) => void;

/**
 * Everything a run starts from, whatever the solver: `width` counts every coordinate of a factor row (the
 * latent factors and, with biases, a bias and a constant 1; see src/fit/spec.ts).
 */
export interface RunSpec<Own = OwnSettings> {
  /** In the layout the solver asked for, as given: the run stores each value less `offset`. */
  problem: Problem;
  /** μ with biases (explicit solvers), else 0: subtracted from every value as the run writes it (layout.ts writeValues). */
  offset: number;
  /** The latent factors of a row: width less the bias coordinates. */
  rank: number;
  width: number;
  /** The starting factors, written by the run into its memory: W, then H, before anything else draws from `random`. */
  initial: InitialFactors;
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
  /** The solver's own settings (its `own` options, read and defaulted). */
  own: Own;
  /** The own options the call gave (the others hold their defaults): a solver may adapt what was not given. */
  ownGiven: readonly string[];
  /** L1 or bounds are set: a least-squares solve must go by coordinate descent rather than Cholesky. */
  coordinateDescent: boolean;
  /** The seeded generator: it draws the initial factors as they are written, then sgd's visiting order continues it. */
  random: Random;
  /** sgd: how to store and visit the observations; by default LIBMF's 20×20 blocks drawn from `random`. */
  visit?: Visit;
  /**
   * The validation pairs of a trained row and a trained column (Shape.heldOut of them), values as given: a run
   * that keeps its observations as (row, column, value − μ) may lay them out beside them and score them by the
   * same kernel (Run.heldOutError).
   */
  heldOut?: Observations;
  /**
   * For a run that has copied the problem's values (and column indices) into its memory and gives them back
   * (Run.handOver): the fit forgets its own arrays wherever it holds them (the input as read, the problem), so
   * that while the run trains they are held once. `columns` is absent where the fit cannot forget them (a dense
   * X's pattern); `release` is absent where nothing but the problem holds them (a caller driving a run itself).
   * `handedOver`: the caller handed X over (the command line, a worker) and ends soon after the fit, so a model may
   * hold the run's memory whole, what it needs and what it does not.
   */
  release?: { values(): void; columns?(): void; handedOver: boolean };
}

export interface FoldInput {
  /** Who asks (e.g. 'foldIn'): what an error message starts with. */
  where: string;
  /** The other side's indices of the observations, and their values (less μ for explicit models). */
  index: Int32Array;
  values: Float64Array;
  /** The other side's trained factors, fixedCount×width. */
  fixed: RealArray;
  fixedCount: number;
  width: number;
  rank: number;
  biases: boolean;
  side: 'row' | 'col';
  /** The side's parameter block (4·width) and L2 penalty. */
  params: Float64Array;
  lambda: number;
  /** The model's kept own settings (see OwnOption.kept). */
  own: OwnSettings;
  coordinateDescent: boolean;
}

/** Settings a run reads by name: the values of a solver's own options. */
export type OwnSettings = Readonly<Record<string, number | boolean>>;

/** The shared options in O (every one, for an untyped module). */
export type SharedIn<O> = string extends keyof O ? SharedOption : Extract<keyof O, SharedOption>;

/** The names in O that are a solver's own (not shared with other solvers, not `solver` or `rank`). */
export type OwnName<O> = Exclude<keyof O, SharedOption | 'solver' | 'rank'>;

/** What a validation set is scored by after every epoch. */
export interface ValidationMetric {
  /** As EpochReport names it: 'rmse' (validationRmse) or 'precision@10' (validationPrecision). */
  readonly name: 'rmse' | 'precision@10';
  readonly higherIsBetter: boolean;
  /** Its scorer takes views with `slots` (Run.scoringView). */
  readonly readsSlots?: boolean;
  /** The validation pairs a run may score itself (RunSpec.heldOut), given the training counts; none if it scores them all. */
  heldOut?(validation: Observations, rowCounts: Float64Array, colCounts: Float64Array): Observations;
  /**
   * The scorer of a run's factors, made once per fit. `scorerOf` scores every column for a row over given
   * factors on the fit's backend (WASM SIMD, or the TS twin), for a metric that ranks columns.
   */
  scorer(
    validation: Observations, observed: { rowStart: Int32Array; colIndex: Int32Array }, parameters: (view: FactorView) => Parameters,
    scorerOf: (ht: RealArray, cols: number, width: number) => Promise<Scorer>,
    /** The run: where it scores RunSpec.heldOut itself (heldOutError), the metric may let it. */
    run: Pick<Run, 'heldOutError'>,
  ): (view: FactorView) => Awaitable<number>;
}

/**
 * A solver. `O` is its options type (a member of FactorizeOptions' union): its own options, described by
 * `own`, and the shared ones it accepts, listed in `takes`. Untyped (`any`), it is any solver's module.
 */
export interface SolverModule<O = any> {
  readonly name: string;
  /** One line: what it is and when to use it (the CLI's help, the docs' solver table, the demo). */
  readonly summary: string;
  /**
   * True for a model of biases alone (μ + b_i + c_j): it has no factors, so `rank` is 0 (left out, or 0) and
   * biases are always on.
   */
  readonly biasesOnly?: boolean;
  /** Its defaults of the options every solver takes, and of `biases` where it takes that (else false). */
  readonly defaults: Readonly<{ epochs: number; regularization: number; biases?: boolean }>;
  /** Its own options: default, check and help of each. */
  readonly own: { readonly [K in OwnName<O>]-?: OwnOption<Extract<NonNullable<O[K]>, number | boolean>> };
  /** The shared options it accepts (src/solvers/options.ts); any other is refused, naming the solvers that take it. */
  readonly takes: readonly SharedIn<O>[];
  /**
   * What the values are: 'ratings' to predict (a prediction is μ + biases + w·h; a row or column never seen
   * gets the mean), or 'events' — counts or weights ≥ 0 of things that happened, where what is predicted is
   * a preference (a row or column never seen gets 0) and a file's repeated pairs are summed.
   */
  readonly data: 'ratings' | 'events';
  /** How a validation set is scored after every epoch. */
  readonly validation: ValidationMetric;
  /** The metrics crossValidate and search report by default. */
  readonly metrics: readonly string[];
  /** Whether every L2 penalty must be > 0 (each least-squares solve well posed). */
  readonly needsRegularization: boolean;
  /** Default of options.clip without biases (with biases it is always on). */
  readonly clipsByDefault: boolean;
  /** The layouts it has kernels for; with more than one, options.layout chooses ('auto' by density). */
  readonly layouts: readonly Layout[];
  /** How its initial factors are drawn (src/fit/init.ts). */
  readonly initialDraw: 'normal' | 'uniform';
  /** The draws' scale for a rank, where it does not follow from the values (events carry no scale); default: from the values. */
  initialScale?(rank: number): number;
  /** What to try when it diverges, given its own settings. */
  divergenceAdvice(own: OwnSettings): string;
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
  /**
   * Where a run that holds the observations itself takes the CSR of a caller's arrays, built before start() in its
   * workspace (laid out from buffers(shape) before X is read): `shape.observedCount` float32 values, in the bytes
   * start() expects them in, and as many words of scratch free until then; undefined where the run would not hold
   * them (start() then copies them, or not). A problem whose values are those bytes is taken as it is.
   */
  csrTarget?<F, I>(space: Workspace<F, I>, shape: Shape): CsrTargetOf | undefined;
}

export type { OwnOption, SharedOption, SharedOptions };

/**
 * Where a run lets X's CSR be built in its memory (SolverModule.csrTarget): the values in `values`, `scratch` for the
 * entries' rows; with `build` (a run laid out with Shape.csrInRun, two-byte column indices), the column indices in
 * `build.columns` too, and the buffers the CSR kernels work in (src/input/csr.ts, layout.ts csrBuffers).
 */
export interface CsrTargetOf {
  values: Float32Array;
  scratch: Int32Array;
  build?: CsrBuild;
}

/**
 * A run's memory for the CSR kernels (assembly/csr.ts: csrCount, csrIntoBins, csrFromBins, csrSums, csrDeviations): the
 * workspace and its buffers' handles.
 */
export interface CsrBuild {
  space: Workspace<unknown, unknown>;
  /** The column indices, in the `columns` buffer's bytes. */
  columns: Uint16Array;
  /** The most entries a bin may hold for the kernel (its scratch: `sortedWords` and `sortedValues` hold as many). */
  capacity: number;
  buffers: {
    /** The entries in bins (`scratch`) and their values (`values`), then the CSR's values. */
    words: unknown; values: unknown; columns: unknown;
    /** Rows + 1 entries: the rows' counts, the bins' and the rows' cursors, then the row starts. */
    rowStart: unknown;
    /** Cols + 1 entries: the counting sort's column starts, then the column counts. */
    colStart: unknown; binStart: unknown; sortedWords: unknown; sortedValues: unknown;
    /** Five f64s (ten i32s): the statistics' running sums. */
    totals: unknown;
    /** Three times layout.ts STAGED: a chunk of a caller's row indices, column indices and values. */
    staging: unknown;
  };
}
