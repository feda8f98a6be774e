// From a user's input to a started run: plan() makes every check of a call — X, the options, the memory the
// run needs (from the declared shape, before anything is allocated), a warm start, the thread count — and lays
// the problem out; start() allocates the run's buffers and starts the solver. Used by fit() and, internally, by
// the tests and benches that drive a run epoch by epoch.
import { backends, type Backend } from '../backends/index.js';
import { abortReason } from '../check/errors.js';
import { initialFactors, scaledByDeviation, type WarmStart } from './init.js';
import {
  declaredShape, exactInFloat32, isHandedOver, isSparseInput, readIds, readObservations, readValidation, type Given, type ObservationsInput,
} from '../input/observations.js';
import { chooseLayout, toLayout } from '../input/problem.js';
import { MAX_THREADS, readOptions, type FactorizeOptions, type Settings } from './options.js';
import { Random } from '../math/rng.js';
import { factorWidth, runSpec } from './spec.js';
import type { FactorView, Run, RunSpec, Shape, SolverModule } from '../solvers/index.js';
import { singleValues } from '../solvers/layout.js';
import type { FactorizationInfo, Key, Layout, Observations, Parameters } from '../types.js';
import { nextTurn } from '../runtime/turn.js';
import type { Workspace } from '../runtime/kernels.js';

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

export interface PreparedRun {
  settings: Settings;
  solver: SolverModule;
  backend: Backend;
  run: Run;
  /** Coordinates of a factor row in the run: rank, + 2 with biases. */
  width: number;
  /** The layout the run works in. */
  layout: Layout;
  /**
   * Threads the run works on now (options.threads or its default; 1 where threads are unavailable, or once
   * the run found them starved and went on alone).
   */
  readonly threads: number;
  validation: Observations | undefined;
  /** The model's parameters over a view of the run's factors. */
  parameters(view: FactorView): Parameters;
  /**
   * Each row's observed columns: what the model's recommend() leaves out; and the training values the model keeps,
   * unless the run holds them (Run.handOver) or the model keeps none (keepObservations: false).
   */
  observed: { rowStart: Int32Array; colIndex: Int32Array; values: Float64Array | Float32Array | undefined };
  /** The range predictions are clipped to (options.clip), or null. */
  clip: readonly [number, number] | null;
  /** How many entries of X are observed (observed.values may be empty or undefined: see there). */
  observedCount: number;
  ids: { rowIds: readonly Key[] | null; colIds: readonly Key[] | null };
}

/**
 * What the package supports: a run whose buffers fit in the 4 GiB a 32-bit WebAssembly module addresses,
 * on either backend (the pure-JS one gets the same limit, so both accept the same problems), and whose
 * arrays a typed array can hold. Rejects beyond it with the figure, before any work.
 */
function checkSize(solver: SolverModule, backend: Backend, settings: Settings, layout: Layout, rows: number, cols: number, observedCount: number): void {
  const reason = tooLarge(solver, backend, settings, { layout, rows, cols, observedCount, width: factorWidth(settings) });
  if (reason) {
    throw new RangeError(
      `factorize: X of ${rows}×${cols} with ${observedCount} observed entries at rank ${settings.rank}, solver '${solver.name}', the ${layout} layout: ` +
        `${reason}` + (layout === 'dense' ? "; try layout: 'sparse'" : '; reduce the rank or the number of rows and columns'),
    );
  }
}

/** Why a run of this shape is beyond what either backend supports, or undefined (checkSize's limit). */
function tooLarge(solver: SolverModule, backend: Backend, settings: Settings, shape: Shape): string | undefined {
  const buffers = { ...solver.buffers(shape), precision: settings.precision };
  return backends.wasm.tooLarge(buffers) ?? backend.tooLarge(buffers);
}

/** MFWASM_THREADS, where set: it replaces options.threads' default (checked before any work). */
function environmentThreads(): number | undefined {
  const fromEnvironment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.MFWASM_THREADS;
  if (fromEnvironment === undefined || fromEnvironment === '') return undefined;
  const threads = Number(fromEnvironment);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`MFWASM_THREADS: expected an integer from 1 to ${MAX_THREADS}, got "${fromEnvironment}"`);
  }
  return threads;
}

