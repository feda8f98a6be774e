import type { BackendName, RealArray } from '../types.js';
import type { Buffers, Workspace } from '../runtime/kernels.js';

export type { BackendName } from '../types.js';

/** Scores every column for a row: out[j] = offset + w·h_j, over factors it holds (cols×width). */
export interface Scorer {
  /**
   * The order its sums are made in, which decides their last bits: 'js' (the pure-JS scorer's), 'simd'
   * (assembly/score.ts scoreColumns), or 'float32' (either backend's float32 scoring).
   */
  readonly order: 'js' | 'simd' | 'float32';
  /** The scores; a view the next call may overwrite. */
  scores(w: RealArray, offset: number): Float64Array;
  /** Frees what the scorer holds. */
  close(): void;
}

/** What a pass over a dense X finds beyond its pattern, counts, sums and extremes, when the caller needs it. */
export interface Wanted {
  /** Whether the observed values must be copied out, once their count is known. Default: always. */
  values?: (observedCount: number, rows: number, cols: number) => boolean;
  /** Whether Σ(x − mean)², a second pass over X, is needed. Default: true. */
  deviation?: boolean;
  /**
   * Whether X is the caller's own copy, which nothing writes to afterwards: a fully observed X not exact in float32
   * is then kept as the values as it is, not copied again. Default: false.
   */
  owned?: boolean;
}

/** What one pass over a dense X (NaN = missing) finds: assembly/scan.ts. */
export interface DenseSummary {
  /** Flat index of the first observed ±Infinity, or −1; when ≥ 0 nothing else is filled in. */
  firstInfinite: number;
  observedCount: number;
  /** Σx and Σx² over the observed entries. */
  sum: number;
  squares: number;
  min: number;
  max: number;
  rowCounts: Float64Array;
  colCounts: Float64Array;
  /** The observed pattern: row i's bits are words i·⌈cols/32⌉ onwards, column j is bit j % 32 of word j / 32. */
  bits: Uint32Array;
  /** Σ(x − mean)² over the observed entries; NaN where the caller did not want it (Wanted.deviation). */
  deviation: number;
  /**
   * The observed values in row-major order (what a model keeps for update()): a Float32Array when every one is a
   * float32 value, which holds them exactly in half the memory; empty where the caller did not want them.
   */
  values: Float64Array | Float32Array;
}

/**
 * What each backend implements: memory and kernels (the solvers in src/solvers/ do the rest), the one
 * pass over a dense X, and a scorer. The test suite runs the same bodies against every one.
 */
export interface Backend {
  readonly name: BackendName;
  /**
   * Below this fraction of observed entries this backend's sparse GD kernel beats its dense one,
   * as measured by `npm run bench -- --density`: layout 'auto' uses it.
   */
  readonly sparseBelowDensity: number;
  /** Why this backend cannot lay out these buffers, or undefined if it can. Checked before any work. */
  tooLarge(buffers: Buffers): string | undefined;
  /** The threads this backend can use at most here: the machine's logical cores, or 1. */
  hardwareThreads(): Promise<number>;
  /**
   * One pass over a dense X: its observed pattern, counts and value statistics, and the first infinite entry; and
   * what `wanted` asks for of the observed values and their deviation from the mean.
   */
  summarize(values: Float64Array, rows: number, cols: number, wanted?: Wanted): Promise<DenseSummary>;
  /**
   * The buffers laid out, and the kernels over them, for one run whose phases may use up to `threads`
   * threads; the workspace's `threads` says how many it got (1 where threads are unavailable).
   */
  open(buffers: Buffers, threads: number): Promise<Workspace<unknown, unknown>>;
  /** A scorer over Hᵀ (cols×width, row-major), kept in float64 or, to halve its size, float32. */
  scorer(ht: RealArray, cols: number, width: number, precision: 'float64' | 'float32'): Promise<Scorer>;
}
