import type { GradientDescentRun } from './backends/index.js';
import { DivergenceError } from './errors.js';

export interface Trajectory {
  /** Loss of the initial factors. */
  initialLoss: number;
  /** Entry e: loss after epoch e. */
  lossHistory: Float64Array;
}

/**
 * Runs `epochs` epochs. Each epoch returns the loss of the factors it started from, which is the loss
 * after the previous epoch, so the history costs one extra loss pass in all (after the last epoch).
 */
export function runEpochs(run: GradientDescentRun, epochs: number, learningRate: number): Trajectory {
  const lossHistory = new Float64Array(epochs);
  let initialLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const before = run.epoch(learningRate);
    if (epoch === 0) initialLoss = before;
    else lossHistory[epoch - 1] = before;
    if (!Number.isFinite(before)) throw new DivergenceError(epoch - 1, before, learningRate);
  }
  const last = run.loss();
  if (epochs === 0) initialLoss = last;
  else lossHistory[epochs - 1] = last;
  if (!Number.isFinite(last)) throw new DivergenceError(epochs - 1, last, learningRate);
  return { initialLoss, lossHistory };
}
