// Cross-validated search over settings (Surprise's GridSearchCV and RandomizedSearchCV, Spark's
// ParamGridBuilder + CrossValidator): trials in a seeded order, every epoch of every trial scored so that
// one run serves every epoch count, successive halving over folds to stop trials that cannot win, and
// the best settings refitted on all the data.
import { describe } from '../check/describe.js';
import { pick, shuffled, type SparseData } from './evaluate.js';
import { factorize } from '../model/factorize.js';
import type { Factorization } from '../model/factorization.js';
import { readOptions, type FactorizeOptions, type Without } from '../fit/options.js';
import { Random } from '../math/rng.js';
import { DEFAULT_SOLVER, solverModule, SOLVERS } from '../solvers/index.js';
import { integer, isPlainObject, observationLists, rejectUnknown } from '../check/validate.js';

/** A range to draw from in a random search; `log` draws uniformly in log space (for λ and learning rates). */
export interface Distribution {
  low: number;
  high: number;
  log?: boolean;
  /** Draw integers (for rank). */
  integer?: boolean;
}

export interface SearchOptions {
  /**
   * Settings every trial shares (solver included), as factorize takes them; `epochs` is the most each trial
   * runs. `rank` may come from the grid or the distributions instead.
   */
  base: Without<FactorizeOptions, 'rank'> & { rank?: number };
  /** Grid search: each option's values; every combination is a trial. */
  grid?: Record<string, readonly unknown[]>;
  /** Random search: each option's values (a list to pick from, or a Distribution), and how many trials. */
  distributions?: Record<string, readonly unknown[] | Distribution>;
  trials?: number;
  /** k-fold cross-validation on `data`. Default 5. */
  folds?: number;
  /** Instead of folds, one held-out split of this fraction of `data` (each trial then runs once). */
  holdout?: number;
  /**
   * What trials are scored by, after every epoch: the metric the solver's training validates with ('rmse'
   * for ratings, 'precision@10' for events; the docs' solver table). Default: the solver's.
   */
  metric?: 'rmse' | 'precision@10';
  /** Seconds after which no new trial starts (trials under way finish). Default: no limit. */
  budget?: number;
  /** Seeds the folds, the random draws and the trials' order. Default 42. */
  seed?: number;
  /**
   * Successive halving over folds: after the first fold, and after the second, only the better half of the
   * trials still running goes on; the rest stop there. Default true.
   */
  halving?: boolean;
  /** Called after each trial ends (completed or stopped), with its row of the table. */
  onTrial?: (trial: Trial) => unknown;
  signal?: AbortSignal;
}

export interface Trial {
  /** The trial's own options (beside `base`), with `epochs` the best epoch count found. */
  settings: Record<string, unknown>;
  /** The validation score of each fold run, at the chosen epoch count (the solver's validation metric: RMSE, or precision@10 for events). */
  folds: number[];
  mean: number;
  std: number;
  /** Seconds its fits took. */
  seconds: number;
  /** Whether halving stopped it before its last fold. */
  stopped: boolean;
}

export interface SearchResult {
  /** Every trial, in the order they were tried. */
  trials: Trial[];
  /** The best trial's settings (with its best epoch count): base + these reproduce it. */
  best: Record<string, unknown>;
  /** The metric the trials were scored by, and whether lower is better. */
  metric: 'rmse' | 'precision@10';
  /** A model with the best settings, trained on all of `data`. */
  refit: Factorization;
  /** Fits run, fits halving skipped, and the seconds those would have taken (estimated from the trials' mean fit). */
  saved: { fits: number; skipped: number; seconds: number };
}

/** Every combination of the grid's values, in the order the options and their values are listed. */
export function expandGrid(grid: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) throw new RangeError(`search: grid.${name}: expected a non-empty array of values, got ${describe(values)}`);
    combinations = combinations.flatMap((c) => values.map((value) => ({ ...c, [name]: value })));
  }
  return combinations;
}

function draw(name: string, spec: readonly unknown[] | Distribution, random: Random): unknown {
  if (Array.isArray(spec)) return spec[Math.floor(random.uniform() * spec.length)];
  const { low, high, log = false, integer: whole = false } = spec as Distribution;
  if (!(typeof low === 'number' && typeof high === 'number' && low <= high && (!log || low > 0))) {
    throw new RangeError(`search: distributions.${name}: expected { low, high } with low ≤ high (and low > 0 with log), got ${describe(spec)}`);
  }
  const u = random.uniform();
  const value = log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
  return whole ? Math.round(value) : value;
}

/**
 * Every trial's options (the base's with its own), checked as factorize checks them before any fit runs: a misspelt
 * name or a value out of range fails at once, naming the trial, not after the trials before it have run. (The base
 * alone may lack what every trial sets, such as rank.)
 */