/** The layout a solver runs in: its only one, or for gd the kernel asked for ('auto': by density). */
function layoutOf(solver: SolverModule, settings: Settings, density: () => Layout): Layout {
  if (solver.layouts.length === 1) return solver.layouts[0];
  return settings.layout === 'auto' ? density() : settings.layout;
}

/** A call checked and laid out, before any run buffer is allocated: what start() makes a run of. */
export interface Plan {
  settings: Settings;
  solver: SolverModule;
  backend: Backend;
  layout: Layout;
  /** Threads the run will ask the backend for. */
  threads: number;
  validation: Observations | undefined;
  ids: { rowIds: readonly Key[] | null; colIds: readonly Key[] | null };
  /** What the run starts from (the problem in its layout, the initial factors, the parameter blocks). */
  spec: RunSpec;
  /** The run's shape: what its buffers are derived from. */
  shape: Shape;
  /** The input as read: its statistics and the observed pattern and values the model keeps. */
  given: Given;
  /** Yields to the event loop between setup phases when a signal could abort the call. */
  pause(): Promise<void>;
  /**
   * The run's workspace where it was laid out before X was read (SolverModule.csrTarget: from X's declared shape,
   * the problem's values in it); start() lays one out otherwise. A caller that changes `shape` or `spec.visit`
   * before start() (tests driving a run) plans a dense or nested X, which never has one.
   */
  space?: Workspace<unknown, unknown>;
}

/**
 * Every check of a call — X, the options, the size of the run, a warm start's ids, the thread count — then X
 * in the solver's layout and the initial factors. Nothing proportional to the run is allocated before the
 * checks that the declared shape allows.
 */
export async function plan(X: ObservationsInput, options: FactorizeOptions): Promise<Plan> {
  const settings = readOptions(options);
  const solver = settings.module;
  const backend = backends[settings.backend];
  const threadsFromEnvironment = environmentThreads();
  // From the declared shape first, before anything proportional to rows, cols or rank is allocated.
  const declared = declaredShape(X);
  if (declared) {
    checkSize(solver, backend, settings, layoutOf(solver, settings, () => 'sparse'), declared.rows, declared.cols, declared.entries);
  }
  const width = factorWidth(settings);
  const threadsFor = async (entries: number) =>
    settings.threads ?? threadsFromEnvironment ?? (entries * width < solver.threadsFrom ? 1 : Math.min(MAX_THREADS, await backend.hardwareThreads()));
  // A run that holds the observations itself takes a caller's sparse X in its own memory, laid out now from the
  // declared shape (its held-out buffers for every validation pair), so that the CSR is never built beside it; only
  // where X's three lists are as long as it declares (then no longer than rows × cols, the count the run holds).
  const heldOutBound = settings.validation === undefined ? 0 : lengthOf((settings.validation as { values?: unknown }).values);
  const early = solver.csrTarget && declared && isSparseInput(X) && !isHandedOver(X) && heldOutBound !== undefined &&
    lengthOf(X.rowIndices) === declared.entries && lengthOf(X.colIndices) === declared.entries
    ? {
      shape: {
        layout: 'sparse' as const, rows: declared.rows, cols: declared.cols, observedCount: declared.entries, width, heldOut: heldOutBound,
        // The CSR kernels' buffers, for float32 values (the values the run holds as given), where the run still fits.
        csrInRun: (X.values instanceof Float32Array || (X.values instanceof Float64Array && exactInFloat32(X.values))) && !tooLarge(solver, backend, settings, {
          layout: 'sparse', rows: declared.rows, cols: declared.cols, observedCount: declared.entries, width, heldOut: heldOutBound, csrInRun: true,
        }),
      },
      threads: await threadsFor(declared.entries),
    }
    : undefined;
  const space = early && await backend.open({ ...solver.buffers(early.shape), precision: settings.precision }, early.threads);
  try {
    return await planWith(X, settings, threadsFor, space && { space, shape: early!.shape });
  } catch (error) {
    space?.close();
    throw error;
  }
}

