// What every solver's run shares: the penalty term of the objective, the common buffers and how they are filled.
import type { Awaitable, KernelCall, Workspace } from '../runtime/kernels.js';
import { chunks, total } from './parallel.js';
import type { RealArray, SparseProblem } from '../types.js';
import type { Draw, FactorView, Run, RunSpec } from './solver.js';
import { collectGarbage } from '../runtime/collect.js';
import { writeValues } from './layout.js';
import { byRow } from '../math/predict.js';

/** Σ over rows and columns of count · (½λ‖v‖² + l1‖v‖₁), for W (rows×width) and H (`h`, transposed or not). */
export function penaltyOf<F, I>(space: Workspace<F, I>, spec: RunSpec, h: F, hTransposed: boolean): () => number {
  const { kernels: k, real: b } = space;
  const { rows, cols } = spec.problem;
  const { width } = spec;
  if (!spec.penalized) return () => 0;
  return () => k.penalty(b.w, b.rowCounts, b.wParams, rows, width, 0) + k.penalty(h, b.colCounts, b.hParams, cols, width, hTransposed ? 1 : 0);
}

/** Draws a drawInto call makes at most (one line more where a line holds more). */
const DRAWS_PER_CALL = 1 << 16;

/**
 * The backend's drawInto kernel bound to the buffer `target`: initial factors drawn where the run keeps them. A few
 * lines a call, the state going on from call to call (the same stream): V8 runs a WebAssembly function's first
 * calls in its baseline code and replaces it only between calls, so one call drawing a large factor would run in
 * baseline code throughout.
 */
export function drawerOf<F, I>(space: Workspace<F, I>, target: F): Draw {
  return (state, lines, count, lineStride, step, scale, normal) => {
    const words = space.viewI32(space.i32.drawState, 4);
    words.set(state);
    const linesPerCall = Math.max(1, Math.floor(DRAWS_PER_CALL / count));
    for (let line = 0; line < lines; line += linesPerCall) {
      const at = space.atReal(target, line * lineStride);
      space.kernels.drawInto(space.i32.drawState, at, Math.min(linesPerCall, lines - line), count, lineStride, step, scale, normal ? 1 : 0);
    }
    state.set(words);
  };
}

/** Writes what every run starts from into its workspace: W, the parameter blocks and the counts. */
export function writeCommon<F, I>(space: Workspace<F, I>, spec: RunSpec): void {
  const { rows, cols } = spec.problem;
  const { width } = spec;
  const b = space.real;
  spec.initial.writeW(space.viewReal(b.w, rows * width), drawerOf(space, b.w));
  space.viewReal(b.wParams, 4 * width).set(spec.wParams);
  space.viewReal(b.hParams, 4 * width).set(spec.hParams);
  space.viewReal(b.rowCounts, rows).set(spec.rowCounts);
  space.viewReal(b.colCounts, cols).set(spec.colCounts);
}

/**
 * Copies the problem's CSR into a run's `colIndex` and `values` (as writeValues writes them, less `offset`) and returns
 * Run.handOver where the run may give them to the model: where it holds the values as given (offset 0, in the
 * problem's own array type), the caller handed X over (RunSpec.release) and the backend would not lend the memory
 * again. There the fit's own arrays are let go and collected each as soon as the run holds its copy, so that neither
 * is held beside the run while it trains, nor beside the rest of the run's memory as it is written; after training
 * the model takes the run's memory (all of it, the solver's other buffers too: the caller ends soon after).
 * Elsewhere undefined, and the fit keeps its own.
 */
export function csrIntoRun<F, I>(
  space: Workspace<F, I>, spec: RunSpec, colIndex: Int32Array, values: RealArray, offset: number, factors: () => FactorView,
): Run['handOver'] {
  const { release } = spec;
  const problem = spec.problem as SparseProblem;
  const handing = release !== undefined && release.handedOver && release.columns !== undefined && space.keepable && offset === 0 &&
    values.constructor === problem.values.constructor;
  colIndex.set(problem.colIndex);
  if (handing) {
    release.columns!();
    collectGarbage();
  }
  writeValues(values, problem.values, offset);
  if (!handing) return undefined;
  release.values();
  collectGarbage();
  return {
    take() {
      space.keep();
      return { factors: { ...factors(), owned: true }, values, colIndex };
    },
  };
}

/** The buffers every run has, for a shape. */
export function commonBuffers(rows: number, cols: number, width: number): Record<string, number> {
  return { w: rows * width, wParams: 4 * width, hParams: 4 * width, rowCounts: rows, colCounts: cols };
}

/** H transposed into cols×width, where the sparse kernels want it. */
export function writeTransposedH<F, I>(space: Workspace<F, I>, spec: RunSpec): void {
  const { cols } = spec.problem;
  const { width } = spec;
  spec.initial.writeH(space.viewReal(space.real.ht, cols * width), true, drawerOf(space, space.real.ht));
}

/**
 * ½ Σ (x − clamp(w·h, low, high))² over `count` observations stored as (rowOf, colOf, values), in fixed
 * chunks summed in order: the same value on any number of threads. Without bounds, the objective's term.
 */
