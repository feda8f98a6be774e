// Fold-in: factors for a row or column that was not in the training data, from its observations, without
// retraining — the trained solver's own solve against the other side's factors (src/solvers/).
import { describe } from '../check/describe.js';
import { rejectUnknown } from '../check/validate.js';
import { factorWidth, parameterBlocks } from '../fit/spec.js';
import { backends } from '../backends/index.js';
import type { KernelCall } from '../runtime/kernels.js';
import { foldInOf, type OwnSettings } from '../solvers/index.js';
import { rowsInParts } from '../solvers/parallel.js';
import { normalEquations } from '../solvers/als.js';
import type { FactorizationInfo, Folded, Key, Parameters, RealArray } from '../types.js';
import type { Keys } from './keys.js';

/** A folded row as a full-width factor row: [factors, bias, 1]. */
export function foldedRow(p: Parameters, folded: Folded, where: string): Float64Array {
  const { rank, width, biases } = p;
  if (!(folded.factors instanceof Float64Array) || folded.factors.length !== rank) {
    throw new TypeError(`${where}: expected folded factors of length ${rank} (from foldIn), got ${describe(folded.factors)}`);
  }
  const w = new Float64Array(width);
  w.set(folded.factors);
  if (biases) [w[rank], w[rank + 1]] = [folded.bias, 1];
  return w;
}

/** What every fold-in checks and solves with: the model's penalties (λ replaced when given), the penalty block, the fixed side. */
function foldSetup(info: FactorizationInfo, where: string, regularization: number | undefined, side: 'row' | 'col') {
  const p = info.parameters;
  const { rank, width } = p;
  const penalties = { ...info.penalties };
  if (regularization !== undefined) {
    if (typeof regularization !== 'number' || !(regularization > 0) || !Number.isFinite(regularization)) {
      throw new RangeError(`${where}: options.regularization: expected a finite number > 0, got ${describe(regularization)}`);
    }
    penalties.regularization = { W: regularization, H: regularization, bias: regularization };
  }
  const lambda = side === 'row' ? penalties.regularization.W : penalties.regularization.H;
  if (!(lambda > 0)) {
    throw new RangeError(`${where}: the model was trained without regularization, so the solve may be singular; pass { regularization } (e.g. 0.1)`);
  }
  // The solve is width×width: a model of huge rank cannot be folded into (its factors can still be used).
  if (width * width > 1 << 27) {
    throw new RangeError(`${where}: a rank-${rank} model needs a ${width}×${width} solve (${((width * width * 8) / 2 ** 30).toFixed(1)} GiB); fold-in supports ranks up to 11584`);
  }
  const { wParams, hParams } = parameterBlocks(penalties);
  return {
    penalties, lambda, params: side === 'row' ? wParams : hParams, other: side === 'row' ? p.H : p.W,
    coordinateDescent: penalties.nonnegative || penalties.l1.W > 0 || penalties.l1.H > 0,
  };
}

/**
 * Factors (and bias) for a new row (or column) from its observations, against the trained other side: the
 * trained solver's own fold-in, with the model's penalties (or `regularization` when given).
 */