/** The length of an array or typed array; undefined for anything else. */
function lengthOf(value: unknown): number | undefined {
  return Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>).length : undefined;
}

/** plan() after the declared shape's checks, with the run's workspace where it was laid out already. */
async function planWith(
  X: ObservationsInput, settings: Settings, threadsFor: (entries: number) => Promise<number>,
  laidOut: { space: Workspace<unknown, unknown>; shape: Shape } | undefined,
): Promise<Plan> {
  const solver = settings.module;
  const backend = backends[settings.backend];
  // With a signal, the setup yields between its phases (each tens of milliseconds at 10^5 ratings) so that
  // an abort is answered during it too.
  const { signal } = settings;
  const pause = async () => {
    if (!signal) return;
    await nextTurn();
    if (signal.aborted) throw abortReason(signal);
  };
  // The run's layout, from X's shape and how many of its entries are observed.
  const layoutFor = (shape: { rows: number; cols: number; observedCount: number }) =>
    layoutOf(solver, settings, () => chooseLayout(shape, backend.sparseBelowDensity));
  // A dense X's observed values are copied out only for the model (keepObservations) or a run in the sparse layout;
  // X's deviation from the mean (a second pass over it) is found only where it scales the initial draws.
  const wanted = {
    values: (observedCount: number, rows: number, cols: number) => settings.keepObservations || layoutFor({ rows, cols, observedCount }) === 'sparse',
    deviation: scaledByDeviation(settings.biases, solver.initialDraw, solver.initialScale?.(settings.rank)),
  };
  const space = laidOut?.space;
  const target = laidOut && ((count: number) => solver.csrTarget!(laidOut.space, { ...laidOut.shape, observedCount: count }));
  const given = await readObservations(X, settings.mask, backend.summarize, wanted, target);
  await pause();
  const ids = readIds(X, given.problem.rows, given.problem.cols);
  const { rows, cols, observedCount } = given.problem;
  if (solver.data === 'events' && given.stats.min < 0) {
    throw new RangeError(`X: solver '${solver.name}' takes event values ≥ 0 (counts or weights of what happened), got a value of ${given.stats.min}`);
  }
  if (settings.precision === 'float32' && Math.max(-given.stats.min, given.stats.max) > FLOAT32_MAX) {
    const value = given.stats.max > FLOAT32_MAX ? given.stats.max : given.stats.min;
    throw new RangeError(`X: a value of ${value} is beyond float32's range (±${FLOAT32_MAX.toPrecision(5)}); use precision: 'float64'`);
  }
  const layout = layoutFor(given.problem);
  checkSize(solver, backend, settings, layout, rows, cols, observedCount);
  const validation = settings.validation === undefined ? undefined : readValidation(settings.validation, rows, cols, ids);
  const warmStart = settings.init.model && matchedTo(settings.init.model, ids, rows, cols);
  const { stats } = given;
  // μ is part of a prediction of ratings with biases; a model of events predicts preferences, centred on nothing.
  const offset = settings.biases && solver.data === 'ratings' ? stats.mean : 0;
  const random = new Random(settings.seed);
  const width = factorWidth(settings);
  const initial = initialFactors(
    given, settings.rank, settings.biases, random, settings.init, solver.initialDraw, solver.initialScale?.(settings.rank), width, warmStart,
  );
  await pause();
  const spec = runSpec(settings, toLayout(given.problem, layout, given.observed, given.observedValues), initial, offset, given, random);
  // The validation pairs the run may score where its factors are (a run that does not, ignores them).
  spec.heldOut = validation && solver.validation.heldOut?.(validation, given.rowCounts, given.colCounts);
  // What the fit holds of X's values and column indices, for a run that holds them itself (RunSpec.release).
  const forget = (name: 'values' | 'colIndex', none: Float32Array | Int32Array) => {
    const holders = [spec.problem, given.problem, ...(name === 'colIndex' ? [given.observed] : [])] as Array<{ layout?: string } & Record<string, unknown>>;
    for (const holder of holders) if (holder.layout !== 'dense') holder[name] = none;
    if (name === 'values') given.observedValues = none as Float32Array;
  };
  spec.release = {
    handedOver: isHandedOver(X as object),
    values: () => forget('values', new Float32Array(0)),
    // A dense X's pattern is made from its bits on first use, and stays.
    ...(given.problem.layout === 'sparse' ? { columns: () => forget('colIndex', new Int32Array(0)) } : {}),
  };
  const threads = space ? space.threads : await threadsFor(layout === 'dense' ? rows * cols : observedCount);
  const shape: Shape = {
    layout, rows, cols, observedCount, width: spec.width, heldOut: spec.heldOut?.values.length,
    singleValues: singleValues(spec.problem),
  };
  return { settings, solver, backend, layout, threads, validation, ids, spec, shape, given, pause, space };
}

