// The epoch loop every solver shares: loss history, divergence check, validation scoring with early
// stopping, tolerance, the onEpoch callback and AbortSignal.
import { backends } from '../backends/index.js';
import { abortReason, DivergenceError } from '../check/errors.js';
import type { Settings } from './options.js';
import type { FactorView, Run } from '../solvers/index.js';

import type { Observations, Parameters, RealArray, StopReason } from '../types.js';
import { nextTurn } from '../runtime/turn.js';

export type { StopReason } from '../types.js';

export interface Outcome {
  initialLoss: number;
  /** Entry e: the objective after epoch e. */
  lossHistory: Float64Array;
  /** Entry e: the validation score (the solver's metric: RMSE, or precision@10 for events) after epoch e; empty without a validation set. */
  validationHistory: Float64Array;
  /** The epoch whose factors are returned (the best on validation, or the last). −1: the initial factors. */
  bestEpoch: number;
  stoppedBy: StopReason;
  /** Copies of the restored best epoch's factors; undefined when the run's own (its current ones) are returned. */
  factors: FactorView | undefined;
}

/** A stable run never multiplies its objective by 1e10; an unstable one does within a few dozen epochs. */
const BLOW_UP = 1e10;
/** How long training may hold the event loop when a signal could abort it. */
const YIELD_EVERY_MS = 20;

/** The factors, copied out of the run in its precision (a float32 run's into Float32Arrays) unless the view made them so. */
export const copy = (view: FactorView): FactorView =>
  view.owned ? view : { W: view.W.slice(), H: view.H.slice(), hTransposed: view.hTransposed, owned: true };

export async function train(
  run: Run,
  settings: Settings,
  validation: Observations | undefined,
  parameters: (view: FactorView) => Parameters,
  /** Each row's training columns: what a ranking validation leaves out. */
  observed: { rowStart: Int32Array; colIndex: Int32Array },
  /** Threads the run trains on now, for the reports. */
  threadsNow: () => number = () => 1,
): Promise<Outcome> {
  const { epochs, tolerance, patience, restoreBest, onEpoch, signal, solver, module, own } = settings;
  const advice = module.divergenceAdvice(own);
  const learningRate = typeof own.learningRate === 'number' ? own.learningRate : NaN;
  // The solver's metric: RMSE for ratings (lower is better), precision@10 for events (higher).
  const metric = module.validation;
  const scorerOf = (ht: RealArray, cols: number, width: number) => backends[settings.backend].scorer(ht, cols, width, 'float64');
  const score = validation && metric.scorer(validation, observed, parameters, scorerOf, run);
  const better = metric.higherIsBetter ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  if (signal?.aborted) throw abortReason(signal);
  const lossHistory = new Float64Array(epochs);
  const validationHistory = new Float64Array(validation ? epochs : 0);
  let first = run.loss();
  if (first instanceof Promise) first = await first;
  const initialLoss = first;
  const limit = initialLoss > 0 ? initialLoss * BLOW_UP : Infinity;
  // A non-finite objective never passes, not even the initial one (whose limit would be Infinity).
  const check = (epoch: number, loss: number) => {
    if (!(loss <= limit) || !Number.isFinite(loss)) throw new DivergenceError(solver, epoch, loss, initialLoss, learningRate, advice);
  };
  check(-1, initialLoss);
  let bestScore = NaN;
  let bestEpoch = -1;
  let best: FactorView | undefined;
  let stoppedBy: StopReason = 'epochs';
  let ran = 0;
  let lastYield = performance.now();
  // Nothing asked between epochs: the run makes many at once where it can (a tiny problem's epoch costs less
  // than the calls around it), checked after each batch as after each epoch, and the time looked at instead
  // of every epoch when a signal may abort.
  const batched = run.epochs !== undefined && !score && !onEpoch;
  if (batched) {
    let batch = signal ? 16 : epochs;
    while (ran < epochs) {
      const started = performance.now();
      ran += run.epochs!(Math.min(batch, epochs - ran), lossHistory, ran, limit, tolerance);
      const loss = lossHistory[ran - 1];
      check(ran - 1, loss);
      const previous = ran === 1 ? initialLoss : lossHistory[ran - 2];
      if (tolerance > 0 && Math.abs(previous - loss) <= tolerance * Math.abs(previous)) {
        stoppedBy = 'tolerance';
        break;
      }
      if (signal) {
        if (performance.now() - started < YIELD_EVERY_MS / 4) batch *= 2;
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await nextTurn();
          lastYield = performance.now();
        }
        if (signal.aborted) throw abortReason(signal);
      }
    }
  }
  for (let epoch = 0; epoch < epochs && !batched; epoch++) {
    // The run works in blocks and yields only when there is a signal to answer; the loop awaits only promises.
    const stepped = run.epoch(signal);
    if (stepped instanceof Promise) await stepped;
    let measured = run.loss();
    if (measured instanceof Promise) measured = await measured;
    const loss = measured;
    check(epoch, loss);
    lossHistory[epoch] = loss;
    ran = epoch + 1;
    let validationScore: number | undefined;
    if (score) {
      // Scored where the factors are when the metric can read them so (sgd's slots): no copy each epoch.
      const view = (metric.readsSlots && run.scoringView?.()) || run.view();
      const scored = score(view);
      validationScore = scored instanceof Promise ? await scored : scored;
      validationHistory[epoch] = validationScore;
      if (bestEpoch < 0 || better(validationScore, bestScore)) {
        bestScore = validationScore;
        bestEpoch = epoch;
        if (restoreBest) best = copy(view.slots ? run.view() : view);
      }
    }
    if (onEpoch) {
      const threads = threadsNow();
      let verdict = onEpoch(metric.name === 'rmse' ? { epoch, loss, validationRmse: validationScore, threads } : { epoch, loss, validationRmse: undefined, validationPrecision: validationScore, threads });
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
        await nextTurn();
        lastYield = performance.now();
      }
      if (signal.aborted) throw abortReason(signal);
    }
  }
  const useBest = validation && restoreBest && best !== undefined;
  // The run's own factors stay where they are: fit() takes them (a copy, or the run's memory handed over).
  const factors = useBest ? best! : undefined;
  const returned = factors ?? run.scoringView?.() ?? run.view();
  // A finite objective can still hide an overflowed factor (an infinite w times a zero h): never return one.
  for (const data of [returned.W, returned.H]) {
    // x − x is 0 for a finite x and NaN for ±Infinity or NaN: one sum tells (a plain loop; every() is ~10× slower).
    let sum = 0;
    for (let p = 0; p < data.length; p++) sum += data[p] - data[p];
    if (sum !== 0) throw new DivergenceError(solver, useBest ? bestEpoch : ran - 1, NaN, initialLoss, learningRate, advice);
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
