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
  // A stable step never multiplies the loss by 1e10; an unstable one does so within a few dozen
  // epochs, long before it overflows, so stop there rather than run on to Infinity.
  let limit = Infinity;
  const check = (epoch: number, loss: number) => {
    if (!(loss <= limit)) throw new DivergenceError(epoch, loss, initialLoss, learningRate);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const before = run.epoch(learningRate);
    if (epoch === 0) {
      initialLoss = before;
      if (before > 0) limit = before * BLOW_UP;
    } else {
      lossHistory[epoch - 1] = before;
    }
    check(epoch - 1, before);
  }
  const last = run.loss();
  if (epochs === 0) initialLoss = last;
  else lossHistory[epochs - 1] = last;
  check(epochs - 1, last);
  return { initialLoss, lossHistory };
}

const BLOW_UP = 1e10;
