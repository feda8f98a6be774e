// The contract between solvers and backends: the named kernels every backend supplies, with the WASM
// module's own signatures, over buffers a backend lays out and owns. A buffer is a handle: a byte offset
// into linear memory for the WASM backend, a typed array for the pure-TS one. Solvers (src/solvers/) are
// written once against this contract; test/kernels.test.mjs holds each WASM kernel to its TS twin.
import type { Precision, RealArray } from '../types.js';

export type { Precision };

/**
 * The kernels, generic over the handle of a real buffer (F: float64, or float32 in a single-precision
 * run; the kernels compute in f64 either way) and of an i32 buffer (I). Flags are 0 or 1.
 */
export interface Kernels<F, I> {
  /** Dense gd: the residual row by row, ½‖M⊙(X − WH)‖² returned and the W gradient written. */
  denseGradientW(x: F, w: F, h: F, residual: F, gradientW: F, rows: number, cols: number, rank: number): number;
  /** Dense gd: the H gradient from the new W, then H's step, for `cols` columns of rows `stride` apart. */
  denseStepH(
    x: F, w: F, h: F, residual: F, gradientH: F, colCounts: F, hParams: F,
    rows: number, cols: number, stride: number, rank: number, learningRate: number, plain: number,
  ): void;
  /**
   * Dense gd, one thread: `epochs` whole epochs (stepRows, denseStepH, denseGradientW) in one call, each
   * objective to the f64 `losses`; stops after one not finite, past `limit`, or within `tolerance` of the one
   * before (`previous` first). Returns the epochs run.
   */
  denseEpochs(
    x: F, w: F, h: F, residual: F, gradientW: F, gradientH: F, rowCounts: F, colCounts: F, wParams: F, hParams: F,
    rows: number, cols: number, rank: number, learningRate: number, plain: number,
    epochs: number, losses: F, previous: number, limit: number, tolerance: number,
  ): number;
  sparseGradientW(rowStart: I, colIndex: I, values: F, w: F, ht: F, gradientW: F, rows: number, rank: number): number;
  /** Sparse gd: H's half for columns colFrom…colTo−1 of `cols`. */
  sparseStepH(
    rowStart: I, colIndex: I, values: F, w: F, ht: F, gradientH: F, colCounts: F, hParams: F,
    rows: number, colFrom: number, colTo: number, cols: number, rank: number, learningRate: number, plain: number,
  ): void;
  /**
   * One SGD pass over the first `blocks` entries of `blockOrder`, observations stored in visiting order, each one's
   * row and column a cell: offsets from its block's first row and column (assembly/sgd.ts).
   */
  sgdEpoch(
    blockOrder: I, blocks: number, blockStart: I, cells: I, blockRowBase: I, blockColBase: I, colBits: number, values: F, center: number, w: F, ht: F,
    wParams: F, hParams: F, rowScale: F, colScale: F, rank: number, learningRate: number, adaptive: number,
  ): void;
  /** observedLoss over stored observations from…to−1 of an sgd run (rows and columns in cells). */
  cellsLoss(
    blockStart: I, cells: I, blockRowBase: I, blockColBase: I, colBits: number, values: F, center: number, from: number, to: number,
    w: F, ht: F, rank: number, low: number, high: number,
  ): number;
  /** ½ Σ (x − w·h)² over the first `count` stored observations. */
  observedLoss(rowOf: I, colOf: I, values: F, count: number, w: F, ht: F, rank: number, low: number, high: number): number;
  /**
   * observedLoss over observations from…to−1 stored in CSR order, `row` the one holding `from`; each value less
   * `center`, the values float32 where `singleValues` (else the run's precision).
   */
  csrLoss(
    rowStart: I, colIndex: I, values: F, row: number, from: number, to: number, w: F, ht: F, rank: number, low: number, high: number,
    center: number, singleValues: number,
  ): number;
  /**
   * ALS: each of `n` rows of `solved` is the exact minimiser given `fixed` (Cholesky, or coordinate descent); each
   * value less `center`, the values float32 where `singleValues` (else the run's precision).
   */
  alsHalf(
    start: I, index: I, values: F, counts: F, fixed: F, solved: F, params: F,
    n: number, rank: number, gram: F, rhs: F, coordinateDescent: number, center: number, singleValues: number,
  ): void;
  stepRows(factor: F, gradient: F, counts: F, params: F, n: number, rank: number, eta: number, plain: number): void;
  /** Rows first…first+count−1 of out (width×width) = FᵀF over the n rows of F. */
  gramian(factors: F, n: number, width: number, out: F, first: number, count: number): void;
  /** iALS: each of `n` rows of `solved` from its events, against `fixed` and its gramian (Cholesky, or cgSteps CG steps). */
  ialsHalf(
    start: I, index: I, confidence: F, fixed: F, solved: F, gramianOfFixed: F,
    n: number, width: number, lambda: number, gram: F, rhs: F, cg: F, cgSteps: number,
  ): void;
  /** iALS: ½ Σ over every entry of c·(p − w·h)², through H's gramian. */
  ialsLoss(start: I, index: I, confidence: F, w: F, ht: F, gramianOfH: F, rows: number, width: number, scratch: F): number;
  penalty(factor: F, counts: F, params: F, n: number, rank: number, transposed: number): number;
  /**
   * recommend() for `count` listed rows (`w` their factors, in list order): scores summed in the model scorer's order (0 the pure-JS scorer's, 1
   * scoreColumns'), shrinkage, minCount and exclusions, then each row's top n (−1 past the last candidate).
   */
  recommendRows(
    rowList: I, count: number, w: F, ht: F, cols: number, width: number, biasAt: number, offset: number,
    colCounts: F, shrinkage: number, minCount: number, rowStart: I, colIndex: I, excludeObserved: number,
    excluded: I, excludedCount: number, n: number, order: number, scores: F, outIndex: I, outScore: F,
  ): void;
  /**
   * The initial factors' draws (src/math/rng.ts Random's stream, from and back to `state`, four words): `lines` lines
   * of `count` values scale × a uniform in [0, 1) or a standard normal (`normal` 1), value c of line l at
   * l·lineStride + c·step of `target`.
   */
  drawInto(state: I, target: F, lines: number, count: number, lineStride: number, step: number, scale: number, normal: number): void;
  /**
   * A caller's ratings in rows (src/input/observations.ts, in a run's memory): bins first…end−1 of entries in bins of
   * 2^shift rows (`words`: row within the bin << colBits | column; `values`: float32s) to each row's stretch of
   * `columns` (two bytes each) and `values`, in column order where `byColumn` (assembly/csr.ts).
   */
  csrFromBins(
    words: I, values: I, binStart: I, first: number, end: number, shift: number, colBits: number,
    cursor: I, colStart: I, cols: number, sortedWords: I, sortedValues: I, columns: I, byColumn: number,
  ): void;
  /**
   * A caller's entries into a run (assembly/csr.ts), a chunk at a time: csrCount checks them and counts their rows
   * (returns the first entry out of range or not finite, or −1); csrIntoBins moves them to their bins of rows.
   */
  csrCount(rowOf: I, colOf: I, values: I, count: number, rows: number, cols: number, rowCounts: I): number;
  csrIntoBins(rowOf: I, colOf: I, values: I, count: number, free: I, shift: number, colBits: number, words: I, binned: I): void;
  /**
   * The statistics of X's CSR in a run's memory (assembly/csr.ts), rows first…end−1: Σx, Σx², min and max added to the
   * f64s of `totals`, each observation's column counted in `colCounts`; then Σ(x − mean)².
   */
  csrSums(rowStart: I, columns: I, values: I, first: number, end: number, trailingColumn: number, colCounts: I, totals: I): void;
  csrDeviations(rowStart: I, columns: I, values: I, first: number, end: number, trailingColumn: number, mean: number, totals: I): void;
  /**
   * sgd's observations stored block by block from X's CSR (float32 values in the run's memory; a stretch of rows' starts
   * and two-byte column indices, observation p's at p − columnBase), rows first…end−1: `pass` 0 counts, 1 stores the
   * values less `center`, 2 the cells (assembly/order.ts).
   */
  blockCells(
    rowStart: I, columns: I, columnBase: number, rowCodes: I, colCodes: I, first: number, end: number, bins: number,
    blockCursor: I, given: I, center: number, values: F, cells: I, colBits: number, words: number, pass: number,
  ): void;
  /** BPR: `samples` sampled triples; Σ −ln σ(x) returned; mode 0 measures, 1 updates both sides, 2 rows only. */
  bprEpoch(
    rowStart: I, colIndex: I, rowOf: I, w: F, ht: F, state: I, count: number, cols: number, samples: number,
    width: number, rank: number, learningRate: number, lambdaW: number, lambdaH: number, biasLambda: number, mode: number,
  ): number;
}

