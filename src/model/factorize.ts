// The public entry of training: a fit (src/fit/), returned as the model users keep.
import { fit } from '../fit/fit.js';
import type { FactorizeOptions } from '../fit/options.js';
import type { ObservationsInput } from '../input/observations.js';
import { Factorization } from './factorization.js';

/**
 * Fits X ≈ W·H (with biases, μ + b_i + c_j + w_i·h_j) on the observed entries of X.
 *
 * The solver (options.solver, src/solvers/; the docs' solver table lists them) decides how the objective is
 * minimised; every option is checked before any work, and errors name the argument, what was expected and
 * what was given. Inputs are never mutated.
 */
export async function factorize(X: ObservationsInput, options: FactorizeOptions): Promise<Factorization> {
  return new Factorization(await fit(X, options));
}
