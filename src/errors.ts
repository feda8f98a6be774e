import type { Solver } from './backends/index.js';

/**
 * Thrown when training diverges — the objective became non-finite or grew 1e10-fold — so that
 * no NaN or exploding factors are ever returned.
 */
export class DivergenceError extends Error {
  /** Epoch (0-based) after which the objective was first out of bounds; −1 for the initial factors. */
  readonly epoch: number;
  readonly learningRate: number;
  readonly solver: Solver;
  /** The out-of-bounds objective, and the initial one it is compared with. */
  readonly loss: number;
  readonly initialLoss: number;

  constructor(solver: Solver, epoch: number, loss: number, initialLoss: number, learningRate: number) {
    const when = epoch < 0 ? 'for the initial factors' : `after epoch ${epoch}`;
    const what = Number.isFinite(loss) ? `grew from ${initialLoss.toPrecision(4)} to ${loss.toPrecision(4)}` : `became ${loss}`;
    const fix =
      epoch < 0
        ? 'Check the scale of X and of options.init.'
        : solver === 'als'
          ? 'Try a larger regularization, or check the scale of X.'
          : `Try a smaller learningRate, e.g. ${learningRate / 10}` +
            (solver === 'gd' ? '; the stable step shrinks as rows and columns gain observations.' : '.');
    super(
      epoch < 0
        ? `factorize: the loss ${what} ${when}: X's values or options.init are too large for float64 arithmetic. ${fix}`
        : `factorize: the loss ${what} ${when}${solver === 'als' ? '' : ` with learningRate ${learningRate}`}: ${solver} diverged. ${fix}`,
    );
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.learningRate = learningRate;
    this.solver = solver;
    this.loss = loss;
    this.initialLoss = initialLoss;
  }
}