/** The name of a kernel of the contract. */
export type KernelName = keyof Kernels<unknown, unknown>;

/**
 * The i32 buffer every workspace has beside a run's own: the generator's state, for drawInto (solvers/common.ts
 * drawerOf).
 */
export const DRAW_STATE = Object.freeze({ drawState: 4 });

/** Every kernel of the contract: a thread finds a call's kernel by its index here. */
export const KERNEL_NAMES: readonly KernelName[] = Object.freeze([
  'denseGradientW', 'denseStepH', 'denseEpochs', 'sparseGradientW', 'sparseStepH', 'sgdEpoch', 'observedLoss', 'alsHalf', 'stepRows', 'gramian',
  'ialsHalf', 'ialsLoss', 'penalty', 'bprEpoch', 'recommendRows', 'cellsLoss', 'csrLoss',
] as const);

/**
 * One kernel call: its name and its arguments, typed from the kernel's signature, so that a wrong argument
 * count or type fails the compiler (F and I: the handles of real and i32 buffers).
 */
export type KernelCall<F = unknown, I = unknown> = { [K in KernelName]: readonly [K, ...Parameters<Kernels<F, I>[K]>] }[KernelName];

/**
 * Parameters of a kernel that are scratch: a call names a scratch buffer (Buffers.scratch, scratch64) there, and each
 * thread running such a call gets its own region of it, so that a call may run on any thread.
 */
