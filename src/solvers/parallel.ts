// How a solver cuts a step into kernel calls so that the result does not depend on how many threads
// run them, nor on which thread runs which call. Two kinds of cut:
// - work whose every output has its own arithmetic (a row's solve, a column's gradient) is split into
//   parts balanced by cost, as many as the work is large (never as many as there are threads): any split
//   gives the same bits, and threads claim the parts as they come, so a thread another process holds
//   back does less of the work instead of holding the others up;
// - a sum (a loss) is cut into chunks fixed by the problem alone, each chunk a call summed in order
//   after the phase: the same chunks, hence the same bits, on 1 thread or 64.
import type { Awaitable, KernelCall, Workspace } from '../runtime/kernels.js';

/** Entries per chunk of a sum: small enough to spread a loss over threads, large enough to cost nothing. */
export const CHUNK = 16384;

/** Multiply-adds per part of a step: tens of microseconds, so that a call costs little beside its work. */
const PART_WORK = 2 ** 18;
/** Most parts a step is cut into: enough that the last part to finish leaves the others idle briefly. */
const MAX_PARTS = 256;

/** How many parts a step of `work` multiply-adds is cut into. */
export function partsFor(work: number): number {
  return Math.max(1, Math.min(MAX_PARTS, Math.ceil(work / PART_WORK)));
}

export type Range = readonly [from: number, to: number];

/**
 * from…to−1 cut into `parts` consecutive ranges of near-equal cost, row i costing
 * (start[i+1] − start[i]) + perRow (its entries, and what a row costs besides). Ranges may be empty.
 * Inner boundaries are multiples of `multipleOf`: 8 f64 columns are a cache line, which two threads
 * writing would fight over.
 */
export function balanced(start: ArrayLike<number> | undefined, from: number, to: number, parts: number, perRow = 1, multipleOf = 1): Range[] {
  const cost = (i: number) => (start ? start[i] - start[from] : 0) + perRow * (i - from);
  const total = cost(to);
  const ranges: Range[] = [];
  let at = from;
  for (let part = 1; part <= parts; part++) {
    const target = (total * part) / parts;
    let end = part === parts ? to : at;
    if (part < parts) {
      // The first row whose cumulative cost reaches the target: cost() grows with i, so bisect.
      let low = at;
      let high = to;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (cost(middle) < target) low = middle + 1;
        else high = middle;
      }
      end = Math.min(to, Math.max(at, Math.round(low / multipleOf) * multipleOf));
    }
    ranges.push([at, end]);
    at = end;
  }
  return ranges;
}

/**
 * 0…total−1 cut into chunks of about CHUNK entries, by `start` offsets (rows of a CSR) or, without them,
 * `perRow` entries per row: fixed by the problem, never by the thread count.
 */
export function chunks(total: number, start?: ArrayLike<number>, perRow = 1): Range[] {
  const ranges: Range[] = [];
  let from = 0;
  while (from < total) {
    let to = from + 1;
    if (start) {
      // Grow the chunk while it stays under CHUNK entries (at least one row).
      const limit = start[from] + CHUNK;
      let high = total;
      while (to < high) {
        const middle = (to + high + 1) >>> 1;
        if (start[middle] <= limit) to = middle;
        else high = middle - 1;
      }
    } else {
      to = Math.min(total, from + Math.max(1, Math.floor(CHUNK / Math.max(1, perRow))));
    }
    ranges.push([from, to]);
    from = to;
  }
  return ranges;
}

/**
 * The results of a run from call `from` on, summed in call order (chunks' partial sums: the same order
 * whatever the threads).
 */
export function total(results: readonly number[], from = 0): number {
  let sum = 0;
  for (let c = from; c < results.length; c++) sum += results[c];
  return sum;
}

/** `next` of the value, at once if it is one, after it if it is a promise: fast paths stay synchronous. */
export function after<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Rows from…to−1 of a CSR-like side (`starts`) solved in parts balanced by cost (a row costing its entries
 * plus `perRow`, each `unit` multiply-adds): `solve(first, end)` makes a part's call. What ALS-type halves
 * are, where each row's solve is its own.
 */
export function rowsInParts<F, I>(
  space: Workspace<F, I>, starts: ArrayLike<number>, perRow: number, unit: number, solve: (first: number, end: number) => KernelCall<F, I>,
): (from: number, to: number) => Awaitable<number[]> {
  return (from, to) => {
    const work = (starts[to] - starts[from] + perRow * (to - from)) * unit;
    return space.run([balanced(starts, from, to, partsFor(work), perRow).map(([first, end]) => solve(first, end))]);
  };
}