function checkTrials(base: Record<string, unknown>, candidates: readonly Record<string, unknown>[], source: 'grid' | 'distributions'): void {
  for (const settings of candidates) {
    try {
      readOptions({ ...base, ...settings });
    } catch (error) {
      (error as Error).message = `search: the trial ${JSON.stringify(settings)} of options.${source}, with options.base: ${(error as Error).message}`;
      throw error;
    }
  }
}

/**
 * Searches settings by k-fold cross-validation on `data` (sparse observations, e.g. a training split).
 * Each trial trains on each fold's complement with the held-out fold as `validation`, and records the
 * validation score after every epoch: the trial's score is the best of its mean-over-folds curve, at an
 * epoch count the refit then uses. Same seed ⇒ same trials, scores and best settings on either backend.
 */
export async function search(data: SparseData, options: SearchOptions): Promise<SearchResult> {
  if (!isPlainObject(options) || !isPlainObject(options.base)) throw new TypeError(`search: options.base: expected factorize's options, got ${describe((options as { base?: unknown })?.base)}`);
  rejectUnknown('search: options', options, ['base', 'grid', 'distributions', 'trials', 'folds', 'holdout', 'metric', 'budget', 'seed', 'halving', 'onTrial', 'signal']);
  const { base, grid, distributions, seed = 42, halving = true, onTrial, signal, holdout, budget = Infinity } = options;
  for (const [name, value] of [['grid', grid], ['distributions', distributions]] as const) {
    if (value !== undefined && !isPlainObject(value)) throw new TypeError(`search: options.${name}: expected { option: values, … }, got ${describe(value)}`);
  }
  const folds = holdout === undefined ? options.folds ?? 5 : 1;
  if (holdout !== undefined && !(typeof holdout === 'number' && holdout > 0 && holdout < 1)) {
    throw new RangeError(`search: options.holdout: expected a fraction between 0 and 1, got ${describe(holdout)}`);
  }
  const count = observationLists('search: data', data);
  if (holdout === undefined) integer('search: options.folds', folds, 2, count);
  if (!(typeof budget === 'number' && budget > 0)) throw new RangeError(`search: options.budget: expected seconds > 0, got ${describe(budget)}`);
  if ((grid === undefined) === (distributions === undefined)) throw new TypeError('search: expected options.grid or options.distributions (one of them)');
  const random = new Random(seed);
  let candidates: Record<string, unknown>[];
  if (grid) {
    candidates = expandGrid(grid);
  } else {
    const count = integer('search: options.trials', options.trials ?? 10, 1);
    candidates = Array.from({ length: count }, () =>
      Object.fromEntries(Object.entries(distributions!).map(([name, spec]) => [name, draw(name, spec, random)])),
    );
  }
  checkTrials(base, candidates, grid ? 'grid' : 'distributions');
  // A seeded order, so that which trials halving stops does not depend on how the grid was written.
  const order = shuffled(candidates.length, seed + 1);
  const solver = String(base.solver ?? DEFAULT_SOLVER);
  // An unknown solver is reported by the first fit, with factorize's message.
  const { name: metric, higherIsBetter } = (solverModule(solver) ?? SOLVERS[DEFAULT_SOLVER]).validation;
  const reported = metric === 'rmse' ? 'validationRmse' : 'validationPrecision';
  if (options.metric !== undefined && options.metric !== metric) {
    throw new RangeError(`search: options.metric: solver '${solver}' is scored after every epoch by '${metric}', got ${describe(options.metric)}; score other metrics on the refit model with score()`);
  }
  const better = (a: number, b: number) => (higherIsBetter ? a > b : a < b);
  const positions = shuffled(data.values.length, seed);
  // k folds of a seeded permutation, or one split with the first `holdout` of it held out.
  const heldCount = holdout === undefined ? 0 : Math.max(1, Math.round(holdout * positions.length));
  const isHeld = (t: number, fold: number) => (holdout === undefined ? t % folds === fold : t < heldCount);
  const foldData = Array.from({ length: folds }, (_, fold) => ({
    train: pick(data, positions.filter((_, t) => !isHeld(t, fold)).sort((a, b) => a - b)),
    test: pick(data, positions.filter((_, t) => isHeld(t, fold)).sort((a, b) => a - b)),
  }));
  const started = performance.now();
  const overBudget = () => (performance.now() - started) / 1000 > budget;

  interface Running { index: number; settings: Record<string, unknown>; curves: number[][]; seconds: number; stopped: boolean }
  const running: Running[] = Array.from(order, (index) => ({ index, settings: candidates[index], curves: [], seconds: 0, stopped: false }));
  let fits = 0;
  /** The trial's best epoch over the folds run so far: [mean score, epoch count]. */
  const bestOf = (trial: Running): [number, number] => {
    const length = Math.min(...trial.curves.map((c) => c.length));
    let best: [number, number] = [NaN, 0];
    for (let e = 0; e < length; e++) {
      const mean = trial.curves.reduce((sum, c) => sum + c[e], 0) / trial.curves.length;
      if (e === 0 || better(mean, best[0])) best = [mean, e + 1];
    }
    return best;
  };
  const runFold = async (trial: Running, fold: number) => {
    const curve: number[] = [];
    const started = performance.now();
    await factorize(foldData[fold].train, {
      ...base, ...trial.settings, restoreBest: false,
      validation: { rowIndices: foldData[fold].test.rowIndices, colIndices: foldData[fold].test.colIndices, values: foldData[fold].test.values },
      ...(signal ? { signal } : {}),
      onEpoch: (report) => void curve.push(report[reported] as number),
    } as FactorizeOptions);
    trial.seconds += (performance.now() - started) / 1000;
    trial.curves.push(curve);
    fits++;
  };
  const rowOf = (trial: Running): Trial => {
    const [, epochs] = bestOf(trial);
    const scores = trial.curves.map((c) => c[epochs - 1]);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
    return { settings: { ...trial.settings, epochs }, folds: scores, mean, std, seconds: trial.seconds, stopped: trial.stopped };
  };
  const rows = new Map<Running, Trial>();
  const finish = async (trial: Running) => {
    rows.set(trial, rowOf(trial));
    await onTrial?.(rows.get(trial)!);
  };
  // Rungs: fold 1 for every trial, fold 2 for the better half, the other folds for the better half of those.
  const rungs = halving && folds > 2 ? [[0], [1], foldData.map((_, f) => f).slice(2)] : [foldData.map((_, f) => f)];
  let alive = running;
  for (const [r, rung] of rungs.entries()) {
    // Past the budget no new trial starts: those that have not run a fold are dropped from the table.
    if (r === 0) {
      const started: Running[] = [];
      for (const trial of alive) {
        if (started.length > 0 && overBudget()) break;
        for (const fold of rung) await runFold(trial, fold);
        started.push(trial);
      }
      running.splice(0, running.length, ...started);
      alive = started;
    } else {
      for (const trial of alive) for (const fold of rung) await runFold(trial, fold);
    }
    if (r < rungs.length - 1) {
      const score = new Map(alive.map((trial) => [trial, bestOf(trial)[0]]));
      const ranked = [...alive].sort((a, b) => (better(score.get(a)!, score.get(b)!) ? -1 : better(score.get(b)!, score.get(a)!) ? 1 : a.index - b.index));
      const keep = Math.max(1, Math.ceil(ranked.length / 2));
      for (const trial of ranked.slice(keep)) {
        trial.stopped = true;
        await finish(trial);
      }
      alive = ranked.slice(0, keep);
    }
  }
  for (const trial of alive) await finish(trial);
  const table = running.map((trial) => rows.get(trial)!);
  const complete = table.filter((row) => !row.stopped);
  const winner = complete.reduce((a, b) => (better(b.mean, a.mean) ? b : a));
  const refit = await factorize(data, { ...base, ...winner.settings, ...(signal ? { signal } : {}) } as FactorizeOptions);
  const perFit = table.reduce((s, row) => s + row.seconds, 0) / fits;
  const skipped = table.length * folds - fits;
  return { trials: table, best: winner.settings, metric, refit, saved: { fits, skipped, seconds: skipped * perFit } };
}

