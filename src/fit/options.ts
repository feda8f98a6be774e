// Option names, defaults and validation. Anything not listed here is rejected, so that a typo
// such as `learningrate` is an error rather than a silently ignored setting.
import { describe } from '../check/describe.js';
import { boolean, integer, isPlainObject, nonNegative, oneOf, rejectUnknown } from '../check/validate.js';
import type { MaskInput, MatrixInput, SparseMatrixInput } from '../input/observations.js';
import { SOLVER_NAMES, SOLVERS } from '../solvers/index.js';
import type { BackendName, FactorizationInfo, KernelChoice, Precision, Solver } from '../types.js';

/** A trained model (a Factorization, or what it is made of) to continue from: what options.init takes for a warm start. */
export interface WarmStart {
  readonly info: FactorizationInfo;
}

/** Options that belong to one solver (see each module's ownOptions). */
const SOLVER_OPTIONS = ['adaptive', 'alpha', 'cgSteps'] as const;

/** Observations held out to score every epoch: coordinates into X, as the sparse form of X. */
export type ValidationInput = Omit<SparseMatrixInput, 'rows' | 'cols'> & { rows?: number; cols?: number };

export interface EpochReport {
  /** 0-based epoch just finished. */
  epoch: number;
  /** The objective after it (lossHistory[epoch]). */
  loss: number;
  /** RMSE on `validation` after it, or undefined without a validation set (and for implicit solvers). */
  validationRmse: number | undefined;
  /** Implicit solvers: precision@10 on `validation` after it (training observations left out). */
  validationPrecision?: number;
  /** Threads the run trains on (see options.threads; 1 where threads are unavailable). */
  threads: number;
}

export interface FactorizeOptions {
  /** Number of latent factors: W is rows×rank, H is rank×cols. Required; an integer ≥ 1. */
  rank: number;
  /** 'gd' (the seed's full-batch gradient descent), 'sgd' or 'als'. Default 'gd'. */
  solver?: Solver;
  /**
   * Which entries of a dense X are observed (1/true) or missing (0/false); same shape as X.
   * Default: every entry of X that is not NaN is observed. Not allowed with a sparse X.
   */
  mask?: MaskInput;
  /** Most passes over the data; an integer ≥ 0. Default: gd 2000, sgd 20, als 15. */
  epochs?: number;
  /**
   * Step size of gd and sgd; finite and > 0 (als has none). Default: gd 0.05 (the seed's), sgd 0.1.
   * With gd the loss is a sum over observed entries, so a stable step shrinks as rows and columns gain
   * observations; a step that is too large stops with a DivergenceError.
   */
  learningRate?: number;
  /** sgd only: per-row and per-column AdaGrad steps (learningRate/√G), as LIBMF. Default true. */
  adaptive?: boolean;
  /**
   * ials only: an event's confidence is 1 + alpha·value (a play count of 3 weighs 1 + 3·alpha; entries with no
   * event weigh 1). Default 2 (with ials's regularization 1: the best of a small sweep on MovieLens events, bench/README.md).
   */
  alpha?: number;
  /**
   * ials only: conjugate-gradient steps per row solve, warm-started from the current factors (Takács et al.
   * 2011, implicit's default 3); 0 solves each row exactly by Cholesky. Default 3.
   */
  cgSteps?: number;
  /**
   * L2 penalty λ per observation: each observed entry adds ½λ(‖w_i‖² + ‖h_j‖²), so a row observed n
   * times carries ½λn‖w_i‖² (LIBMF's and Spark ALS's weighting). A number, or { W, H }.
   * Default: gd 0, sgd 0.08, als 0.1. als needs it > 0.
   */
  regularization?: number | { W?: number; H?: number };
  /** L2 penalty of the biases, per observation likewise. Default: regularization's W value. */
  biasRegularization?: number;
  /** L1 penalty per observation: each observed entry adds l1·(|w_i|₁ + |h_j|₁). A number, or { W, H }. Default 0. */
  l1?: number | { W?: number; H?: number };
  /** Model x ≈ μ + b_i + c_j + w_i·h_j, with μ the mean of the training values. Default false. */
  biases?: boolean;
  /** Keep W and H ≥ 0 (biases stay free). Default false. */
  nonnegative?: boolean;
  /** Stop when the objective's relative change over an epoch is at most this; 0 turns it off. Default 0. */
  tolerance?: number;
  /** Observations held out from X, scored (RMSE) after every epoch; coordinates into X. */
  validation?: ValidationInput;
  /** With validation: stop after this many epochs without a better validation RMSE. Default: no early stop. */
  patience?: number;
  /** With validation: return the factors of the epoch with the best validation RMSE. Default true. */
  restoreBest?: boolean;
  /** Called after every epoch; returning false (or a promise of false) stops training there. */
  onEpoch?: (report: EpochReport) => unknown;
  /** Aborts training: factorize rejects with the signal's reason. Training yields to the event loop so that it can. */
  signal?: AbortSignal;
  /** Clip predictions to the range of the training values, as Surprise does. Default: true for sgd, als and biases; false for plain gd. */
  clip?: boolean;
  /**
   * Initial factors, either or both: W rows×rank and H rank×cols (number[][] or { rows, cols, data }); or a
   * trained model (a Factorization of the same rank) to continue from: its factors — and biases, when both
   * fit biases — for the rows and columns of X it knows, matched by id (by index when neither has ids);
   * rows and columns it does not know get fresh draws. Default: seeded draws (see the README).
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
   * ≥ 2^18, a few milliseconds an epoch; sgd: 2^25, about a million ratings), else 1; the environment
   * variable MFWASM_THREADS, where there is one, replaces that default. Browsers share memory between threads only on cross-origin isolated
   * pages; elsewhere training uses one thread and says so once on the console.
   */
  threads?: number;
  /**
   * How the run stores its factors, values and scratch: 'float64', or 'float32' (half the memory and memory
   * traffic; the kernels still compute in float64, rounding each stored value to float32). Every solver
   * and both backends take either; the two backends give the same bits in float32 too. The trained model's
   * factors are float32 values held in Float64Arrays (save them with toBytes({ precision: 'float32' }) at no
   * loss). Default 'float64' (the seed's arithmetic, exactly).
   */
  precision?: Precision;
  /**
   * gd only: 'dense' computes on every entry (M·N·rank per epoch); 'sparse' on the observed ones only
   * (observed·rank); 'auto' picks sparse below 40% observed on 'wasm', 85% on 'js', where it is faster.
   * sgd and als always run sparse. Default 'auto'.
   */
  kernel?: KernelChoice;
}

