// Types shared across layers: the model, persistence, interop, the solvers and the backends. No logic;
// every module may import from here, and this module imports from none.

export type BackendName = 'wasm' | 'js';

/** How numbers are stored: a run's buffers (options.precision), a model file's factors, a scorer's. */
export type Precision = 'float64' | 'float32';
/** How a problem's observations are stored: every entry (NaN = missing), or the observed ones in CSR order. */
export type Layout = 'dense' | 'sparse';
/** options.layout: a layout, or 'auto' (by density). */
export type LayoutChoice = Layout | 'auto';

/** A run's real numbers, in its precision. */
export type RealArray = Float64Array | Float32Array;

/** A row or column as the user names it: an id when the model has ids, otherwise an index. */
export type Key = string | number;

/**
 * Observations by key: rows and columns as a model names them (ids, or indices when it has none), or indices
 * with the `rowIds`/`colIds` they refer to (as trainTestSplit returns them).
 */
export interface KeyedObservations {
  rowIndices: ArrayLike<Key>;
  colIndices: ArrayLike<Key>;
  values: ArrayLike<number>;
  rowIds?: readonly Key[];
  colIds?: readonly Key[];
}

/** Why training stopped. */
export type StopReason = 'epochs' | 'tolerance' | 'patience' | 'callback';

/** A dense row-major matrix: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Factors as a solver holds them: each row of W has `width` coordinates — the `rank` latent factors,
 * then, with biases, the row's bias and a constant 1; H's columns have the latent factors, then a
 * constant 1 and the column's bias. So w_i·h_j is the latent product plus both biases.
 */
export interface Parameters {
  rows: number;
  cols: number;
  rank: number;
  width: number;
  biases: boolean;
  /** rows×width. */
  W: Float64Array | Float32Array;
  /** width×cols, or cols×width when `hTransposed`. */
  H: Float64Array | Float32Array;
  hTransposed: boolean;
  /** μ: subtracted from the values before training (the training mean with biases, else 0). */
  offset: number;
  /** The mean of the training values: the prediction for a row or column never observed. */
  mean: number;
  rowCounts: Float64Array;
  colCounts: Float64Array;
  /** [min, max] of the training values to clip predictions to, or null. */
  clip: readonly [number, number] | null;
}

/** The penalties a model was trained with: what fold-in solves with. */
export interface PenaltySettings {
  rank: number;
  biases: boolean;
  regularization: { W: number; H: number; bias: number };
  l1: { W: number; H: number };
  nonnegative: boolean;
  /** A solver's own options that its fold-in needs (OwnOption.kept): iALS's confidence 1 + alpha·value and CG steps. */
  alpha?: number;
  cgSteps?: number;
}

export interface TrainingRecord {
  initialLoss: number;
  lossHistory: Float64Array;
  validationHistory: Float64Array;
  bestEpoch: number;
  stoppedBy: StopReason;
  /** The solver's name (a key of src/solvers/'s registry), or 'imported' for a model read from LIBMF's format or from factor rows. */
  solver: string;
  backend: BackendName | 'imported';
  /** The layout the run worked in ('kernel' in model files). */
  layout: Layout | 'imported';
  /**
   * RMSE of the returned factors' predictions (clipped as predict() clips) on the training observations,
   * computed by the run where its solver can (als, sgd, baseline), in the run's precision; absent otherwise.
   */
  trainingRmse?: number;
}

/** Everything a model is made of; what persistence writes and reads. */
export interface FactorizationInfo {
  /** With H stored cols×width (hTransposed), which is how the model keeps it. */
  parameters: Parameters;
  penalties: PenaltySettings;
  training: TrainingRecord;
  /**
   * Each row's training columns (CSR): what recommend() leaves out; with their values (as given, in the same
   * order) for a trained model, which model.update() retrains on — a Float32Array when every value is a
   * float32 value (ratings such as 0.5…5 are), at half the memory and no loss. Imported models have no values.
   */
  observed: { rowStart: Int32Array; colIndex: Int32Array; values?: Float64Array | Float32Array };
  rowIds: readonly Key[] | null;
  colIds: readonly Key[] | null;
}

/** Factors for a row (or column) that was not in the training data, from foldIn(). */
export interface Folded {
  /** The rank latent factors. */
  factors: Float64Array;
  /** Its bias (0 without biases). */
  bias: number;
  /** foldIn only: the columns (indices) it was folded in from, which recommend() leaves out like a trained row's. */
  observed?: Int32Array;
}

/** One row of a factor matrix keyed by id, as Spark's userFactors/itemFactors hold them. */
export interface FactorRow {
  id: Key;
  features: number[];
  /** The row's (or column's) bias, for a model with biases. */
  bias?: number;
  /**
   * Its training observations; 0 marks a row or column never seen, predicted like an unknown id under
   * coldStart 'mean'. Left out (Spark's rows), it counts as seen.
   */
  count?: number;
}

// The one canonical form every input is turned into before any work (src/input/ makes it; the solvers
// write it into a run's memory). Each kernel is written once per layout.

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
  /** Each entry's column: in two bytes where a run holds the values itself and the columns fit (observations.ts CsrTarget). */
  colIndex: Int32Array | Uint16Array;
  /**
   * The observed values: a Float32Array when every one is a float32 value (ratings such as 1…5 or 0.5 steps
   * are), which holds them exactly in half the memory; read as doubles either way.
   */
  values: Float64Array | Float32Array;
  observedCount: number;
}

export type Problem = DenseProblem | SparseProblem;

/** Observations as parallel lists of indices and values. */
export interface Observations {
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

// The input forms the public API takes (src/input/ reads them).

/** A dense matrix: an array of equal-length rows, or row-major `data` with its shape. */
export type MatrixInput = readonly (readonly number[])[] | DenseMatrixInput;

export interface DenseMatrixInput {
  rows: number;
  cols: number;
  /** rows×cols entries, row-major. */
  data: Float64Array | ArrayLike<number>;
}

/** Which entries of a dense X are observed: 1/true observed, 0/false missing. */
export type MaskInput =
  | readonly (readonly (number | boolean)[])[]
  | { rows: number; cols: number; data: Uint8Array | ArrayLike<number | boolean> };

/** The observed entries as coordinate lists (the seed's `[i, j, x]` list): entry p is X[rowIndices[p]][colIndices[p]] = values[p]. */
export interface SparseMatrixInput {
  rows: number;
  cols: number;
  rowIndices: Int32Array | ArrayLike<number>;
  colIndices: Int32Array | ArrayLike<number>;
  values: Float64Array | ArrayLike<number>;
}

/** Ids of the rows and columns, which the model then takes and returns in place of indices. */
export interface Ids {
  rowIds?: readonly (string | number)[];
  colIds?: readonly (string | number)[];
}

export type ObservationsInput = MatrixInput | SparseMatrixInput | (DenseMatrixInput & Ids) | (SparseMatrixInput & Ids);