export function fold(
  info: FactorizationInfo, keys: Keys, where: string, given: ArrayLike<Key>, values: ArrayLike<number>, regularization: number | undefined, side: 'row' | 'col',
): Folded {
  const p = info.parameters;
  const { rank, width, biases } = p;
  if (!given || !values || given.length !== values.length) {
    throw new RangeError(`${where}: expected as many values as indices, got ${given?.length} indices and ${values?.length} values`);
  }
  if (given.length === 0) throw new RangeError(`${where}: expected at least one observation, got none`);
  const { penalties, lambda, params, other, coordinateDescent } = foldSetup(info, where, regularization, side);
  const index = new Int32Array(given.length);
  const shifted = new Float64Array(given.length);
  for (let t = 0; t < given.length; t++) {
    index[t] = side === 'row' ? keys.indexOf(given[t], 'col', `${where}: colIndices[${t}]`) : keys.indexOf(given[t], 'row', `${where}: rowIndices[${t}]`);
    const x = values[t];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: values[${t}]: expected a finite number, got ${describe(x)}`);
    shifted[t] = x - p.offset;
  }
  // The trained solver's own row solve (the least-squares one of ratings for models from elsewhere).
  const solved = foldInOf(info.training.solver)({
    where, index, values: shifted, fixed: other, fixedCount: side === 'row' ? p.cols : p.rows, width, rank, biases, side,
    params, lambda, own: penalties as unknown as OwnSettings, coordinateDescent,
  });
  const folded: Folded = { factors: solved.slice(0, rank), bias: biases ? solved[side === 'row' ? rank : rank + 1] : 0 };
  if (side === 'row') folded.observed = index;
  return folded;
}

/** Options of model.foldInMany(). */
export interface FoldInManyOptions {
  /** 'row' (default): new rows against the trained H; 'col': new columns against the trained W. */
  side?: 'row' | 'col';
  /** λ of each solve. Default: the model's (to be given when it was trained without one). */
  regularization?: number;
  /** Threads of the solve. Default: every core when the block is large (2^22 multiply-adds or more), else 1. */
  threads?: number;
}

/** Rows (or columns) folded in at once: their factors, rows×rank row-major, and their biases. */
export interface FoldedMany {
  /** One row of `rank` factors per folded row, in the order of their indices. */
  factors: Float64Array;
  /** Their biases (with biases), else null. */
  bias: Float64Array | null;
}

/** options.side and options.threads of the many-rows solves, checked. */
function sideAndThreads(where: string, side: unknown, threads: unknown): void {
  if (side !== 'row' && side !== 'col') throw new RangeError(`${where}: options.side: expected 'row' or 'col', got ${describe(side)}`);
  if (threads !== undefined && !(Number.isInteger(threads) && (threads as number) >= 1)) {
    throw new RangeError(`${where}: options.threads: expected an integer ≥ 1, got ${describe(threads)}`);
  }
}

/** Below this many multiply-adds a block is solved on one thread: waking others costs more. */
const MANY_THREADS_FROM = 2 ** 22;

/**
 * Many new rows (or columns) folded in at once, each exactly as fold() solves one: `block` lists their
 * observations, `index[t]` being the new row (0 to count − 1) and `given[t]` the model's column (or row) key.
 * The explicit solve (every solver of ratings, and models from elsewhere) runs in WebAssembly over a
 * workspace on every core, its rows cut into parts fixed by the work (the same bits whatever the threads);
 * other solvers' fold-ins (ials, bpr) run their one-row solve for each row in turn.
 */
export async function foldMany(
  info: FactorizationInfo, keys: Keys, where: string,
  block: { index: ArrayLike<number>; given: ArrayLike<Key>; values: ArrayLike<number>; count: number },
  regularization: number | undefined, side: 'row' | 'col', threads: number | undefined,
): Promise<FoldedMany> {
  const p = info.parameters;
  const { rank, width, biases } = p;
  sideAndThreads(where, side, threads);
  const { index, given, values, count } = block;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`${where}: expected at least one ${side} to fold in, got ${describe(count)}`);
  // The observations of each new row together, in the order given within a row (as fold() takes them).
  const starts = new Int32Array(count + 1);
  for (let t = 0; t < index.length; t++) {
    const i = index[t];
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`${where}: ${side}Indices[${t}]: expected an integer from 0 to ${count - 1}, got ${describe(i)}`);
    starts[i + 1]++;
  }
  for (let i = 0; i < count; i++) {
    if (starts[i + 1] === 0) throw new RangeError(`${where}: ${side} ${i} has no observations: expected at least one for each ${side} from 0 to ${count - 1}`);
    starts[i + 1] += starts[i];
  }
  const cursor = starts.slice(0, count);
  const order = new Int32Array(index.length);
  for (let t = 0; t < index.length; t++) order[cursor[index[t]]++] = t;
  const solver = info.training.solver;
  const explicit = foldInOf(solver) === foldInOf('als');
  const factors = new Float64Array(count * rank);
  const bias = biases ? new Float64Array(count) : null;
  const put = (i: number, solved: Float64Array) => {
    factors.set(solved.subarray(0, rank), i * rank);
    if (bias) bias[i] = solved[side === 'row' ? rank : rank + 1];
  };
  if (!explicit) {
    for (let i = 0; i < count; i++) {
      const rows = order.subarray(starts[i], starts[i + 1]);
      const folded = fold(info, keys, where, Array.from(rows, (t) => given[t]), Array.from(rows, (t) => values[t]), regularization, side);
      const solved = new Float64Array(width);
      solved.set(folded.factors);
      if (biases) solved[side === 'row' ? rank : rank + 1] = folded.bias;
      put(i, solved);
    }
    return { factors, bias };
  }
  // One fold() each would check the regularization and the solve's size: so does the first row's, here.
  const { params, other, coordinateDescent } = foldSetup(info, where, regularization, side);
  const observed = index.length;
  const shifted = new Float64Array(observed);
  const columns = new Int32Array(observed);
  for (let u = 0; u < observed; u++) {
    const t = order[u];
    columns[u] = side === 'row' ? keys.indexOf(given[t], 'col', `${where}: colIndices[${t}]`) : keys.indexOf(given[t], 'row', `${where}: rowIndices[${t}]`);
    const x = values[t];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: values[${t}]: expected a finite number, got ${describe(x)}`);
    shifted[u] = x - p.offset;
  }
  const solved = await solveBlock({
    fixed: other, fixedCount: side === 'row' ? p.cols : p.rows, width, starts, columns, values: shifted, params,
    frozen: biases ? (side === 'row' ? rank + 1 : rank) : -1, descend: coordinateDescent, threads,
  });
  for (let i = 0; i < count; i++) put(i, solved.subarray(i * width, (i + 1) * width));
  return { factors, bias };
}

