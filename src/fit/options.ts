// The options every solver shares (RunOptions), the union with each solver's own (FactorizeOptions), every
// default in one place, and readOptions — the one check of a call's options. Anything not listed is rejected,
// so that a typo such as `learningrate` is an error rather than a silently ignored setting; an option of
// another solver is rejected naming the solvers that take it.
import { describe } from '../check/describe.js';
import { boolean, integer, isPlainObject, nonNegative, oneOf, rejectUnknown } from '../check/validate.js';
import type { MatrixInput, SparseMatrixInput } from '../types.js';
import {
  DEFAULT_SOLVER, SOLVER_NAMES, SOLVER_OPTION_NAMES, SOLVERS, solversTaking, takes, type OwnSettings, type Solver, type SolverModule, type SolverOptions,
} from '../solvers/index.js';
import type { BackendName, FactorizationInfo, Key, LayoutChoice, Precision } from '../types.js';

/** A trained model (a Factorization, or what it is made of) to continue from: what options.init takes for a warm start. */
export interface WarmStart {
  readonly info: FactorizationInfo;
}

/**
 * Observations held out to score every epoch: coordinates into X, as the sparse form of X; or, with `rowIds` and
 * `colIds` (as trainTestSplit's test set has them), indices into those ids, looked up among X's.
 */
export type ValidationInput = Omit<SparseMatrixInput, 'rows' | 'cols'> & { rows?: number; cols?: number; rowIds?: readonly Key[]; colIds?: readonly Key[] };

export interface EpochReport {
  /** 0-based epoch just finished. */
  epoch: number;
  /** The objective after it (lossHistory[epoch]). */
  loss: number;
  /** RMSE on `validation` after it, or undefined without a validation set (and for a solver of events). */
  validationRmse: number | undefined;
  /** A solver of events: precision@10 on `validation` after it (training observations left out; a fixed sample of 64 of its rows when it has more). */
  validationPrecision?: number;
  /** Threads the run trains on (see options.threads; 1 where threads are unavailable, once they were found starved, or while one is faster). */
  threads: number;
}

