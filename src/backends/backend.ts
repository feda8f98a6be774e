import type { Layout, Problem } from '../problem.js';

export type BackendName = 'wasm' | 'js';
export type Solver = 'gd' | 'sgd' | 'als';

/** The size of a problem, which is all a backend needs to know whether it can hold it. */
export interface Shape {
  solver: Solver;
  layout: Layout;
  rows: number;
  cols: number;
  observedCount: number;
  rank: number;
}

/** Factors as the backends exchange them: W is rows×rank, H is rank×cols, both row-major. */
export interface Factors {
  W: Float64Array;
  H: Float64Array;
}

/**
 * How an sgd run stores and visits its observations: `positions` lists CSR positions block by block (the
 * run stores the observations in that order), block b is positions blockStart[b]…blockStart[b+1]−1, and
 * each epoch visits the blocks in the order given to Run.epoch.
 */
export interface Visit {
  positions: Int32Array;
  blockStart: Int32Array;
}

/** The observations in column order (CSC), which ALS's H half walks. */
export interface ColumnOrder {
  colStart: Int32Array;
  rowIndex: Int32Array;
  values: Float64Array;
}

/**
 * Everything a run needs. `rank` counts every coordinate of a factor row: the latent factors and,
 * with biases, a bias and a constant 1 (see src/solve.ts).
 */
export interface RunSpec {
  solver: Solver;
  /** GD: dense or sparse; SGD and ALS: sparse. */
  problem: Problem;
  rank: number;
  initial: Factors;
  /** Parameter blocks of 4·rank: step, l2, l1, low (assembly/update.ts). */
  wParams: Float64Array;
  hParams: Float64Array;
  /** Whether any L2 or L1 penalty is set; without one the penalty pass is skipped (it would add 0). */
  penalized: boolean;
  /** gd: every step 1, no penalty, no bound (the seed's case): the update is a plain axpy. */
  plain: boolean;
  /** Observations per row and per column, as f64. */
  rowCounts: Float64Array;
  colCounts: Float64Array;
  learningRate: number;
  /** SGD: AdaGrad-style per-row and per-column steps. */
  adaptive: boolean;
  /** SGD and ALS: the row of each observation, in CSR order. */
  rowOf?: Int32Array;
  /** SGD: how the observations are stored and visited (src/order.ts). */
  visit?: Visit;
  /** ALS: the observations by column. */
  columns?: ColumnOrder;
  /** ALS: coordinate descent (needed for L1 and bounds) instead of a Cholesky solve. */
  coordinateDescent: boolean;
}

/** The factors where a run keeps them; views into WASM memory stay valid until the run's next call. */
export interface FactorView {
  /** rows×rank. */
  W: Float64Array;
  /** rank×cols, or cols×rank when `hTransposed`. */
  H: Float64Array;
  hTransposed: boolean;
}

/** A fit in progress; it owns copies of the factors, never the caller's arrays. */
export interface Run {
  /** The objective of the current factors: ½ Σ (x − w·h)² + the penalty. */
  loss(): number;
  /** One epoch. SGD takes the order to visit its blocks in (a permutation of 0…blocks−1; see RunSpec.visit). */
  epoch(order?: Int32Array): void;
  view(): FactorView;
  /** Frees what the run holds; the run cannot be used afterwards. */
  close(): void;
}

/** Scores every column for a row: out[j] = offset + w·h_j, over factors it holds (cols×width). */
export interface Scorer {
  /** The scores; a view the next call may overwrite. */
  scores(w: Float64Array, offset: number): Float64Array;
  /** Frees what the scorer holds. */
  close(): void;
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
  /** Σ(x − mean)² over the observed entries. */
  deviation: number;
}

/** What each backend implements; the test suite runs the same bodies against every one. */
export interface Backend {
  readonly name: BackendName;
  /**
   * Below this fraction of observed entries this backend's sparse GD kernel beats its dense one,
   * as measured by `npm run bench -- --density`: kernel 'auto' uses it.
   */
  readonly sparseBelowDensity: number;
  /** Why this backend cannot hold a problem of this shape, or undefined if it can. Checked before any work. */
  tooLarge(shape: Shape): string | undefined;
  /** One pass over a dense X: its observed pattern, counts and value statistics, and the first infinite entry. */
  summarize(values: Float64Array, rows: number, cols: number): Promise<DenseSummary>;
  start(spec: RunSpec): Promise<Run>;
  /** A scorer over Hᵀ (cols×width, row-major), kept in float64 or, to halve its size, float32. */
  scorer(ht: Float64Array, cols: number, width: number, precision: 'float64' | 'float32'): Promise<Scorer>;
}

/**
 * A gradient-descent run: loss() computes the W gradient of the current factors as a by-product
 * (the residual it needs is the loss's), and the next epoch() applies it instead of computing it again.
 */
export function gradientDescentRun(
  lossAndGradientW: () => number, applyGradientWThenStepH: () => void, view: () => FactorView, close: () => void,
): Run {
  let gradientReady = false;
  const loss = () => {
    gradientReady = true;
    return lossAndGradientW();
  };
  return {
    loss,
    epoch() {
      if (!gradientReady) loss();
      gradientReady = false;
      applyGradientWThenStepH();
    },
    view,
    close,
  };
}
