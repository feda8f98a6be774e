// 'baseline': biases alone, x ≈ μ + b_i + c_j (Surprise's BaselineOnly, by alternating least squares): each
// row's bias the exact minimiser given the columns', then each column's given the rows'. It is ALS at rank 0 —
// the same kernel, whose two frozen coordinates (the 1s that multiply the other side's bias) are all a row
// has — and the baseline any model of ratings should beat.
import { als } from './als.js';
import type { SolverModule } from './solver.js';
import { rmseMetric } from './validation.js';

/** solver 'baseline': μ + b_i + c_j, no factors. */
export interface BaselineOptions {
  solver: 'baseline';
  /** No factors: leave it out (or 0). */
  rank?: 0;
  /** L2 penalty of the biases, per observation. Default: options.regularization (0.1). */
  biasRegularization?: number;
  /** Clip predictions to the range of the training values. Default true. */
  clip?: boolean;
}

export const baseline: SolverModule<BaselineOptions> = {
  ...als,
  name: 'baseline',
  summary: 'biases only, μ + b_i + c_j, each side exact given the other: the baseline a model of ratings should beat',
  biasesOnly: true,
  defaults: Object.freeze({ epochs: 10, regularization: 0.1, biases: true }),
  own: {},
  takes: ['biasRegularization', 'clip'],
  validation: rmseMetric,
  metrics: ['rmse', 'mae'],
  divergenceAdvice: () => 'Try a larger regularization, or check the scale of X.',
};
