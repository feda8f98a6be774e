import type { BackendName, Solver } from './backends/index.js';
import type { Matrix } from './matrix.js';
import { hEntry, predictEntry, type Parameters } from './predict.js';
import type { Layout } from './problem.js';
import type { StopReason } from './train.js';

export interface FactorizationInfo {
  parameters: Parameters;
  initialLoss: number;
  lossHistory: Float64Array;
  validationHistory: Float64Array;
  bestEpoch: number;
  stoppedBy: StopReason;
  solver: Solver;
  backend: BackendName;
  kernel: Layout;
}

/** The result of `factorize`: the factors, how training went, and predictions. */
export class Factorization {
  /** rows×rank, row-major. */
  readonly W: Matrix;
  /** rank×cols, row-major. */
  readonly H: Matrix;
  readonly rank: number;
  /** Row biases b_i (biases: true), else null. */
  readonly rowBias: Float64Array | null;
  /** Column biases c_j (biases: true), else null. */
  readonly colBias: Float64Array | null;
  /** μ of x ≈ μ + b_i + c_j + w_i·h_j: the training mean with biases, 0 without. */
  readonly globalMean: number;
  /** The objective of the initial factors. */
  readonly initialLoss: number;
  /**
   * Entry e: the objective after epoch e, ½ Σ (x − prediction)² over the training observations plus the
   * penalties; with no penalty, the value the seed prints.
   */
  readonly lossHistory: Float64Array;
  /** Entry e: RMSE on options.validation after epoch e (empty without one). */
  readonly validationHistory: Float64Array;
  /** Epochs run. */
  readonly epochs: number;
  /** The epoch whose factors these are: the best on validation (with restoreBest), else the last; −1 for none. */
  readonly bestEpoch: number;
  /** Why training stopped: 'epochs' (all run), 'tolerance', 'patience' or 'callback'. */
  readonly stoppedBy: StopReason;
  /** Whether the tolerance was met. */
  readonly converged: boolean;
  /** The objective of the returned factors. */
  readonly loss: number;
  readonly solver: Solver;
  /** The backend that ran: 'wasm' or 'js'. */
  readonly backend: BackendName;
  /** The kernel layout that ran: 'dense' or 'sparse'. */
  readonly kernel: Layout;
  readonly #parameters: Parameters;

  constructor(info: FactorizationInfo) {
    const p = info.parameters;
    this.#parameters = p;
    const { rows, cols, rank, width } = p;
    const W = new Float64Array(rows * rank);
    for (let i = 0; i < rows; i++) W.set(p.W.subarray(i * width, i * width + rank), i * rank);
    const H = new Float64Array(rank * cols);
    for (let k = 0; k < rank; k++) for (let j = 0; j < cols; j++) H[k * cols + j] = hEntry(p, k, j);
    this.W = { rows, cols: rank, data: W };
    this.H = { rows: rank, cols, data: H };
    this.rank = rank;
    this.rowBias = p.biases ? Float64Array.from({ length: rows }, (_, i) => p.W[i * width + rank]) : null;
    this.colBias = p.biases ? Float64Array.from({ length: cols }, (_, j) => hEntry(p, rank + 1, j)) : null;
    this.globalMean = p.offset;
    this.initialLoss = info.initialLoss;
    this.lossHistory = info.lossHistory;
    this.validationHistory = info.validationHistory;
    this.epochs = info.lossHistory.length;
    this.bestEpoch = info.bestEpoch;
    this.stoppedBy = info.stoppedBy;
    this.converged = info.stoppedBy === 'tolerance';
    this.loss = info.bestEpoch >= 0 ? info.lossHistory[info.bestEpoch] : info.initialLoss;
    this.solver = info.solver;
    this.backend = info.backend;
    this.kernel = info.kernel;
  }

  /**
   * The prediction for entry (i, j): μ + b_i + c_j + w_i·h_j (just W·H for plain gd), clipped to the
   * training range when options.clip is on. A row or column with no training observations gets the
   * training mean plus the bias that is known.
   */
  predict(i: number, j: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.W.rows) {
      throw new RangeError(`predict: i: expected an integer from 0 to ${this.W.rows - 1}, got ${i}`);
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.H.cols) {
      throw new RangeError(`predict: j: expected an integer from 0 to ${this.H.cols - 1}, got ${j}`);
    }
    return predictEntry(this.#parameters, i, j);
  }

  /** Every prediction, rows×cols. */
  reconstruct(): Matrix {
    const rows = this.W.rows;
    const cols = this.H.cols;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = predictEntry(this.#parameters, i, j);
    return { rows, cols, data };
  }
}
