import { backends } from './backends/index.js';
import { initialFactors } from './init.js';
import { chooseLayout, readObservations, toLayout, type ObservationsInput } from './input.js';
import { Factorization } from './model.js';
import { readOptions, type FactorizeOptions } from './options.js';
import { runEpochs } from './train.js';

/**
 * Fits X ≈ W·H on the observed entries of X by the seed's full-batch gradient descent:
 * each epoch W += η·(M⊙(X−WH))Hᵀ, then with the new W, H += η·Wᵀ(M⊙(X−WH)).
 *
 * Every input is validated before any work; errors name the argument, what was expected and what
 * was given. Inputs are never mutated.
 */
export async function factorize(X: ObservationsInput, options: FactorizeOptions): Promise<Factorization> {
  const settings = readOptions(options);
  const given = readObservations(X, settings.mask);
  const { rows, cols, observedCount } = given;
  const backend = backends[settings.backend];
  const layout = settings.kernel === 'auto' ? chooseLayout(given, backend.sparseBelowDensity) : settings.kernel;
  const tooLarge = backend.tooLarge({ layout, rows, cols, observedCount, rank: settings.rank });
  if (tooLarge) {
    throw new RangeError(
      `factorize: with backend '${backend.name}' and the ${layout} kernel, ${tooLarge}` +
        (layout === 'dense' ? "; try kernel: 'sparse'" : ''),
    );
  }
  const initial = initialFactors(given, settings.rank, settings.seed, settings.init);
  const problem = toLayout(given, layout);
  await backend.ready();
  const run = backend.startGradientDescent(problem, initial, settings.rank);
  try {
    const { initialLoss, lossHistory } = runEpochs(run, settings.epochs, settings.learningRate);
    const { W, H } = run.factors();
    return new Factorization({
      W: { rows: problem.rows, cols: settings.rank, data: W },
      H: { rows: settings.rank, cols: problem.cols, data: H },
      initialLoss,
      lossHistory,
      backend: backend.name,
      kernel: problem.layout,
    });
  } finally {
    run.close();
  }
}
