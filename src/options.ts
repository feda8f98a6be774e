// Option names, defaults and validation. Anything not listed here is rejected, so that a typo
// such as `learningrate` is an error rather than a silently ignored setting.
import type { BackendName } from './backends/index.js';
import { describe } from './describe.js';
import type { KernelChoice, MaskInput, MatrixInput } from './input.js';

export interface FactorizeOptions {
  /** Number of latent factors: W is rows×rank, H is rank×cols. Required; an integer ≥ 1. */
  rank: number;
  /**
   * Which entries of a dense X are observed (1/true) or missing (0/false); same shape as X.
   * Default: every entry of X that is not NaN is observed. Not allowed with a sparse X.
   */
  mask?: MaskInput;
  /** Full passes of gradient descent; an integer ≥ 0. Default 2000. */
  epochs?: number;
  /**
   * Step size η of each gradient step; finite and > 0. Default 0.05 (the seed's). The loss is a sum
   * over observed entries, so a stable step shrinks as rows and columns gain observations; a step that
   * is too large stops with a DivergenceError.
   */
  learningRate?: number;
  /**
   * Initial factors, either or both: W rows×rank, H rank×cols (number[][] or { rows, cols, data }).
   * Default: seeded normal draws scaled so that W·H starts at the RMS of the observed values.
   */
  init?: { W?: MatrixInput; H?: MatrixInput };
  /** Seed of the random initial factors; any safe integer. Same seed ⇒ same result on both backends. Default 42. */
  seed?: number;
  /** 'wasm' (WebAssembly SIMD kernels) or 'js' (pure TypeScript). Default 'wasm'. */
  backend?: BackendName;
  /**
   * 'dense' computes on every entry (M·N·rank per epoch); 'sparse' on the observed ones only
   * (observed·rank); 'auto' picks sparse below 50% observed on 'wasm', 85% on 'js', where it is faster. Default 'auto'.
   */
  kernel?: KernelChoice;
}

/** Options after validation, with every default filled in. */
export interface Settings {
  rank: number;
  epochs: number;
  learningRate: number;
  seed: number;
  backend: BackendName;
  kernel: KernelChoice;
  mask: unknown;
  init: { W?: unknown; H?: unknown };
}

export const DEFAULTS = Object.freeze({
  epochs: 2000,
  learningRate: 0.05,
  seed: 42,
  backend: 'wasm' as BackendName,
  kernel: 'auto' as KernelChoice,
});

const OPTION_NAMES = ['rank', 'mask', 'epochs', 'learningRate', 'init', 'seed', 'backend', 'kernel'] as const;
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const KERNELS: readonly KernelChoice[] = ['auto', 'dense', 'sparse'];

function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function rejectUnknown(where: string, value: object, known: readonly string[]): void {
  for (const name of Object.keys(value)) {
    if (known.includes(name)) continue;
    const suggestion = closest(name, known);
    throw new TypeError(
      `${where}: unknown option '${name}'` +
        (suggestion ? ` (did you mean '${suggestion}'?)` : '') +
        `; expected one of ${known.join(', ')}`,
    );
  }
}

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || !Number.isSafeInteger(value)) {
    throw new RangeError(`${name}: expected an integer ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${name}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function readOptions(options: unknown): Settings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`options: expected an object with at least { rank }, got ${describe(options)}`);
  }
  rejectUnknown('options', options, OPTION_NAMES);
  const given = options as Partial<Record<(typeof OPTION_NAMES)[number], unknown>>;
  if (given.rank === undefined) throw new TypeError('options.rank: required, an integer ≥ 1 (the number of latent factors)');
  const rank = integer('options.rank', given.rank, 1);
  const epochs = given.epochs === undefined ? DEFAULTS.epochs : integer('options.epochs', given.epochs, 0);
  let learningRate: number = DEFAULTS.learningRate;
  if (given.learningRate !== undefined) {
    learningRate = given.learningRate as number;
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
      throw new RangeError(`options.learningRate: expected a finite number > 0, got ${describe(given.learningRate)}`);
    }
  }
  let seed: number = DEFAULTS.seed;
  if (given.seed !== undefined) {
    seed = given.seed as number;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new RangeError(`options.seed: expected a safe integer, got ${describe(given.seed)}`);
    }
  }
  const backend = given.backend === undefined ? DEFAULTS.backend : oneOf('options.backend', given.backend, BACKENDS);
  const kernel = given.kernel === undefined ? DEFAULTS.kernel : oneOf('options.kernel', given.kernel, KERNELS);
  let init: Settings['init'] = {};
  if (given.init !== undefined) {
    if (typeof given.init !== 'object' || given.init === null || Array.isArray(given.init)) {
      throw new TypeError(`options.init: expected { W?, H? }, got ${describe(given.init)}`);
    }
    rejectUnknown('options.init', given.init, ['W', 'H']);
    init = given.init as Settings['init'];
  }
  return { rank, epochs, learningRate, seed, backend, kernel, mask: given.mask, init };
}