/**
 * Rows solved exactly against fixed factors, as ALS's half-step solves them (alsHalf: a width×width Cholesky
 * solve a row, or coordinate descent), in WebAssembly on `threads` (default: every core when the block is
 * large), the rows cut into parts fixed by the work — the same bits whatever the threads. `values` are the
 * rows' observations less μ, in CSR order over the fixed side's rows; each row's penalty is scaled by its
 * count of observations, as in training. Returns count×width, the frozen coordinate (with biases) 1.
 */
async function solveBlock(block: {
  fixed: RealArray; fixedCount: number; width: number; starts: Int32Array; columns: Int32Array; values: Float64Array;
  params: Float64Array; frozen: number; descend: boolean; threads: number | undefined;
}): Promise<Float64Array> {
  const { fixed, fixedCount, width, starts, columns, values, params, frozen, descend, threads } = block;
  const count = starts.length - 1;
  const observed = values.length;
  const work = (observed + (width / 3) * count) * width * width;
  const backend = typeof WebAssembly === 'object' ? backends.wasm : backends.js;
  const chosen = threads ?? (work >= MANY_THREADS_FROM ? await backend.hardwareThreads() : 1);
  const space = await backend.open({
    real: { fixed: fixedCount * width, solved: count * width, values: observed, counts: count, params: 4 * width },
    i32: { starts: count + 1, columns: observed },
    scratch64: normalEquations(width),
  }, chosen);
  try {
    const { real: b, i32: n } = space;
    space.viewReal(b.fixed, fixedCount * width).set(fixed);
    const solved = space.viewReal(b.solved, count * width);
    // The frozen constant of a row with biases: what a trained row holds there.
    if (frozen >= 0) for (let i = 0; i < count; i++) solved[i * width + frozen] = 1;
    space.viewReal(b.values, observed).set(values);
    const counts = space.viewReal(b.counts, count);
    for (let i = 0; i < count; i++) counts[i] = starts[i + 1] - starts[i];
    space.viewReal(b.params, 4 * width).set(params);
    space.viewI32(n.starts, count + 1).set(starts);
    space.viewI32(n.columns, observed).set(columns);
    const solve = (first: number, end: number): KernelCall<unknown, unknown> => [
      'alsHalf', space.atI32(n.starts, first), n.columns, b.values, space.atReal(b.counts, first), b.fixed, space.atReal(b.solved, first * width), b.params,
      end - first, width, b.gram, b.rhs, descend ? 1 : 0, 0, 0,
    ];
    await rowsInParts(space, starts, width / 3, width * width, solve)(0, count);
    return Float64Array.from(space.viewReal(b.solved, count * width));
  } finally {
    space.close();
  }
}

/** Options of alsHalfStep(). */
export interface HalfStepOptions {
  /** Latent factors. With biases a factor row is rank + 2 wide: W's rows [w, b, 1], H's columns [h, 1, c]. */
  rank: number;
  /** Whether the factor rows carry the bias coordinates. Default false. */
  biases?: boolean;
  /** L2 λ per observation of the latent factors; > 0. */
  regularization: number;
  /** L2 λ per observation of the biases. Default: regularization (as factorize's default). */
  biasRegularization?: number;
  /** μ, subtracted from every value (a model with biases: its training mean). Default 0. */
  offset?: number;
  /** 'row' (default): the rows solved are W's, against H's columns; 'col': H's columns, against W's rows. */
  side?: 'row' | 'col';
  /** Threads. Default: every core when the block is large (2^22 multiply-adds or more), else 1. */
  threads?: number;
}

