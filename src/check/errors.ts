/**
 * Thrown when training diverges — the objective became non-finite or grew 1e10-fold — so that
 * no NaN or exploding factors are ever returned.
 */
export class DivergenceError extends Error {
  /** Epoch (0-based) after which the objective was first out of bounds; −1 for the initial factors. */
  readonly epoch: number;
  /** The step in use (NaN for a solver without one). */
  readonly learningRate: number;
  /** The solver's name. */
  readonly solver: string;
  /** The out-of-bounds objective, and the initial one it is compared with. */
  readonly loss: number;
  readonly initialLoss: number;
  /** What to try, from the solver's module. */
  readonly advice: string;

  constructor(solver: string, epoch: number, loss: number, initialLoss: number, learningRate: number, advice: string) {
    const when = epoch < 0 ? 'for the initial factors' : `after epoch ${epoch}`;
    const what = Number.isFinite(loss) ? `grew from ${initialLoss.toPrecision(4)} to ${loss.toPrecision(4)}` : `became ${loss}`;
    super(
      epoch < 0
        ? `factorize: the loss ${what} ${when}: X's values or options.init are too large for the run's arithmetic (float64's range, or float32's ±3.4e38 with precision 'float32'). Check the scale of X and of options.init.`
        : `factorize: the loss ${what} ${when}${Number.isNaN(learningRate) ? '' : ` with learningRate ${learningRate}`}: ${solver} diverged. ${advice}`,
    );
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.learningRate = learningRate;
    this.solver = solver;
    this.loss = loss;
    this.initialLoss = initialLoss;
    this.advice = advice;
  }
}

/** What an aborted operation rejects with: the signal's reason, or the DOM's AbortError when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
