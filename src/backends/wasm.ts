// The WebAssembly backend: a run's buffers laid out in the linear memory of an instance it borrows from
// the runtime of its precision (f64 or f32 build) and thread count (one, or memory shared with the pool's
// threads), the module's exports as the kernels over them.
import {
  ALIGN, f64Runtime, reserve, singleRuntime, singleThreadedRuntime, threadedRuntime, tooLarge, type Kernels, type Runtime,
} from '../runtime/wasm.js';
import { forget, hardwareThreads, threadPool, type ThreadPool } from '../runtime/threads.js';
import { summarize as summarizeInJs, wholeValues } from './js/scan.js';
import type { Backend, DenseSummary, Wanted } from './backend.js';
import { DRAW_STATE, REAL_BYTES, runHere, type Buffers, type Precision, type Workspace } from '../runtime/kernels.js';

const F64 = 8;
const I32 = 4;

/**
 * Bytes of one thread's region of the scratch buffers, and each buffer's offset in it, aligned as the runtime
 * aligns buffers: no two threads' regions share a cache line.
 */
function scratchRegion({ scratch = {}, scratch64 = {}, precision = 'float64' }: Buffers): { bytes: number; offsets: Record<string, number> } {
  const offsets: Record<string, number> = {};
  let bytes = 0;
  const place = (entries: Record<string, number>, entryBytes: number) => {
    for (const [name, length] of Object.entries(entries)) {
      offsets[name] = bytes;
      bytes += Math.ceil((length * entryBytes) / ALIGN) * ALIGN;
    }
  };
  place(scratch, REAL_BYTES[precision]);
  place(scratch64, F64);
  return { bytes, offsets };
}

/** Byte sizes of a run's buffers, in the order they are laid out; the scratch regions of `threads` threads last. */
function byteSizes(buffers: Buffers, threads = 1): Record<string, number> {
  const { real, i32, precision = 'float64' } = buffers;
  const sizes: Record<string, number> = {};
  for (const [name, length] of Object.entries(real)) sizes[`real:${name}`] = length * REAL_BYTES[precision];
  for (const [name, length] of Object.entries(buffers.float32 ?? {})) sizes[`float32:${name}`] = length * REAL_BYTES.float32;
  for (const [name, length] of Object.entries(i32)) sizes[`i32:${name}`] = length * I32;
  const { bytes } = scratchRegion(buffers);
  if (bytes > 0) sizes.scratch = threads * bytes;
  return sizes;
}

/** The build a run's kernels come from. */
function runtimeFor(precision: Precision, threaded: boolean): Runtime {
  if (precision === 'float32') return threaded ? singleThreadedRuntime : singleRuntime;
  return threaded ? threadedRuntime : f64Runtime;
}

const f64 = (k: Kernels, at: number, length: number) => new Float64Array(k.memory.buffer, at, length);

/**
 * The buffers laid out in an instance's memory; handles are byte offsets. Memory is never grown after this.
 * With a pool, phases run on `threads` threads over the same (shared) memory, each with its own region
 * of the scratch buffers (a handle is thread 0's); kernels called directly run in the calling thread.
 */
function workspace(k: Kernels, given: Buffers, runtime: Runtime, pool?: ThreadPool, threads = 1): Workspace<number, number> {
  const buffers = { ...given, i32: { ...given.i32, ...DRAW_STATE } };
  const at = reserve(k, byteSizes(buffers, pool ? threads : 1));
  const precision = buffers.precision ?? 'float64';
  const handles = (kind: 'real' | 'i32' | 'float32') => Object.fromEntries(Object.keys(buffers[kind] ?? {}).map((name) => [name, at[`${kind}:${name}`]]));
  const region = scratchRegion(buffers);
  const scratch = Object.fromEntries(Object.entries(region.offsets).map(([name, offset]) => [name, at.scratch + offset]));
  const Real = precision === 'float32' ? Float32Array : Float64Array;
  const realBytes = REAL_BYTES[precision];
  const runner = pool?.runner(k.shared!.key, k as never, threads, { start: at.scratch ?? 0, stride: region.bytes });
  return {
    kernels: k,
    precision,
    real: { ...handles('real'), ...handles('float32'), ...scratch },
    i32: handles('i32'),
    viewReal: (buffer, length) => new Real(k.memory.buffer, buffer, length),
    viewFloat32: (buffer, length) => new Float32Array(k.memory.buffer, buffer, length),
    viewI32: (buffer, length) => new Int32Array(k.memory.buffer, buffer, length),
    i32Over: (buffer) => buffer,
    atReal: (buffer, index) => buffer + index * realBytes,
    atI32: (buffer, index) => buffer + index * I32,
    get threads() {
      return runner ? runner.threads : 1;
    },
    run: runner ? (phases) => runner.run(phases) : (phases) => runHere(k, phases),
    close: () => runtime.giveBack(k),
    keepable: !runtime.keepsIdle(k),
    keep: () => runtime.keep(k),
  };
}

threadedRuntime.onDrop = forget;
singleThreadedRuntime.onDrop = forget;

/**
 * Bytes of X a summary copies into WebAssembly memory at a time: small enough that the copy and the pass over it
 * stay in cache, and that a summary needs no second X beside the caller's and the model's.
 */
const SUMMARY_BLOCK_BYTES = 1 << 18;

