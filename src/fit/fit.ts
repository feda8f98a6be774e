// One fit from input to trained parameters: plan (every check, then the run), train, and what the model is
// made of. Returns plain data (FactorizationInfo); the model (src/model/) wraps it.
import type { ObservationsInput } from '../input/observations.js';
import type { FactorizationInfo } from '../types.js';
import type { FactorizeOptions } from './options.js';
import { prepareRun } from './plan.js';
import { train } from './train.js';

/**
 * Fits X ≈ W·H (with biases, μ + b_i + c_j + w_i·h_j) on the observed entries of X with the solver the options
 * name (src/solvers/). For model.update(): `touched` rows and columns are re-solved first (solvers with a
 * partial re-solve), before options.epochs full epochs (which may then be 0).
 */
export async function fit(X: ObservationsInput, options: FactorizeOptions, touched?: { rows: Int32Array; cols: Int32Array }): Promise<FactorizationInfo> {
  const { settings, solver, backend, run, layout, validation, parameters, observed, ids, threads } = await prepareRun(X, options);
  try {
    if (touched) run.solveOnly!(touched.rows, touched.cols);
    const outcome = await train(run, settings, validation, parameters, observed, threads);
    return {
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
    };
  } finally {
    run.close();
  }
}