export function observedLossOf<F, I>(
  space: Workspace<F, I>, rowOf: I, colOf: I, values: F, count: number, width: number,
): (bounds?: readonly [number, number]) => Awaitable<number> {
  const { real: b } = space;
  return chunkedLoss(space, count, (from, to, low, high) =>
    ['observedLoss', space.atI32(rowOf, from), space.atI32(colOf, from), space.atReal(values, from), to - from, b.w, b.ht, width, low, high]);
}

/**
 * observedLossOf over a run's observations stored in CSR order (`rowStart`/`colIndex` handles, `rowStart` also
 * as given): each chunk's first row found here, the rest by the kernel (csrLoss) — no row index per observation.
 * Each value less `center`; the values float32 where `singleValues` (a Buffers.float32 buffer).
 */
export function csrLossOf<F, I>(
  space: Workspace<F, I>, rowStart: I, colIndex: I, values: F, count: number, width: number, rowStartGiven: Int32Array,
  center: number, singleValues: boolean,
): (bounds?: readonly [number, number]) => Awaitable<number> {
  const { real: b } = space;
  const rows = rowStartGiven.length - 1;
  // The row holding observation p: the first whose end is past p.
  const rowHolding = (p: number) => {
    let [low, high] = [0, rows];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (rowStartGiven[middle + 1] <= p) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return chunkedLoss(space, count, (from, to, low, high) =>
    ['csrLoss', rowStart, colIndex, values, rowHolding(from), from, to, b.w, b.ht, width, low, high, center, singleValues ? 1 : 0]);
}

/**
 * A loss over `count` stored observations in observedLossOf's fixed chunks, each chunk's call made by `call`
 * (observations from…to−1, the clamp's bounds): the chunks' results summed in order.
 */
export function chunkedLoss<F, I>(
  space: Workspace<F, I>, count: number, call: (from: number, to: number, low: number, high: number) => KernelCall<F, I>,
): (bounds?: readonly [number, number]) => Awaitable<number> {
  const phase = ([low, high]: readonly [number, number]) => chunks(count).map(([from, to]) => call(from, to, low, high));
  const unbounded = phase([-Infinity, Infinity]);
  return (bounds) => {
    const results = space.run([bounds ? phase(bounds) : unbounded]);
    return results instanceof Promise ? results.then(total) : total(results);
  };
}

/**
 * What a run of a solver of events starts from: W, H transposed, the parameter blocks with counts of one (its
 * penalty is ½λ‖·‖² per row and column, not weighted by events) and the CSR order. Returns that penalty.
 */
export function writeEventsRun<F, I>(space: Workspace<F, I>, spec: RunSpec): () => number {
  const { kernels: k, real: b, i32: n } = space;
  const { width } = spec;
  const { rows, cols, rowStart, colIndex, observedCount } = spec.problem as SparseProblem;
  spec.initial.writeW(space.viewReal(b.w, rows * width), drawerOf(space, b.w));
  writeTransposedH(space, spec);
  space.viewReal(b.rowCounts, rows).fill(1);
  space.viewReal(b.colCounts, cols).fill(1);
  space.viewReal(b.wParams, 4 * width).set(spec.wParams);
  space.viewReal(b.hParams, 4 * width).set(spec.hParams);
  space.viewI32(n.rowStart, rows + 1).set(rowStart);
  space.viewI32(n.colIndex, observedCount).set(colIndex);
  return () => k.penalty(b.w, b.rowCounts, b.wParams, rows, width, 0) + k.penalty(b.ht, b.colCounts, b.hParams, cols, width, 0);
}

/** The buffers of the held-out pairs a run scores itself (Shape.heldOut of them; none without). */
export function heldOutBuffers(count = 0): { real: Record<string, number>; i32: Record<string, number> } {
  return { real: { heldOutValues: count }, i32: { heldOutRows: count, heldOutCols: count } };
}

/**
 * Writes RunSpec.heldOut into the run's held-out buffers — by row, so that scoring reads each row's factors
 * once; through `slots` where the run stores rows and columns elsewhere (sgd); values less μ, as the run's
 * own — and returns the run's heldOutError: the training loss's kernel over them.
 */
export function heldOutErrorOf<F, I>(
  space: Workspace<F, I>, spec: RunSpec, slots?: { rowSlot: Int32Array; colSlot: Int32Array },
): Run['heldOutError'] {
  const { heldOut, offset, width } = spec;
  if (!heldOut || heldOut.values.length === 0) return undefined;
  const count = heldOut.values.length;
  const { real: b, i32: n } = space;
  const rowOf = slots ? heldOut.rowIndex.map((i) => slots.rowSlot[i]) : heldOut.rowIndex;
  const colOf = slots ? heldOut.colIndex.map((j) => slots.colSlot[j]) : heldOut.colIndex;
  const pairs = byRow(rowOf, colOf, spec.problem.rows);
  space.viewI32(n.heldOutRows, count).set(pairs.rowIndex);
  space.viewI32(n.heldOutCols, count).set(pairs.colIndex);
  const values = space.viewReal(b.heldOutValues, count);
  for (let t = 0; t < count; t++) values[pairs.at[t]] = heldOut.values[t] - offset;
  const loss = observedLossOf(space, n.heldOutRows, n.heldOutCols, b.heldOutValues, count, width);
  return (clip) => loss(clip ? [clip[0] - offset, clip[1] - offset] : undefined);
}