/**
 * A grid written as text, as the command line takes it: `name=v1,v2,… name=low..high:log:count` (or
 * `low..high:count` for evenly spaced values); numbers become numbers, other words stay strings.
 */
export function parseGrid(text: string): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z][\w-]*)=(.+)$/.exec(part);
    if (!match) throw new RangeError(`grid: expected name=values, got ${JSON.stringify(part)}`);
    const name = match[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const range = /^([\d.eE+-]+)\.\.([\d.eE+-]+)(?::(log))?:(\d+)$/.exec(match[2]);
    if (range) {
      const [low, high, count] = [Number(range[1]), Number(range[2]), Number(range[4])];
      const log = range[3] === 'log';
      if (!(low <= high) || count < 1 || (log && !(low > 0))) throw new RangeError(`grid: ${name}: expected low..high[:log]:count with low ≤ high, got ${JSON.stringify(match[2])}`);
      grid[name] = Array.from({ length: count }, (_, t) => {
        const f = count === 1 ? 0 : t / (count - 1);
        const value = log ? Math.exp(Math.log(low) + f * (Math.log(high) - Math.log(low))) : low + f * (high - low);
        return Number(value.toPrecision(6));
      });
    } else {
      grid[name] = match[2].split(',').map((v) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v));
    }
  }
  if (Object.keys(grid).length === 0) throw new RangeError('grid: expected at least one name=values');
  return grid;
}