export const SCRATCH_PARAMETERS: Readonly<Partial<Record<KernelName, readonly number[]>>> = Object.freeze({
  denseGradientW: [3], denseStepH: [3], denseEpochs: [4], alsHalf: [9, 10], ialsHalf: [9, 10, 11], ialsLoss: [8], recommendRows: [18],
});

/**
 * Calls that touch disjoint memory (scratch aside, which is each thread's own), so that any order, on
 * any thread, gives the same bits: threads claim a phase's calls as they come, and a phase starts once
 * every call of the one before it is done.
 */
export type Phase<F = unknown, I = unknown> = readonly KernelCall<F, I>[];


/** A view of a real buffer: a Float64Array, or a Float32Array in a float32 run. */
export type { RealArray };

/** Bytes per entry of a real buffer. */
export const REAL_BYTES: Readonly<Record<Precision, number>> = Object.freeze({ float64: 8, float32: 4 });

/**
 * The buffers a run asks for: entries per named buffer, real and i32 apart. Solvers derive them once,
 * from the shape; `precision` (default float64) is how the real ones are stored.
 */
export interface Buffers {
  real: Record<string, number>;
  i32: Record<string, number>;
  /**
   * Real entries of each thread's scratch, by name: named by a call in a scratch parameter
   * (SCRATCH_PARAMETERS), a handle stands for the region of the thread running the call.
   */
  scratch?: Record<string, number>;
  /**
   * Scratch as `scratch`, but float64 entries in either precision: sums a kernel keeps unrounded between its steps
   * (ALS's normal equations), which float32 storage would round at every addition.
   */
  scratch64?: Record<string, number>;
  /** Float32 entries in either precision, by name (values that are all float32 values: ALS's); handles among the real ones. */
  float32?: Record<string, number>;
  precision?: Precision;
}