/**
 * The dense scan (assembly/scan.ts) over X copied in a block of rows at a time (at least one row of `blockBytes`):
 * one pass for the pattern, counts and sums, a second for the deviation from the mean and, when `valuesNeeded`, the
 * observed values, compacted in place in the block and copied out into the model's array. The kernels go on from one block's totals,
 * so the blocks' size never changes a bit of the summary (tests run it with blocks of a few rows).
 */
export async function summarizeInBlocks(
  values: Float64Array, rows: number, cols: number, blockBytes: number, wanted: Wanted = {},
): Promise<DenseSummary> {
  const words = (cols + 31) >>> 5;
  const blockRows = Math.min(rows, Math.max(1, Math.floor(blockBytes / (cols * F64))));
  const sizes = { x: blockRows * cols * F64, rowCounts: rows * F64, colCounts: cols * F64, bits: rows * words * I32, out: 8 * F64 };
  // Past 4 GiB of pattern and counts (X itself never is copied whole) the JS twin gives the same summary.
  if (tooLarge(sizes)) return summarizeInJs(values, rows, cols, wanted);
  const k = await f64Runtime.borrow();
  try {
    const at = reserve(k, sizes);
    f64(k, at.colCounts, cols).fill(0);
    f64(k, at.out, 8).set([0, 0, 0, Infinity, Infinity, -Infinity, -Infinity, 0]);
    /** Copies rows first… of X into the block; returns how many. */
    const blockAt = (first: number): number => {
      const count = Math.min(blockRows, rows - first);
      // One block holds all of X: the second pass finds it still there.
      if (blockRows < rows || first === 0) f64(k, at.x, count * cols).set(values.subarray(first * cols, (first + count) * cols));
      return count;
    };
    for (let first = 0; first < rows; first += blockRows) {
      const count = blockAt(first);
      const infinite = k.summarize(at.x, count, cols, at.rowCounts + first * F64, at.colCounts, at.bits + first * words * I32, at.out);
      if (infinite >= 0) return { firstInfinite: first * cols + infinite } as DenseSummary;
    }
    const [observedCount, sum, squares, min0, min1, max0, max1, inexact] = f64(k, at.out, 8);
    const mean = sum / observedCount;
    const keep = wanted.values?.(observedCount, rows, cols) !== false;
    // Every entry observed: the values are X as given, copied whole (no compaction, no zeroed array filled after).
    const whole = keep && observedCount === rows * cols ? wholeValues(values, inexact !== 0, wanted.owned) : undefined;
    const observed = whole ?? (!keep ? new Float64Array(0) : inexact ? new Float64Array(observedCount) : new Float32Array(observedCount));
    const compact = keep && !whole;
    const deviate = wanted.deviation !== false;
    let deviation = deviate ? 0 : NaN;
    let filled = 0;
    for (let first = 0; first < rows && (compact || deviate); first += blockRows) {
      const count = blockRows < rows ? blockAt(first) : rows;
      if (deviate) deviation = k.squaredDeviation(at.x, count, cols, mean, deviation);
      if (!compact) continue;
      const compacted = k.compactObserved(at.x, count, cols, at.bits + first * words * I32, at.x);
      observed.set(f64(k, at.x, compacted), filled);
      filled += compacted;
    }
    return {
      firstInfinite: -1, observedCount, sum, squares, min: Math.min(min0, min1), max: Math.max(max0, max1), deviation,
      rowCounts: f64(k, at.rowCounts, rows).slice(),
      colCounts: f64(k, at.colCounts, cols).slice(),
      bits: new Uint32Array(k.memory.buffer, at.bits, rows * words).slice(),
      values: observed,
    };
  } finally {
    f64Runtime.giveBack(k);
  }
}

export const wasmBackend: Backend = {
  name: 'wasm',
  sparseBelowDensity: 0.4,
  tooLarge: (buffers) => tooLarge(byteSizes(buffers)),
  hardwareThreads,
  summarize: (values, rows, cols, wanted) => summarizeInBlocks(values, rows, cols, SUMMARY_BLOCK_BYTES, wanted),
  async scorer(ht, cols, width, precision) {
    // An instance of its own: the factors stay resident between calls, for as long as the scorer lives.
    const k = await f64Runtime.borrow();
    const single = precision === 'float32';
    // In float32 both the factors and the row's w are float32 (assembly/score.ts scoreColumnsF32).
    const Real = single ? Float32Array : Float64Array;
    const at = reserve(k, { w: width * Real.BYTES_PER_ELEMENT, ht: cols * width * Real.BYTES_PER_ELEMENT, out: cols * F64 });
    new Real(k.memory.buffer, at.ht, cols * width).set(ht);
    const score = single ? k.scoreColumnsF32 : k.scoreColumns;
    return {
      order: single ? 'float32' : 'simd',
      scores(w, offset) {
        new Real(k.memory.buffer, at.w, width).set(w);
        score(at.w, at.ht, cols, width, offset, at.out);
        return f64(k, at.out, cols);
      },
      close: () => f64Runtime.giveBack(k),
    };
  },
  async open(buffers, threads) {
    const pool = threads > 1 ? await threadPool(threads) : undefined;
    const runtime = runtimeFor(buffers.precision ?? 'float64', pool !== undefined);
    const kernels = await runtime.borrow();
    try {
      if (pool) await pool.attach(kernels.shared!, threads);
      return workspace(kernels, buffers, runtime, pool, threads) as Workspace<unknown, unknown>;
    } catch (error) {
      runtime.giveBack(kernels);
      throw error;
    }
  },
};