/** The options every solver takes. */
export interface RunOptions {
  /** The solver: a name from `solvers` (docs/solvers.md). Default DEFAULTS.solver, the seed's gradient descent. */
  solver?: Solver;
  /** Most passes over the data; an integer ≥ 0. Default: the solver's (DEFAULTS[solver].epochs). */
  epochs?: number;
  /**
   * L2 penalty λ per observation: each observed entry adds ½λ(‖w_i‖² + ‖h_j‖²), so a row observed n
   * times carries ½λn‖w_i‖² (LIBMF's and Spark ALS's weighting; a solver of events may count it per row and
   * column instead, docs/solvers.md). A number, or { W, H }. Default: the solver's (DEFAULTS[solver].regularization);
   * an exact least-squares solver needs it > 0.
   */
  regularization?: number | { W?: number; H?: number };
  /** Stop when the objective's relative change over an epoch is at most this; 0 turns it off. Default 0. */
  tolerance?: number;
  /**
   * Observations held out from X, scored after every epoch by the solver's metric (RMSE, or precision@10 for
   * events, on a fixed seeded sample of 64 of its rows when it has more); coordinates into X.
   */
  validation?: ValidationInput;
  /** With validation: stop after this many epochs without a better validation score. Default: no early stop. */
  patience?: number;
  /** With validation: return the factors of the epoch with the best validation score. Default true. */
  restoreBest?: boolean;
  /**
   * Whether the model keeps its training observations (each one's column and value, in CSR order: 8–12 bytes
   * a rating), which recommend() leaves out of a row's list and model.update() retrains on. false: it keeps
   * none — a smaller model and model file; recommend() then ranks every column (pass `exclude`), and update()
   * says it cannot; a dense X's observed values are then not copied at all (unless it runs in the sparse layout,
   * whose run needs them). Default true.
   */
  keepObservations?: boolean;
  /** Called after every epoch; returning false (or a promise of false) stops training there. */
  onEpoch?: (report: EpochReport) => unknown;
  /** Aborts training: factorize rejects with the signal's reason. Training yields to the event loop so that it can. */
  signal?: AbortSignal;
  /**
   * Initial factors, either or both: W rows×rank and H rank×cols (number[][] or { rows, cols, data }); or a
   * trained model (a Factorization of the same rank) to continue from: its factors — and biases, when both
   * fit biases — for the rows and columns of X it knows, matched by id (by index when neither has ids);
   * rows and columns it does not know get fresh draws. Default: seeded draws (see the docs).
   */
  init?: { W?: MatrixInput; H?: MatrixInput } | WarmStart;
  /** Seed of the random initial factors and of sgd's visiting order; any safe integer. Default 42. */
  seed?: number;
  /** 'wasm' (WebAssembly SIMD kernels) or 'js' (pure TypeScript). Default 'wasm'. */
  backend?: BackendName;
  /**
   * Threads the epochs run on, 1 to 64 ('wasm' backend; 'js' runs on one). Every solver gives the same
   * result, to the bit, whatever the count. Default: the machine's logical cores (os.availableParallelism(),
   * navigator.hardwareConcurrency) for problems large enough to gain from them (observed entries × width
   * ≥ the solver's threshold: 2^18, a few milliseconds an epoch, or 2^25 for sgd's small blocks), else 1; the environment
   * variable MFWASM_THREADS, where there is one, replaces that default. Browsers share memory between threads
   * only on cross-origin isolated pages; elsewhere training uses one thread and says so once on the console.
   * A run whose threads are kept waiting by other processes goes on alone, and a run of short epochs goes alone
   * while that is faster (docs/performance.md), with the same result.
   */
  threads?: number;
  /**
   * How the run stores its factors, values and scratch: 'float64', or 'float32' (half the memory and memory
   * traffic; the kernels still compute in float64, rounding each stored value to float32). Every solver
   * and both backends take either; the two backends give the same bits in float32 too. The trained model
   * keeps its factors in Float32Arrays (predictions are computed from them in float64, as from float64 copies;
   * save them with toBytes({ precision: 'float32' }) at no loss; `W`/`H` give float64 copies). Default
   * 'float64' (the seed's arithmetic, exactly).
   */
  precision?: Precision;
}

/** Omit over each member of a union (TypeScript's Omit flattens a union into its common keys). */
export type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * factorize()'s options: the common ones and those of the chosen solver (src/solvers/: each module's options
 * type), so that TypeScript refuses an option the solver does not take.
 */
export type FactorizeOptions = RunOptions & SolverOptions;

/** Options after validation, with every default filled in. */
export interface Settings {
  rank: number;
  solver: Solver;
  module: SolverModule;
  epochs: number;
  /** The solver's own options, read and defaulted (its module's `own`). */
  own: OwnSettings;
  /** The own options the call gave. */
  ownGiven: readonly string[];
  regularization: { W: number; H: number; bias: number };
  l1: { W: number; H: number };
  biases: boolean;
  nonnegative: boolean;
  tolerance: number;
  patience: number;
  restoreBest: boolean;
  keepObservations: boolean;
  clip: boolean;
  seed: number;
  backend: BackendName;
  /** undefined: chosen from the problem's size (src/fit/plan.ts). */
  threads: number | undefined;
  precision: Precision;
  layout: LayoutChoice;
  mask: unknown;
  validation: unknown;
  onEpoch: RunOptions['onEpoch'];
  signal: AbortSignal | undefined;
  init: { W?: unknown; H?: unknown; model?: FactorizationInfo };
}

/** The most threads a run takes (options.threads). */
export const MAX_THREADS = 64;

/** A solver's defaults: epochs, regularization and each of its own options. */
export type SolverDefaults = Readonly<{ epochs: number; regularization: number } & Record<string, number | boolean>>;

function defaultsOf(module: SolverModule): SolverDefaults {
  return Object.freeze({ ...module.defaults, ...Object.fromEntries(Object.entries(module.own).map(([name, option]) => [name, option.default])) });
}

