// Long epochs in blocks, so that an abort lands within tens of milliseconds even inside one epoch.
import { abortReason } from '../check/errors.js';
import type { Awaitable } from '../runtime/kernels.js';
import { nextTurn } from '../runtime/turn.js';

/** How long a block of work may hold the event loop when a signal could abort it. */
const SLICE_MS = 10;

/**
 * Runs `work(from, to)` over 0…total−1. Without a signal: one call (synchronous when the work is: no
 * cost on the fast path). With one: blocks sized so each takes about SLICE_MS, a yield to the event loop
 * between them, and the signal's reason thrown once it is aborted. The blocks cover the range in order,
 * so results are the same either way. Work on threads returns a promise, which is awaited.
 */
export function inBlocks(total: number, signal: AbortSignal | undefined, work: (from: number, to: number) => Awaitable<unknown>): Awaitable<void> {
  if (!signal) {
    const done = work(0, total);
    return done instanceof Promise ? done.then(() => undefined) : undefined;
  }
  return (async () => {
    let size = 1; // grown to the slice from the first block's time
    let lastYield = performance.now();
    for (let from = 0; from < total; ) {
      if (signal.aborted) throw abortReason(signal);
      const to = Math.min(total, from + size);
      const started = performance.now();
      const done = work(from, to);
      if (done instanceof Promise) await done;
      const took = performance.now() - started;
      from = to;
      // Aim the next block at the slice: grow fast work, shrink slow work.
      size = Math.max(1, Math.round(size * (took > 0 ? Math.min(4, SLICE_MS / took) : 4)));
      if (from < total && performance.now() - lastYield >= SLICE_MS) {
        await nextTurn();
        lastYield = performance.now();
      }
    }
    if (signal.aborted) throw abortReason(signal);
  })();
}
