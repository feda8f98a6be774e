// The one canonical form every input is turned into before any work (src/input.ts makes it;
// the backends consume it). Each kernel is written once per layout.

/** Every entry stored; missing entries are NaN. */
export interface DenseProblem {
  layout: 'dense';
  rows: number;
  cols: number;
  /** rows×cols row-major; NaN where the entry is not observed. */
  values: Float64Array;
  observedCount: number;
}

/** Observed entries only, in CSR order: rows ascending, columns ascending within a row. */
export interface SparseProblem {
  layout: 'sparse';
  rows: number;
  cols: number;
  /** Row i's entries are positions rowStart[i] ≤ p < rowStart[i + 1]; length rows + 1. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  /**
   * The observed values: a Float32Array when every one is a float32 value (ratings such as 1…5 or 0.5 steps
   * are), which holds them exactly in half the memory; read as doubles either way.
   */
  values: Float64Array | Float32Array;
  observedCount: number;
}

export type Problem = DenseProblem | SparseProblem;
export type { Layout } from './types.js';
