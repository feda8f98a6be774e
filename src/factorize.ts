import { backends, type Backend, type FactorView } from './backends/index.js';
import { initialFactors } from './init.js';
import { readIds, readObservations, readValidation, type ObservationsInput } from './input.js';
import { chooseLayout, toLayout } from './layout.js';
import { Factorization } from './model.js';
import { readOptions, type FactorizeOptions, type Settings } from './options.js';
import type { Parameters } from './predict.js';
import { sgdBlocks } from './order.js';
import { Random } from './rng.js';
import { runSpec } from './solve.js';
import { train } from './train.js';

/**
 * Fits X ≈ W·H (with biases, μ + b_i + c_j + w_i·h_j) on the observed entries of X.
 *
 * Solvers: 'gd', the seed's full-batch gradient descent (each epoch W += η·(M⊙(X−WH))Hᵀ, then with
 * the new W, H += η·Wᵀ(M⊙(X−WH))); 'sgd', one update per observation in LIBMF's blocked, seeded random order (src/order.ts);
 * 'als', alternating exact least-squares solves. All minimise the same objective.
 *
 * Every input is validated before any work; errors name the argument, what was expected and what
 * was given. Inputs are never mutated.
 */
export async function factorize(X: ObservationsInput, options: FactorizeOptions): Promise<Factorization> {
  const settings = readOptions(options);
  const backend = backends[settings.backend];
  const { run, nextOrder, validation, parameters, kernel, observed, ids } = await startRun(X, settings, backend);
  try {
    const outcome = await train(run, settings, nextOrder, validation, parameters);
    return new Factorization({
      parameters: parameters(outcome.factors),
      penalties: { rank: settings.rank, biases: settings.biases, regularization: settings.regularization, l1: settings.l1, nonnegative: settings.nonnegative },
      training: {
        initialLoss: outcome.initialLoss,
        lossHistory: outcome.lossHistory,
        validationHistory: outcome.validationHistory,
        bestEpoch: outcome.bestEpoch,
        stoppedBy: outcome.stoppedBy,
        solver: settings.solver,
        backend: backend.name,
        kernel,
      },
      observed,
      ...ids,
    });
  } finally {
    run.close();
  }
}

/**
 * Everything up to a started run. What it returns holds none of the validated copies of X (a WASM run has
 * its own, in linear memory), so that they can be collected while training runs; only each row's observed
 * columns stay, for the model.
 */
async function startRun(X: ObservationsInput, settings: Settings, backend: Backend) {
  const given = await readObservations(X, settings.mask, backend.summarize);
  const { rows, cols, observedCount } = given.problem;
  const layout =
    settings.solver !== 'gd' ? 'sparse' : settings.kernel === 'auto' ? chooseLayout(given.problem, backend.sparseBelowDensity) : settings.kernel;
  const width = settings.rank + (settings.biases ? 2 : 0);
  const tooLarge = backend.tooLarge({ solver: settings.solver, layout, rows, cols, observedCount, rank: width });
  if (tooLarge) {
    throw new RangeError(
      `factorize: with backend '${backend.name}' and the ${layout} kernel, ${tooLarge}` +
        (layout === 'dense' ? "; try kernel: 'sparse'" : ''),
    );
  }
  const ids = readIds(X, rows, cols);
  const validation = settings.validation === undefined ? undefined : readValidation(settings.validation, rows, cols);
  const { stats } = given;
  const offset = settings.biases ? stats.mean : 0;
  const random = new Random(settings.seed);
  const latent = initialFactors(given, settings.rank, settings.biases, random, settings.init, settings.solver === 'gd' ? 'normal' : 'uniform');
  const problem = toLayout(given.problem, layout);
  const blocks = settings.solver === 'sgd' && problem.layout === 'sparse' ? sgdBlocks(problem, random) : undefined;
  const spec = runSpec(settings, problem, latent, offset, given, blocks?.visit);
  const { rowCounts, colCounts } = spec;
  const parameters = (view: FactorView): Parameters => ({
    rows, cols, rank: settings.rank, width, biases: settings.biases, ...view, offset, mean: stats.mean,
    rowCounts, colCounts, clip: settings.clip ? [stats.min, stats.max] : null,
  });
  const run = await backend.start(spec);
  return { run, nextOrder: blocks?.nextOrder, validation, parameters, kernel: problem.layout, observed: given.observed, ids };
}
