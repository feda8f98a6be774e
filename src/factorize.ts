import type { ObservationsInput } from './input.js';
import { Factorization } from './model.js';
import type { FactorizeOptions } from './options.js';
import { prepareRun } from './prepare.js';
import { train } from './train.js';

/**
 * Fits X ≈ W·H (with biases, μ + b_i + c_j + w_i·h_j) on the observed entries of X.
 *
 * Solvers (src/solvers/): 'gd', the seed's full-batch gradient descent (each epoch W += η·(M⊙(X−WH))Hᵀ, then
 * with the new W, H += η·Wᵀ(M⊙(X−WH))); 'sgd', one update per observation in LIBMF's blocked, seeded random
 * order; 'als', alternating exact least-squares solves. All minimise the same objective.
 *
 * Every input is validated before any work; errors name the argument, what was expected and what
 * was given. Inputs are never mutated.
 */
export async function factorize(X: ObservationsInput, options: FactorizeOptions): Promise<Factorization> {
  return fit(X, options);
}

/**
 * factorize(), and for model.update(): `touched` rows and columns re-solved first (ALS-type solvers), before
 * options.epochs full epochs (which may then be 0).
 */
export async function fit(X: ObservationsInput, options: FactorizeOptions, touched?: { rows: Int32Array; cols: Int32Array }): Promise<Factorization> {
  const { settings, solver, backend, run, layout, validation, parameters, observed, ids, threads } = await prepareRun(X, options);
  try {
    if (touched) run.solveOnly!(touched.rows, touched.cols);
    const outcome = await train(run, settings, validation, parameters, observed, threads);
    return new Factorization({
      parameters: parameters(outcome.factors),
      penalties: {
        rank: settings.rank, biases: settings.biases, regularization: settings.regularization, l1: settings.l1, nonnegative: settings.nonnegative,
        ...(solver.implicit ? { alpha: settings.alpha, cgSteps: settings.cgSteps } : {}),
      },
      training: {
        initialLoss: outcome.initialLoss,
        lossHistory: outcome.lossHistory,
        validationHistory: outcome.validationHistory,
        bestEpoch: outcome.bestEpoch,
        stoppedBy: outcome.stoppedBy,
        solver: settings.solver,
        backend: backend.name,
        kernel: layout,
      },
      observed,
      ...ids,
    });
  } finally {
    run.close();
  }
}
