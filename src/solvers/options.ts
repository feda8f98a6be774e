// The options that several solvers share, each documented once with its default: a solver's options type is
// made of these fragments and its own options, and its module lists in `takes` the shared ones it accepts.
// Also the readers its own options are checked with.
import { describe } from '../check/describe.js';
import { boolean, integer, nonNegative } from '../check/validate.js';
import type { LayoutChoice, MaskInput } from '../types.js';

/** The option of every solver with factors (all but 'baseline'). */
export interface FactorOptions {
  /** Number of latent factors: W is rows×rank, H is rank×cols. Required; an integer ≥ 1. */
  rank: number;
}

/** The options of a model of ratings: biases, bounds, L1 and clipping (gd, sgd and als take them all). */
export interface RatingOptions {
  /** Model x ≈ μ + b_i + c_j + w_i·h_j, with μ the mean of the training values. Default false. */
  biases?: boolean;
  /** L2 penalty of the biases, per observation likewise. Default: regularization's W value. */
  biasRegularization?: number;
  /** L1 penalty per observation: each observed entry adds l1·(|w_i|₁ + |h_j|₁). A number, or { W, H }. Default 0. */
  l1?: number | { W?: number; H?: number };
  /** Keep W and H ≥ 0 (biases stay free). Default false. */
  nonnegative?: boolean;
  /** Clip predictions to the range of the training values, as Surprise does. Default: the solver's (see the docs' solver table), and true with biases. */
  clip?: boolean;
  /**
   * Which entries of a dense X are observed (1/true) or missing (0/false); same shape as X.
   * Default: every entry of X that is not NaN is observed. Not allowed with a sparse X.
   */
  mask?: MaskInput;
}

/** The option of a solver with kernels for both layouts. */
export interface LayoutOptions {
  /**
   * 'dense' computes on every entry (M·N·rank per epoch); 'sparse' on the observed ones only (observed·rank);
   * 'auto' picks sparse below 40% observed on 'wasm', 85% on 'js', where it is faster. Default 'auto'.
   */
  layout?: LayoutChoice;
}

/** Every shared option, as its solvers type it. */
export type SharedOptions = RatingOptions & LayoutOptions;
export type SharedOption = keyof SharedOptions;

/** Every shared option's name, in the order the docs list them. */
export const SHARED_OPTIONS: readonly SharedOption[] = Object.freeze(['biases', 'biasRegularization', 'l1', 'nonnegative', 'clip', 'mask', 'layout']);

/** How one of a solver's own options is read: its default, its check and its one-line help. */
export interface OwnOption<T extends number | boolean> {
  readonly default: T;
  /** 'integer' and 'number' values are checked by `read`; the CLI makes a flag of each. */
  readonly type: 'number' | 'integer' | 'boolean';
  /** The check: returns the value, or throws naming `name`, what was expected and what was given. */
  read(name: string, value: unknown): T;
  /** One line for the CLI's help and the docs. */
  readonly help: string;
  /** Recorded in the model (fold-in and update solve with it). */
  readonly kept?: boolean;
}

/** An own option: a finite number > 0 (a step size). */
export function positive(defaultValue: number, help: string, kept = false): OwnOption<number> {
  return {
    default: defaultValue, type: 'number', help, kept,
    read(name, value) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`${name}: expected a finite number > 0, got ${describe(value)}`);
      return value;
    },
  };
}

/** An own option: a finite number ≥ 0. */
export function nonNegativeOption(defaultValue: number, help: string, kept = false): OwnOption<number> {
  return { default: defaultValue, type: 'number', help, kept, read: nonNegative };
}

/** An own option: an integer ≥ min. */
export function integerOption(defaultValue: number, min: number, help: string, kept = false): OwnOption<number> {
  return { default: defaultValue, type: 'integer', help, kept, read: (name, value) => integer(name, value, min) };
}

/** An own option: true or false. */
export function booleanOption(defaultValue: boolean, help: string, kept = false): OwnOption<boolean> {
  return { default: defaultValue, type: 'boolean', help, kept, read: boolean };
}
