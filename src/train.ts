// The epoch loop every solver shares: loss history, divergence check, validation scoring with early
// stopping, tolerance, the onEpoch callback and AbortSignal.
import { DivergenceError } from './errors.js';
import type { Observations } from './input.js';
import type { Settings } from './options.js';
import { rmse, type Parameters } from './predict.js';
import { SOLVERS, type FactorView, type Run } from './solvers/index.js';

import type { StopReason } from './types.js';

export type { StopReason } from './types.js';

export interface Outcome {
  initialLoss: number;
  /** Entry e: the objective after epoch e. */
  lossHistory: Float64Array;
  /** Entry e: validation RMSE after epoch e; empty without a validation set. */
  validationHistory: Float64Array;
  /** The epoch whose factors are returned (the best on validation, or the last). −1: the initial factors. */
  bestEpoch: number;
  stoppedBy: StopReason;
  /** Copies of the factors returned. */
  factors: FactorView;
}

/** A stable run never multiplies its objective by 1e10; an unstable one does within a few dozen epochs. */
const BLOW_UP = 1e10;
/** How long training may hold the event loop when a signal could abort it. */
const YIELD_EVERY_MS = 20;

const copy = (view: FactorView): FactorView => ({ W: view.W.slice(), H: view.H.slice(), hTransposed: view.hTransposed });

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export async function train(
  run: Run,
  settings: Settings,
  validation: Observations | undefined,
  parameters: (view: FactorView) => Parameters,
): Promise<Outcome> {
  const { epochs, tolerance, patience, restoreBest, onEpoch, signal, solver } = settings;
  const advice = SOLVERS[solver].divergenceAdvice(settings.learningRate);
  if (signal?.aborted) throw abortReason(signal);
  const lossHistory = new Float64Array(epochs);
  const validationHistory = new Float64Array(validation ? epochs : 0);
  let first = run.loss();
  if (first instanceof Promise) first = await first;
  const initialLoss = first;
  const limit = initialLoss > 0 ? initialLoss * BLOW_UP : Infinity;
  // A non-finite objective never passes, not even the initial one (whose limit would be Infinity).
  const check = (epoch: number, loss: number) => {
    if (!(loss <= limit) || !Number.isFinite(loss)) throw new DivergenceError(solver, epoch, loss, initialLoss, settings.learningRate, advice);
  };
  check(-1, initialLoss);
  let bestRmse = Infinity;
  let bestEpoch = -1;
  let best: FactorView | undefined;
  let stoppedBy: StopReason = 'epochs';
  let ran = 0;
  let lastYield = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    // The run works in blocks and yields only when there is a signal to answer; the loop awaits only promises.
    const stepped = run.epoch(signal);
    if (stepped instanceof Promise) await stepped;
    let measured = run.loss();
    if (measured instanceof Promise) measured = await measured;
    const loss = measured;
    check(epoch, loss);
    lossHistory[epoch] = loss;
    ran = epoch + 1;
    let validationRmse: number | undefined;
    if (validation) {
      const view = run.view();
      validationRmse = rmse(parameters(view), validation);
      validationHistory[epoch] = validationRmse;
      if (validationRmse < bestRmse) {
        bestRmse = validationRmse;
        bestEpoch = epoch;
        if (restoreBest) best = copy(view);
      }
    }
    if (onEpoch) {
      let verdict = onEpoch({ epoch, loss, validationRmse });
      if (verdict instanceof Promise) verdict = await verdict;
      if (verdict === false) {
        stoppedBy = 'callback';
        break;
      }
    }
    const previous = epoch === 0 ? initialLoss : lossHistory[epoch - 1];
    if (tolerance > 0 && Math.abs(previous - loss) <= tolerance * Math.abs(previous)) {
      stoppedBy = 'tolerance';
      break;
    }
    if (validation && epoch - bestEpoch >= patience) {
      stoppedBy = 'patience';
      break;
    }
    if (signal) {
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (signal.aborted) throw abortReason(signal);
    }
  }
  const useBest = validation && restoreBest && best !== undefined;
  const factors = useBest ? best! : copy(run.view());
  // A finite objective can still hide an overflowed factor (an infinite w times a zero h): never return one.
  for (const data of [factors.W, factors.H]) {
    if (!data.every(Number.isFinite)) throw new DivergenceError(solver, useBest ? bestEpoch : ran - 1, NaN, initialLoss, settings.learningRate, advice);
  }
  return {
    initialLoss,
    lossHistory: lossHistory.slice(0, ran),
    validationHistory: validationHistory.slice(0, validation ? ran : 0),
    bestEpoch: useBest ? bestEpoch : ran - 1,
    stoppedBy,
    factors,
  };
}