/** Every default, in one place: each solver's (from its module) and the common ones. */
export const DEFAULTS: Readonly<{ [K in Solver]: SolverDefaults } & { solver: Solver; seed: number; backend: BackendName; precision: Precision; layout: LayoutChoice }> =
  Object.freeze({
    ...(Object.fromEntries(SOLVER_NAMES.map((name) => [name, defaultsOf(SOLVERS[name])])) as { [K in Solver]: SolverDefaults }),
    solver: DEFAULT_SOLVER as Solver,
    seed: 42,
    backend: 'wasm' as BackendName,
    precision: 'float64' as Precision,
    layout: 'auto' as LayoutChoice,
  });

/** The options every solver takes. */
const RUN_OPTIONS = [
  'rank', 'solver', 'epochs', 'regularization', 'tolerance', 'validation', 'patience', 'restoreBest', 'onEpoch', 'signal',
  'init', 'seed', 'backend', 'threads', 'precision', 'keepObservations',
] as const;
/** Every option factorize() takes, for the callers that take them besides their own (a worker's `transfer`). */
export const OPTION_NAMES = [...RUN_OPTIONS, ...SOLVER_OPTION_NAMES];
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['float64', 'float32'];
const LAYOUTS: readonly LayoutChoice[] = ['auto', 'dense', 'sparse'];

