// The registry: solver name → module. Adding a solver is its module here, its kernels in assembly/ with their
// TS twins in src/backends/js/, and one line in SOLVERS below; its options type joins FactorizeOptions' union
// from the module's own type.
import { als, explicitFoldIn } from './als.js';
import { baseline } from './baseline.js';
import { bpr } from './bpr.js';
import { gd } from './gd.js';
import { ials } from './ials.js';
import { sgd } from './sgd.js';
import { SHARED_OPTIONS, type SharedOption } from './options.js';
import type { SolverModule } from './solver.js';

export const SOLVERS = Object.freeze({ gd, sgd, als, ials, bpr, baseline });

/** A solver's name: a key of the registry. */
export type Solver = keyof typeof SOLVERS;
export const SOLVER_NAMES = Object.freeze(Object.keys(SOLVERS) as Solver[]);

/** The solver of a call that names none: the seed's, for small dense matrices. */
export const DEFAULT_SOLVER = 'gd' satisfies Solver;

type OptionsOf<K extends Solver> = (typeof SOLVERS)[K] extends SolverModule<infer O> ? O : never;

/** Every solver-dependent option's name. */
type AnySolverOption = { [K in Solver]: keyof OptionsOf<K> }[Solver];
/** O, with every other solver's options marked as never given: so that a call without `solver` is checked too. */
type Only<O> = O & { [K in Exclude<AnySolverOption, keyof O>]?: never };

/**
 * The options that depend on the solver, one member per solver (discriminated by `solver`, the default's
 * member by its absence): TypeScript refuses an option the chosen solver does not take.
 */
export type SolverOptions = { [K in Solver]: Only<OptionsOf<K> & { solver: K }> }[Solver] | Only<OptionsOf<typeof DEFAULT_SOLVER> & { solver?: undefined }>;

/** The module of a solver by name, or undefined for a name the registry does not hold. */
export function solverModule(name: string): SolverModule | undefined {
  return (SOLVERS as Readonly<Record<string, SolverModule>>)[name];
}

/** The fold-in of a model trained by `solver`; for a model from elsewhere, the least-squares solve of ratings. */
export function foldInOf(solver: string): SolverModule['foldIn'] {
  return solverModule(solver)?.foldIn ?? explicitFoldIn;
}

/** Every solver-dependent option's name: the shared ones and every module's own. */
export const SOLVER_OPTION_NAMES: readonly string[] = Object.freeze([
  ...SHARED_OPTIONS, ...new Set(SOLVER_NAMES.flatMap((name) => Object.keys(SOLVERS[name].own))),
]);

/** Whether a solver takes an option (shared or own). */
export function takes(module: SolverModule, option: string): boolean {
  return option in module.own || (module.takes as readonly string[]).includes(option as SharedOption);
}

/** The solvers that take an option, as a message names them: "'gd' or 'sgd'". */
export function solversTaking(option: string): string {
  const names = SOLVER_NAMES.filter((name) => takes(SOLVERS[name], option)).map((name) => `'${name}'`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0] ?? 'none';
}

/** The solver to reach for first, by kind of data: what the command line trains when told only that. */
export const RECOMMENDED_SOLVER: Readonly<Record<SolverModule['data'], Solver>> = Object.freeze({ ratings: 'als', events: 'ials' });

/** What a caller (the CLI, the demo, the docs) may know of a solver: its module's public facts. */
export interface SolverInfo {
  readonly name: Solver;
  readonly summary: string;
  /** 'ratings' (values to predict) or 'events' (counts ≥ 0 of what happened; repeated pairs summed). */
  readonly data: SolverModule['data'];
  /** What a validation set is scored by after every epoch. */
  readonly validationMetric: SolverModule['validation']['name'];
  readonly higherIsBetter: boolean;
  /** The metrics crossValidate and search report by default. */
  readonly metrics: readonly string[];
  /** Its own options: default, type and one line of help each. */
  readonly options: Readonly<Record<string, { readonly default: number | boolean; readonly type: 'number' | 'integer' | 'boolean'; readonly help: string }>>;
  /** The shared options it takes (biases, l1, …; see RatingOptions and LayoutOptions). */
  readonly takes: readonly SharedOption[];
  /** Whether it has factors (and takes `rank`): all but 'baseline', a model of biases alone. */
  readonly factors: boolean;
}

/** Every solver's public facts, by name, in the registry's order. */
export const solvers: Readonly<Record<Solver, SolverInfo>> = Object.freeze(
  Object.fromEntries(SOLVER_NAMES.map((name) => {
    const module: SolverModule = SOLVERS[name];
    const options = Object.fromEntries(Object.entries(module.own).map(([option, { default: value, type, help }]) => [option, Object.freeze({ default: value, type, help })]));
    return [name, Object.freeze({
      name, summary: module.summary, data: module.data, validationMetric: module.validation.name, higherIsBetter: module.validation.higherIsBetter,
      metrics: module.metrics, options: Object.freeze(options), takes: module.takes, factors: !module.biasesOnly,
    })];
  })) as Record<Solver, SolverInfo>,
);

export type { Awaitable, Draw, FactorView, FoldInput, InitialFactors, OwnSettings, Run, RunSpec, Shape, SolverModule } from './solver.js';
export type { FactorOptions, LayoutOptions, RatingOptions, SharedOption } from './options.js';
