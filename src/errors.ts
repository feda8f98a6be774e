/**
 * Thrown when gradient descent diverges — the loss became non-finite or grew 1e10-fold — so that
 * no NaN or exploding factors are ever returned.
 */
export class DivergenceError extends Error {
  /** Epoch (0-based) after which the loss was first out of bounds; −1 for the initial factors. */
  readonly epoch: number;
  readonly learningRate: number;

  constructor(epoch: number, loss: number, initialLoss: number, learningRate: number) {
    const when = epoch < 0 ? 'for the initial factors' : `after epoch ${epoch}`;
    const what = Number.isFinite(loss) ? `grew from ${initialLoss.toPrecision(4)} to ${loss.toPrecision(4)}` : `became ${loss}`;
    super(
      `factorize: the loss ${what} ${when} with learningRate ${learningRate}: gradient descent diverged. ` +
        (epoch < 0
          ? 'Check the scale of X and of options.init.'
          : `Try a smaller learningRate, e.g. ${learningRate / 10}; the stable step shrinks as rows and columns gain observations.`),
    );
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.learningRate = learningRate;
  }
}