/** A backend's memory for one run: the kernels and the buffers laid out for them. */
export interface Workspace<F, I> {
  readonly kernels: Kernels<F, I>;
  /** How the real buffers are stored. */
  readonly precision: Precision;
  /** Handles by the names given in Buffers (scratch buffers among the real ones). */
  readonly real: Record<string, F>;
  readonly i32: Record<string, I>;
  /**
   * A view of a buffer's first `length` entries, to write inputs and read results; stays valid for the run.
   * A Float32Array in a float32 run: writing into it rounds, as the kernels' stores do.
   */
  viewReal(buffer: F, length: number): RealArray;
  /** A view of a Buffers.float32 buffer. */
  viewFloat32(buffer: F, length: number): Float32Array;
  viewI32(buffer: I, length: number): Int32Array;
  /** A real buffer's bytes as an i32 buffer: for a kernel that uses them as integer scratch before the run writes them. */
  i32Over(buffer: F): I;
  /** The buffer from entry `index` on: what a kernel call over a block of rows takes. */
  atReal(buffer: F, index: number): F;
  atI32(buffer: I, index: number): I;
  /** Threads a phase is spread over (1: every call in the calling thread); may drop to 1 during a run. */
  readonly threads: number;
  /**
   * Runs the phases one after another, each phase's calls spread over the threads, and returns every
   * call's result in order. With one thread it answers at once; with more, once every thread is done.
   */
  run(phases: readonly Phase<F, I>[]): Awaitable<number[]>;
  /** Gives the memory back; the workspace cannot be used afterwards. */
  close(): void;
  /**
   * Whether the memory is worth keeping for views of it (keep()) rather than copying out of: true where it is
   * larger than a backend keeps idle for the next run, so that giving it back would not reuse it anyway.
   */
  readonly keepable: boolean;
  /**
   * Ends the run as close() does, but the memory is never lent again: views of it stay valid for as long as
   * they are held (a model's arrays), and the memory lives as long as they do.
   */
  keep(): void;
}

/** A value, or a promise of it: a single-threaded backend answers at once, a threaded one may not. */
export type Awaitable<T> = T | Promise<T>;

/** Runs phases in the calling thread, call after call: what a one-thread workspace's run() is. */
export function runHere(kernels: unknown, phases: readonly Phase[]): number[] {
  const results: number[] = [];
  for (const phase of phases) {
    for (const call of bound(kernels, phase)) results.push(call());
  }
  return results;
}

/**
 * A phase's calls with their arguments bound, made once per phase: solvers whose phases never change (gd)
 * reuse them every epoch, and a 5×6 epoch, a microsecond, is not spent spreading arguments.
 */
const boundPhases = new WeakMap<Phase, { kernels: unknown; calls: Array<() => number> }>();
function bound(kernels: unknown, phase: Phase): Array<() => number> {
  const known = boundPhases.get(phase);
  if (known && known.kernels === kernels) return known.calls;
  const table = kernels as Record<KernelName, (...args: unknown[]) => number>;
  const calls = phase.map(([name, ...args]) => withArguments(table[name], args));
  boundPhases.set(phase, { kernels, calls });
  return calls;
}

/** `kernel` called with `a`: by arity, since a spread (or a bound function) into WASM costs more than the 5×6 epoch's work. */
function withArguments(kernel: (...args: unknown[]) => number, a: unknown[]): () => number {
  switch (a.length) {
    case 6: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 7: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    case 8: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    case 9: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    case 12: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    case 13: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
    case 15: return () => kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]);
    default: return () => kernel(...a);
  }
}