/** Options after validation, with every default filled in. */
export interface Settings {
  rank: number;
  solver: Solver;
  epochs: number;
  learningRate: number;
  adaptive: boolean;
  alpha: number;
  cgSteps: number;
  regularization: { W: number; H: number; bias: number };
  l1: { W: number; H: number };
  biases: boolean;
  nonnegative: boolean;
  tolerance: number;
  patience: number;
  restoreBest: boolean;
  clip: boolean;
  seed: number;
  backend: BackendName;
  /** undefined: chosen from the problem's size (src/prepare.ts). */
  threads: number | undefined;
  precision: Precision;
  kernel: KernelChoice;
  mask: unknown;
  validation: unknown;
  onEpoch: FactorizeOptions['onEpoch'];
  signal: AbortSignal | undefined;
  init: { W?: unknown; H?: unknown; model?: FactorizationInfo };
}

/** The most threads a run takes (options.threads). */
export const MAX_THREADS = 64;

/** Every default, in one place: the solvers' own (from their modules) and the common ones. */
export const DEFAULTS = Object.freeze({
  gd: SOLVERS.gd.defaults,
  sgd: SOLVERS.sgd.defaults,
  als: SOLVERS.als.defaults,
  ials: SOLVERS.ials.defaults,
  solver: 'gd' as Solver,
  seed: 42,
  backend: 'wasm' as BackendName,
  precision: 'float64' as Precision,
  kernel: 'auto' as KernelChoice,
  adaptive: true,
  alpha: 2,
  cgSteps: 3,
});