/**
 * The run of a plan: its buffers laid out in the backend's memory and the solver started. What it returns keeps
 * of X only what the model keeps (the observed pattern and values, for recommend() and update()); the layouts
 * built for the run can be collected while it trains.
 */
export async function start({ settings, solver, backend, layout, threads, validation, ids, spec, shape, given, pause, space: laidOut }: Plan): Promise<PreparedRun> {
  const space = laidOut ?? await backend.open({ ...solver.buffers(shape), precision: settings.precision }, threads);
  let run: Run;
  try {
    run = solver.start(space, spec);
    await pause();
  } catch (error) {
    space.close();
    throw error;
  }
  // No closure below may reach `given`, `spec` or `shape` whole: they would keep the run's input arrays alive
  // through training.
  const { rows, cols } = shape;
  const { width, offset, rowCounts, colCounts } = spec;
  const { rank, biases } = settings;
  const { mean, min, max } = given.stats;
  const clip = settings.clip ? ([min, max] as const) : null;
  const neverSeen = solver.data === 'events' ? 0 : mean;
  const parameters = (view: FactorView): Parameters => ({
    // A model of events predicts preferences: a row or column never seen gets 0, not the values' mean.
    rows, cols, rank, width, biases, W: view.W, H: view.H, hTransposed: view.hTransposed,
    offset, mean: neverSeen, rowCounts, colCounts, clip,
  });
  // The pattern stays lazy for a dense X (made on first use); the values are kept for model.update() — here unless
  // the run holds them, so that while it trains they are held once.
  const pattern = given.observed;
  const values = settings.keepObservations && !run.handOver ? given.observedValues : undefined;
  const observed = { get rowStart() { return pattern.rowStart; }, get colIndex() { return pattern.colIndex; }, values };
  return {
    settings, solver, backend, run, width, layout, validation, parameters, observed, ids, observedCount: shape.observedCount, clip,
    get threads() {
      return space.threads;
    },
  };
}

/** plan() then start(): X and the options to a started run. */
export async function prepareRun(X: ObservationsInput, options: FactorizeOptions): Promise<PreparedRun> {
  return start(await plan(X, options));
}

/**
 * Each row and column of X's index in a trained model — matched by id, or by index when neither X nor the model
 * has ids; −1 where the model does not know it — for a warm start; checked before any draw.
 */
function matchedTo(model: FactorizationInfo, ids: { rowIds: readonly Key[] | null; colIds: readonly Key[] | null }, rows: number, cols: number): WarmStart {
  const p = model.parameters;
  const index = (own: readonly Key[] | null, theirs: readonly Key[] | null, count: number, theirCount: number, side: string) => {
    if ((own === null) !== (theirs === null)) {
      throw new TypeError(`options.init: the model ${theirs ? 'has' : 'has no'} ${side} ids and X ${own ? 'has' : 'has none'}; both or neither, to match ${side}s`);
    }
    const at = theirs ? new Map(theirs.map((id, i) => [String(id), i])) : undefined;
    return Int32Array.from({ length: count }, (_, i) => (at ? at.get(String(own![i])) ?? -1 : i < theirCount ? i : -1));
  };
  return { parameters: p, rowOf: index(ids.rowIds, model.rowIds, rows, p.rows, 'row'), colOf: index(ids.colIds, model.colIds, cols, p.cols, 'column') };
}

