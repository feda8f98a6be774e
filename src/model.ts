import type { BackendName } from './backends/index.js';
import type { Matrix } from './matrix.js';
import type { Layout } from './problem.js';

export interface FactorizationInfo {
  W: Matrix;
  H: Matrix;
  initialLoss: number;
  lossHistory: Float64Array;
  backend: BackendName;
  kernel: Layout;
}

/** The result of `factorize`: the factors, how training went, and predictions from W·H. */
export class Factorization {
  /** rows×rank, row-major. */
  readonly W: Matrix;
  /** rank×cols, row-major. */
  readonly H: Matrix;
  readonly rank: number;
  /** ½‖M⊙(X−WH)‖² of the initial factors. */
  readonly initialLoss: number;
  /** Entry e is ½‖M⊙(X−WH)‖² after epoch e (the value the seed prints). */
  readonly lossHistory: Float64Array;
  /** Epochs run. */
  readonly epochs: number;
  /** Loss of the returned factors: the last entry of lossHistory, or initialLoss after 0 epochs. */
  readonly loss: number;
  /** The backend that ran: 'wasm' or 'js'. */
  readonly backend: BackendName;
  /** The kernel that ran: 'dense' or 'sparse'. */
  readonly kernel: Layout;

  constructor(info: FactorizationInfo) {
    this.W = info.W;
    this.H = info.H;
    this.rank = info.W.cols;
    this.initialLoss = info.initialLoss;
    this.lossHistory = info.lossHistory;
    this.epochs = info.lossHistory.length;
    this.loss = this.epochs > 0 ? info.lossHistory[this.epochs - 1] : info.initialLoss;
    this.backend = info.backend;
    this.kernel = info.kernel;
  }

  /** Entry (i, j) of W·H. */
  predict(i: number, j: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.W.rows) {
      throw new RangeError(`predict: i: expected an integer from 0 to ${this.W.rows - 1}, got ${i}`);
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.H.cols) {
      throw new RangeError(`predict: j: expected an integer from 0 to ${this.H.cols - 1}, got ${j}`);
    }
    return this.entry(i, j);
  }

  /** The whole W·H, rows×cols. */
  reconstruct(): Matrix {
    const rows = this.W.rows;
    const cols = this.H.cols;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = this.entry(i, j);
    return { rows, cols, data };
  }

  // Σ_k in ascending order, as the dense kernel forms W·H.
  private entry(i: number, j: number): number {
    const { rank } = this;
    const w = this.W.data;
    const h = this.H.data;
    const cols = this.H.cols;
    let sum = 0;
    for (let k = 0; k < rank; k++) sum += w[i * rank + k] * h[k * cols + j];
    return sum;
  }
}
