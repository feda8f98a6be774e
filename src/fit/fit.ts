// One fit from input to trained parameters: plan (every check, then the run), train, and what the model is
// made of. Returns plain data (FactorizationInfo); the model (src/model/) wraps it.
import { isHandedOver, type ObservationsInput } from '../input/observations.js';
import type { FactorizationInfo, PenaltySettings } from '../types.js';
import type { FactorizeOptions } from './options.js';
import type { OwnSettings, SolverModule } from '../solvers/index.js';
import { prepareRun } from './plan.js';
import { copy, train } from './train.js';
import { collectGarbage } from '../runtime/collect.js';

/**
 * Fits X ≈ W·H (with biases, μ + b_i + c_j + w_i·h_j) on the observed entries of X with the solver the options
 * name (src/solvers/). For model.update(): `touched` rows and columns are re-solved first (solvers with a
 * partial re-solve), before options.epochs full epochs (which may then be 0).
 */
export async function fit(X: ObservationsInput, options: FactorizeOptions, touched?: { rows: Int32Array; cols: Int32Array }): Promise<FactorizationInfo> {
  const prepared = await prepareRun(X, options);
  // What the plan and the run's start let go (copies made to lay X out, the validation pairs' staging) collected
  // before training where X was handed over (a large fit of the command line's; there the host collects): the
  // kernels allocate nothing, so nothing else would collect it while they train.
  if (isHandedOver(X as object)) collectGarbage();
  const { settings, backend, run, layout, validation, parameters, observed, ids, observedCount: count, clip } = prepared;
  let ended = false;
  try {
    if (touched) await run.solveOnly!(touched.rows, touched.cols);
    const outcome = await train(run, settings, validation, parameters, observed, () => prepared.threads);
    // The run's own factors are the returned ones unless an earlier epoch's were restored.
    const current = outcome.bestEpoch === outcome.lossHistory.length - 1;
    const error = current && run.observedError && count > 0 ? await run.observedError(clip) : undefined;
    // A run that holds the training values in a memory the backend would not lend again gives that memory to the
    // model (the factors, the values, and the column indices where the run holds them) when the model keeps the
    // values: nothing is copied out beside it, and what the model then holds beyond its own data is at most 4 bytes
    // an observation of the run's layout. Else the factors are copied out (a model without values should not hold
    // a run's memory for them).
    const handed = settings.keepObservations ? run.handOver?.take() : undefined;
    ended = handed !== undefined;
    // A caller that handed its input over (the command line, a worker) ends soon after: the model may then hold the
    // run's memory for its factors (Run.keep) rather than a copy of them made beside the run.
    const inRun = !handed && !outcome.factors && run.keep && isHandedOver(X as object) ? run.view() : undefined;
    if (inRun) {
      run.keep!();
      ended = true;
    }
    const fitted = parameters(outcome.factors ?? handed?.factors ?? inRun ?? copy(run.view()));
    return {
      parameters: fitted,
      penalties: {
        rank: settings.rank, biases: settings.biases, regularization: settings.regularization, l1: settings.l1, nonnegative: settings.nonnegative,
        ...keptSettings(settings.module, settings.own),
      },
      training: {
        initialLoss: outcome.initialLoss,
        lossHistory: outcome.lossHistory,
        validationHistory: outcome.validationHistory,
        bestEpoch: outcome.bestEpoch,
        stoppedBy: outcome.stoppedBy,
        solver: settings.solver,
        backend: backend.name,
        layout,
        ...(error === undefined ? {} : { trainingRmse: Math.sqrt((2 * error) / count) }),
      },
      // Without them (keepObservations: false) the model has an empty pattern and no values, as an imported one.
      observed: !settings.keepObservations ? { rowStart: new Int32Array(fitted.rows + 1), colIndex: new Int32Array(0) }
        : handed ? { rowStart: observed.rowStart, colIndex: handed.colIndex, values: handed.values } : observed,
      ...ids,
    };
  } finally {
    if (!ended) run.close();
  }
}

/** The solver's own settings that the model records (fold-in and update solve with them). */
export function keptSettings(module: SolverModule, own: OwnSettings): Partial<PenaltySettings> {
  return Object.fromEntries(Object.entries(module.own).filter(([, option]) => option.kept).map(([name]) => [name, own[name]]));
}