/** A penalty given as one number or as { W, H }; a side left out takes `fallback`. */
function perFactor(name: string, value: unknown, fallback: number): { W: number; H: number } {
  if (value === undefined) return { W: fallback, H: fallback };
  if (isPlainObject(value)) {
    rejectUnknown(name, value, ['W', 'H']);
    return {
      W: value.W === undefined ? fallback : nonNegative(`${name}.W`, value.W),
      H: value.H === undefined ? fallback : nonNegative(`${name}.H`, value.H),
    };
  }
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a number or { W, H }, got ${describe(value)}`);
  const both = nonNegative(name, value);
  return { W: both, H: both };
}

export function readOptions(options: unknown): Settings {
  if (!isPlainObject(options)) {
    throw new TypeError(`options: expected an object, at least { rank } (or { solver: 'baseline' }), got ${describe(options)}`);
  }
  rejectUnknown('options', options, OPTION_NAMES);
  const given = options as Record<string, unknown>;
  const solver = given.solver === undefined ? DEFAULTS.solver : oneOf('options.solver', given.solver, SOLVER_NAMES);
  const module: SolverModule = SOLVERS[solver];
  if (module.biasesOnly && given.rank !== undefined && given.rank !== 0) {
    throw new TypeError(`options.rank: solver '${solver}' has no factors (biases only); leave rank out, got ${describe(given.rank)}`);
  }
  if (module.biasesOnly && given.biases !== undefined) {
    throw new TypeError(`options.biases: solver '${solver}' is biases alone, always on; leave it out, got ${describe(given.biases)}`);
  }
  if (!module.biasesOnly && given.rank === undefined) throw new TypeError('options.rank: required, an integer ≥ 1 (the number of latent factors)');
  const rank = module.biasesOnly ? 0 : integer('options.rank', given.rank, 1);
  for (const name of SOLVER_OPTION_NAMES) {
    if (given[name] !== undefined && !takes(module, name)) {
      throw new TypeError(`options.${name}: only for solver ${solversTaking(name)}, got solver '${solver}'; leave it out`);
    }
  }
  const own: Record<string, number | boolean> = {};
  for (const [name, option] of Object.entries(module.own)) own[name] = given[name] === undefined ? option.default : option.read(`options.${name}`, given[name]);
  const ownGiven = Object.keys(module.own).filter((name) => given[name] !== undefined);
  const epochs = given.epochs === undefined ? module.defaults.epochs : integer('options.epochs', given.epochs, 0);

  const l2 = perFactor('options.regularization', given.regularization, module.defaults.regularization);
  if (module.needsRegularization && (l2.W === 0 || l2.H === 0)) {
    throw new RangeError(
      `options.regularization: solver '${solver}' needs a value > 0 for W and H, so that every least-squares solve is well posed; got ` +
        `${l2.W === l2.H ? l2.W : `{ W: ${l2.W}, H: ${l2.H} }`}`,
    );
  }
  const bias = given.biasRegularization === undefined ? l2.W : nonNegative('options.biasRegularization', given.biasRegularization);
  const l1 = perFactor('options.l1', given.l1, 0);
  const biases = given.biases === undefined ? module.defaults.biases ?? false : boolean('options.biases', given.biases);
  const nonnegative = given.nonnegative === undefined ? false : boolean('options.nonnegative', given.nonnegative);
  const tolerance = given.tolerance === undefined ? 0 : nonNegative('options.tolerance', given.tolerance);

  if (given.validation !== undefined && !isPlainObject(given.validation)) {
    throw new TypeError(`options.validation: expected { rowIndices, colIndices, values }, got ${describe(given.validation)}`);
  }
  for (const name of ['patience', 'restoreBest'] as const) {
    if (given[name] !== undefined && given.validation === undefined) {
      throw new TypeError(`options.${name}: needs options.validation, the held-out observations it is judged on`);
    }
  }
  const patience = given.patience === undefined ? Infinity : integer('options.patience', given.patience, 1);
  const restoreBest = given.restoreBest === undefined ? true : boolean('options.restoreBest', given.restoreBest);
  const keepObservations = given.keepObservations === undefined ? true : boolean('options.keepObservations', given.keepObservations);
  if (given.onEpoch !== undefined && typeof given.onEpoch !== 'function') {
    throw new TypeError(`options.onEpoch: expected a function, got ${describe(given.onEpoch)}`);
  }
  const signal = given.signal as AbortSignal | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError(`options.signal: expected an AbortSignal, got ${describe(given.signal)}`);
  }
  // Events are not predicted as values: nothing to clip them to.
  const clip = given.clip === undefined ? module.data === 'ratings' && (module.clipsByDefault || biases) : boolean('options.clip', given.clip);

  const seed = given.seed === undefined ? DEFAULTS.seed : safeInteger('options.seed', given.seed);
  const backend = given.backend === undefined ? DEFAULTS.backend : oneOf('options.backend', given.backend, BACKENDS);
  const threads = given.threads === undefined ? undefined : integer('options.threads', given.threads, 1, MAX_THREADS);
  const precision = given.precision === undefined ? DEFAULTS.precision : oneOf('options.precision', given.precision, PRECISIONS);
  const layout = given.layout === undefined ? DEFAULTS.layout : oneOf('options.layout', given.layout, LAYOUTS);
  const init = readInit(given.init, rank);
  return {
    rank, solver, module, epochs, own, ownGiven, regularization: { ...l2, bias }, l1, biases, nonnegative,
    tolerance, patience, restoreBest, keepObservations, clip, seed, backend, threads, precision, layout, mask: given.mask,
    validation: given.validation, onEpoch: given.onEpoch as Settings['onEpoch'], signal, init,
  };
}

/** options.init: given factors { W?, H? } (checked against X later, before any draw), or a model to continue from. */
function readInit(value: unknown, rank: number): Settings['init'] {
  if (value === undefined) return {};
  const warm = value as { info?: unknown };
  if (typeof warm === 'object' && warm !== null && isPlainObject(warm.info) && isPlainObject(warm.info.parameters)) {
    // A trained model: training continues from its factors (and biases), rows and columns matched by id.
    const model = warm.info as unknown as FactorizationInfo;
    if (model.parameters.rank !== rank) {
      throw new RangeError(`options.init: the model has rank ${model.parameters.rank}; expected options.rank ${rank} to continue from it`);
    }
    return { model };
  }
  if (!isPlainObject(value)) throw new TypeError(`options.init: expected { W?, H? } or a model to continue from, got ${describe(value)}`);
  rejectUnknown('options.init', value, ['W', 'H']);
  return value as Settings['init'];
}

function safeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new RangeError(`${name}: expected a safe integer, got ${describe(value)}`);
  return value;
}
