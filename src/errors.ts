/** Thrown when gradient descent diverges: the loss became non-finite, so no factors are returned. */
export class DivergenceError extends Error {
  /** Epoch (0-based) after which the loss was first non-finite; −1 if it already was before the first. */
  readonly epoch: number;
  readonly learningRate: number;

  constructor(epoch: number, loss: number, learningRate: number) {
    const when = epoch < 0 ? 'for the initial factors' : `after epoch ${epoch}`;
    super(
      `factorize: the loss became ${loss} ${when} with learningRate ${learningRate}: gradient descent diverged. ` +
        (epoch < 0
          ? 'Check the scale of X and of options.init.'
          : `Try a smaller learningRate, e.g. ${learningRate / 10}; the stable step shrinks as rows and columns gain observations.`),
    );
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.learningRate = learningRate;
  }
}
