import { backends, type Backend, type FactorView } from './backends/index.js';
import { initialFactors } from './init.js';
import { declaredShape, readIds, readObservations, readValidation, type ObservationsInput } from './input.js';
import { chooseLayout, toLayout } from './layout.js';
import { Factorization } from './model.js';
import { readOptions, type FactorizeOptions, type Settings } from './options.js';
import type { Layout } from './problem.js';
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
 * What the package supports: a run whose buffers fit in the 4 GiB a 32-bit WebAssembly module addresses,
 * on either backend (the pure-JS one gets the same limit, so both accept the same problems), and whose
 * arrays a typed array can hold. Rejects beyond it with the figure, before any work.
 */
function checkSize(backend: Backend, settings: Settings, layout: Layout, rows: number, cols: number, observedCount: number, width: number): void {
  const shape = { solver: settings.solver, layout, rows, cols, observedCount, rank: width };
  const reason = backends.wasm.tooLarge(shape) ?? backend.tooLarge(shape);
  if (reason) {
    throw new RangeError(
      `factorize: X of ${rows}×${cols} with ${observedCount} observed entries at rank ${settings.rank}, solver '${settings.solver}', the ${layout} kernel: ` +
        `${reason}` + (layout === 'dense' ? "; try kernel: 'sparse'" : '; reduce the rank or the number of rows and columns'),
    );
  }
}

/**
 * Everything up to a started run. What it returns holds none of the validated copies of X (a WASM run has
 * its own, in linear memory), so that they can be collected while training runs; only each row's observed
 * columns stay, for the model.
 */
async function startRun(X: ObservationsInput, settings: Settings, backend: Backend) {
  const width = settings.rank + (settings.biases ? 2 : 0);
  // From the declared shape first, before anything proportional to rows, cols or rank is allocated.
  const declared = declaredShape(X);
  if (declared) {
    const layout = settings.solver === 'gd' && settings.kernel === 'dense' ? 'dense' : 'sparse';
    checkSize(backend, settings, layout, declared.rows, declared.cols, declared.entries, width);
  }
  const given = await readObservations(X, settings.mask, backend.summarize);
  const { rows, cols, observedCount } = given.problem;
  const layout =
    settings.solver !== 'gd' ? 'sparse' : settings.kernel === 'auto' ? chooseLayout(given.problem, backend.sparseBelowDensity) : settings.kernel;
  checkSize(backend, settings, layout, rows, cols, observedCount, width);
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