/**
 * ALS's half-step on given factors, outside a model: each row of `block` (CSR over the fixed side's rows,
 * columns ascending as training stores them) solved exactly against `fixed` (n×width, row-major), with λ
 * scaled by the row's count of observations — the arithmetic of factorize's ALS epoch, so that W's half of an
 * epoch computed block by block (on other machines: examples/dask) is the same, bit for bit, as in one run.
 * Returns count×width factor rows (with biases, the frozen coordinate 1).
 */
export async function alsHalfStep(
  block: { rowStart: Int32Array; colIndex: Int32Array; values: Float64Array | Float32Array },
  fixed: Float64Array | Float32Array,
  options: HalfStepOptions,
): Promise<Float64Array> {
  const where = 'alsHalfStep';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options: expected { rank, regularization, … }, got ${describe(options)}`);
  rejectUnknown(`${where}: options`, options, ['rank', 'biases', 'regularization', 'biasRegularization', 'offset', 'side', 'threads']);
  const { rank, biases = false, regularization, side = 'row', offset = 0, threads } = options;
  const biasRegularization = options.biasRegularization ?? regularization;
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`${where}: options.rank: expected an integer ≥ 1, got ${describe(rank)}`);
  for (const [name, value] of [['regularization', regularization], ['biasRegularization', biasRegularization]] as const) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError(`${where}: options.${name}: expected a finite number > 0, got ${describe(value)}`);
  }
  if (typeof offset !== 'number' || !Number.isFinite(offset)) throw new RangeError(`${where}: options.offset: expected a finite number, got ${describe(offset)}`);
  sideAndThreads(where, side, threads);
  const width = factorWidth({ rank, biases });
  if (!(fixed instanceof Float64Array || fixed instanceof Float32Array) || fixed.length === 0 || fixed.length % width !== 0) {
    throw new RangeError(`${where}: fixed: expected a Float64Array or Float32Array of n×${width} factors (rank ${rank}${biases ? ' + 2 bias coordinates' : ''}), got ${describe(fixed)}`);
  }
  const { rowStart, colIndex, values } = block ?? ({} as typeof block);
  if (!(rowStart instanceof Int32Array) || rowStart.length < 2 || rowStart[0] !== 0) throw new RangeError(`${where}: block.rowStart: expected an Int32Array of count + 1 offsets from 0, got ${describe(rowStart)}`);
  const count = rowStart.length - 1;
  const observed = rowStart[count];
  if (!(colIndex instanceof Int32Array) || colIndex.length !== observed) throw new RangeError(`${where}: block.colIndex: expected an Int32Array of ${observed} indices (rowStart's last), got ${describe(colIndex)}`);
  if (!(values instanceof Float64Array || values instanceof Float32Array) || values.length !== observed) throw new RangeError(`${where}: block.values: expected ${observed} values in a Float64Array or Float32Array, got ${describe(values)}`);
  const fixedCount = fixed.length / width;
  for (let i = 0; i < count; i++) {
    if (!(rowStart[i + 1] >= rowStart[i])) throw new RangeError(`${where}: block.rowStart[${i + 1}]: expected at least rowStart[${i}] = ${rowStart[i]}, got ${rowStart[i + 1]}`);
  }
  const shifted = new Float64Array(observed);
  for (let t = 0; t < observed; t++) {
    if (!(colIndex[t] >= 0 && colIndex[t] < fixedCount)) throw new RangeError(`${where}: block.colIndex[${t}]: expected an index from 0 to ${fixedCount - 1} (fixed has ${fixedCount} rows), got ${colIndex[t]}`);
    if (!Number.isFinite(values[t])) throw new RangeError(`${where}: block.values[${t}]: expected a finite number, got ${values[t]}`);
    shifted[t] = values[t] - offset;
  }
  const { wParams, hParams } = parameterBlocks({
    rank, biases, nonnegative: false, l1: { W: 0, H: 0 }, regularization: { W: regularization, H: regularization, bias: biasRegularization },
  });
  return solveBlock({
    fixed, fixedCount, width, starts: rowStart, columns: colIndex, values: shifted, params: side === 'row' ? wParams : hParams,
    frozen: biases ? (side === 'row' ? rank + 1 : rank) : -1, descend: false, threads,
  });
}
