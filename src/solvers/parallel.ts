// How a solver cuts a step into kernel calls for the workspace's threads so that the result does not
// depend on how many there are. Two kinds of cut:
// - work whose every output has its own arithmetic (a row's solve, a column's gradient) is split into
//   one range per thread, balanced by cost: any split gives the same bits;
// - a sum (a loss) is cut into chunks fixed by the problem alone, each chunk a call summed in order
//   after the phase: the same chunks, hence the same bits, on 1 thread or 64.
import type { Awaitable, KernelCall, Phase, Workspace } from '../runtime/kernels.js';

/** Entries per chunk of a sum: small enough to spread a loss over threads, large enough to cost nothing. */
export const CHUNK = 16384;

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
 * Rows from…to−1 of a CSR-like side (`starts`) solved on the workspace's threads, one balanced range each
 * (a row costing its entries plus `perRow`): `solve(first, end, thread)` makes a range's call. What ALS-type
 * halves are, where each row's solve is its own.
 */
export function rowsOnThreads<F, I>(
  space: Workspace<F, I>, starts: ArrayLike<number>, perRow: number, solve: (first: number, end: number, thread: number) => KernelCall<F, I>,
): (from: number, to: number) => Awaitable<number[]> {
  return (from, to) => space.run([perThread(space, balanced(starts, from, to, space.threads, perRow), ([first, end], thread) => solve(first, end, thread))]);
}

/** One phase over the workspace's threads: call t is made by `call(range t, t)`. */
export function perThread<F, I>(space: Workspace<F, I>, ranges: readonly Range[], call: (range: Range, thread: number) => KernelCall<F, I>): Phase<F, I> {
  return ranges.map((range, thread) => call(range, thread % space.threads));
}

/**
 * Entries of one thread's region of a scratch buffer holding `entries` f64: rounded up and padded so that
 * no two threads' regions share a 64-byte cache line (threads writing one line slow each other down).
 */
export function scratchStride(entries: number): number {
  return Math.ceil(entries / 8) * 8 + 8;
}

/** Entries of a scratch buffer holding `entries` for each of `threads` threads. */
export function scratchFor(threads: number, entries: number): number {
  return threads * scratchStride(entries);
}

/** Thread `thread`'s region of a scratch buffer of `entries` per thread. */
export function scratchOf<F, I>(space: Workspace<F, I>, buffer: F, entries: number, thread: number): F {
  return space.atReal(buffer, thread * scratchStride(entries));
}