const OPTION_NAMES = [
  'rank', 'solver', 'mask', 'epochs', 'learningRate', 'adaptive', 'alpha', 'cgSteps', 'regularization', 'biasRegularization', 'l1',
  'biases', 'nonnegative', 'tolerance', 'validation', 'patience', 'restoreBest', 'onEpoch', 'signal', 'clip',
  'init', 'seed', 'backend', 'threads', 'precision', 'kernel',
] as const;
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['float64', 'float32'];
const KERNELS: readonly KernelChoice[] = ['auto', 'dense', 'sparse'];

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
    throw new TypeError(`options: expected an object with at least { rank }, got ${describe(options)}`);
  }
  rejectUnknown('options', options, OPTION_NAMES);
  const given = options as Partial<Record<(typeof OPTION_NAMES)[number], unknown>>;
  if (given.rank === undefined) throw new TypeError('options.rank: required, an integer ≥ 1 (the number of latent factors)');
  const rank = integer('options.rank', given.rank, 1);
  const solver = given.solver === undefined ? DEFAULTS.solver : oneOf('options.solver', given.solver, SOLVER_NAMES);
  const module = SOLVERS[solver];
  const defaults = module.defaults;
  const epochs = given.epochs === undefined ? defaults.epochs : integer('options.epochs', given.epochs, 0);

  let learningRate = defaults.learningRate;
  if (given.learningRate !== undefined) {
    if (!module.takesLearningRate) throw new TypeError(`options.learningRate: solver '${solver}' takes no learning rate; leave it out`);
    learningRate = given.learningRate as number;
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
      throw new RangeError(`options.learningRate: expected a finite number > 0, got ${describe(given.learningRate)}`);
    }
  }
  for (const name of SOLVER_OPTIONS) {
    if (given[name] !== undefined && !module.ownOptions.includes(name)) {
      const owners = SOLVER_NAMES.filter((other) => SOLVERS[other].ownOptions.includes(name)).map((other) => `'${other}'`);
      throw new TypeError(`options.${name}: only for solver ${owners.join(' or ')}, got solver '${solver}'`);
    }
  }
  const adaptive = given.adaptive === undefined ? DEFAULTS.adaptive : boolean('options.adaptive', given.adaptive);
  const alpha = given.alpha === undefined ? DEFAULTS.alpha : nonNegative('options.alpha', given.alpha);
  const cgSteps = given.cgSteps === undefined ? DEFAULTS.cgSteps : integer('options.cgSteps', given.cgSteps, 0);
  if (module.implicit) {
    // Preferences are 0 or 1 over the whole matrix: no biases, bounds or L1 in this objective.
    for (const name of ['biases', 'nonnegative', 'l1', 'biasRegularization', 'clip', 'mask'] as const) {
      if (given[name] !== undefined) throw new TypeError(`options.${name}: not for solver '${solver}' (implicit feedback); leave it out`);
    }
  }

  const l2 = perFactor('options.regularization', given.regularization, defaults.regularization);
  if (module.needsRegularization && (l2.W === 0 || l2.H === 0)) {
    throw new RangeError(
      `options.regularization: solver '${solver}' needs a value > 0 for W and H, so that every least-squares solve is well posed; got ` +
        `${l2.W === l2.H ? l2.W : `{ W: ${l2.W}, H: ${l2.H} }`}`,
    );
  }
  const bias = given.biasRegularization === undefined ? l2.W : nonNegative('options.biasRegularization', given.biasRegularization);
  const l1 = perFactor('options.l1', given.l1, 0);
  const biases = given.biases === undefined ? false : boolean('options.biases', given.biases);
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
  if (given.onEpoch !== undefined && typeof given.onEpoch !== 'function') {
    throw new TypeError(`options.onEpoch: expected a function, got ${describe(given.onEpoch)}`);
  }
  const signal = given.signal as AbortSignal | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new TypeError(`options.signal: expected an AbortSignal, got ${describe(given.signal)}`);
  }
  const clip = given.clip === undefined ? module.clipsByDefault || biases : boolean('options.clip', given.clip);

  let seed: number = DEFAULTS.seed;
  if (given.seed !== undefined) {
    seed = given.seed as number;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new RangeError(`options.seed: expected a safe integer, got ${describe(given.seed)}`);
    }
  }
  const backend = given.backend === undefined ? DEFAULTS.backend : oneOf('options.backend', given.backend, BACKENDS);
  const threads = given.threads === undefined ? undefined : integer('options.threads', given.threads, 1, MAX_THREADS);
  const precision = given.precision === undefined ? DEFAULTS.precision : oneOf('options.precision', given.precision, PRECISIONS);
  const kernel = given.kernel === undefined ? DEFAULTS.kernel : oneOf('options.kernel', given.kernel, KERNELS);
  if (kernel !== 'auto' && !module.layouts.includes(kernel)) {
    const owners = SOLVER_NAMES.filter((other) => SOLVERS[other].layouts.includes(kernel)).map((other) => `'${other}'`);
    throw new RangeError(`options.kernel: '${kernel}' is for solver ${owners.join(' or ')}; solver '${solver}' always works on the observed entries`);
  }
  let init: Settings['init'] = {};
  const warm = given.init as { info?: unknown } | undefined;
  if (warm && typeof warm === 'object' && isPlainObject(warm.info) && isPlainObject(warm.info.parameters)) {
    // A trained model: training continues from its factors (and biases), rows and columns matched by id.
    const model = warm.info as unknown as FactorizationInfo;
    if (model.parameters.rank !== rank) {
      throw new RangeError(`options.init: the model has rank ${model.parameters.rank}; expected options.rank ${rank} to continue from it`);
    }
    init = { model };
  } else if (given.init !== undefined) {
    if (!isPlainObject(given.init)) throw new TypeError(`options.init: expected { W?, H? } or a model to continue from, got ${describe(given.init)}`);
    rejectUnknown('options.init', given.init, ['W', 'H']);
    init = given.init as Settings['init'];
  }
  return {
    rank, solver, epochs, learningRate, adaptive, alpha, cgSteps, regularization: { ...l2, bias }, l1, biases, nonnegative,
    tolerance, patience, restoreBest, clip, seed, backend, threads, precision, kernel, mask: given.mask,
    validation: given.validation, onEpoch: given.onEpoch as Settings['onEpoch'], signal, init,
  };
}
