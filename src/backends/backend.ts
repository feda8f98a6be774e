import type { Layout, Problem } from '../problem.js';

/** The size of a problem, which is all a backend needs to know whether it can hold it. */
export interface Shape {
  layout: Layout;
  rows: number;
  cols: number;
  observedCount: number;
  rank: number;
}

export type BackendName = 'wasm' | 'js';

/** Factors as the backends exchange them: W is rows×rank, H is rank×cols, both row-major. */
export interface Factors {
  W: Float64Array;
  H: Float64Array;
}

/** A gradient-descent fit in progress; it owns copies of the factors, never the caller's arrays. */
export interface GradientDescentRun {
  /**
   * One epoch of the seed's algorithm (W step, then H step with the new W).
   * Returns ½‖M⊙(X−WH)‖² of the factors as they were before this epoch.
   */
  epoch(learningRate: number): number;
  /** ½‖M⊙(X−WH)‖² of the current factors. */
  loss(): number;
  /** Copies of the current factors. */
  factors(): Factors;
  /** Frees what the run holds; the run cannot be used afterwards. */
  close(): void;
}

/** What each backend implements; the test suite runs the same bodies against every one. */
export interface Backend {
  readonly name: BackendName;
  /**
   * Below this fraction of observed entries this backend's sparse kernel beats its dense one,
   * as measured by `npm run bench -- --density`: 'auto' uses it.
   */
  readonly sparseBelowDensity: number;
  /** Resolves once the backend can start runs (the WASM backend compiles its module once). */
  ready(): Promise<void>;
  /** Why this backend cannot hold a problem of this shape, or undefined if it can. Checked before any work. */
  tooLarge(shape: Shape): string | undefined;
  startGradientDescent(problem: Problem, initial: Factors, rank: number): GradientDescentRun;
}
