// 'bpr': Bayesian personalised ranking (Rendle et al. 2009), the pairwise model of events that implicit's
// BayesianPersonalizedRanking fits: SGD on sampled triples (row u, a column i it has an event for, a column j
// it has none for), each raising w_u·h_i + c_i above w_u·h_j + c_j (assembly/bpr.ts). An epoch draws as many
// triples as there are events. The triples come from a generator in the kernel seeded from the run's own
// seeded stream, so a seed gives the same factors on both backends; the updates are one sequential chain,
// run on one thread whatever the count (the same bits at any count).
import { bprEpoch } from '../backends/js/bpr.js';
import type { KernelCall, Workspace } from '../runtime/kernels.js';
import type { SparseProblem } from '../types.js';
import { inBlocks } from './blocks.js';
import { commonBuffers, writeEventsRun } from './common.js';
import { rowOfEach } from './layout.js';
import { positive, type FactorOptions } from './options.js';
import { after } from './parallel.js';
import type { Run, RunSpec, Shape, SolverModule } from './solver.js';
import { precisionMetric } from './validation.js';

/** solver 'bpr': Bayesian personalised ranking for events. */
export interface BprOptions extends FactorOptions {
  solver: 'bpr';
  /** SGD step; finite and > 0. Default 0.05. */
  learningRate?: number;
  /** Column biases c_j (a row's bias cancels in a pairwise comparison and stays 0), as implicit fits them. Default true. */
  biases?: boolean;
}

/** A fold-in's passes over the new row's events, each drawing a triple per event. */
const FOLD_IN_PASSES = 400;

export const bpr: SolverModule<BprOptions> = {
  name: 'bpr',
  summary: 'Bayesian personalised ranking (Rendle et al.) for events: SGD on sampled (row, event, non-event) triples, with column biases',
  defaults: Object.freeze({ epochs: 40, regularization: 0.01, biases: true }),
  own: { learningRate: positive(0.05, 'step size') },
  takes: ['biases'],
  data: 'events',
  validation: precisionMetric,
  metrics: ['precision@10', 'ndcg@10'],
  needsRegularization: false,
  clipsByDefault: false,
  // One chain of updates: a run takes one thread.
  threadsFrom: Infinity,
  partialUpdate: false,
  layouts: ['sparse'],
  initialDraw: 'normal',
  // Events carry no scale: scores w·h start with a standard deviation of 1/√rank, where σ is far from flat.
  initialScale: (rank) => 1 / Math.sqrt(rank),
  divergenceAdvice: ({ learningRate }) => `Try a smaller learningRate, e.g. ${(learningRate as number) / 10}.`,
  buffers({ rows, cols, observedCount: count, width }: Shape) {
    return {
      real: { ...commonBuffers(rows, cols, width), ht: cols * width },
      // state: the epoch's generator state, then the loss's.
      i32: { rowStart: rows + 1, colIndex: count, rowOf: count, state: 2 },
    };
  },
  start<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
    const { real: b, i32: n } = space;
    const { width, rank } = spec;
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count } = problem;
    const learningRate = spec.own.learningRate as number;
    const [lambdaW, lambdaH] = [spec.wParams[width], spec.hParams[width]];
    const biasLambda = width > rank ? spec.hParams[width + rank + 1] : 0;
    // The penalty is ½λ‖·‖² per row and column (the kernel's weight decay), not weighted by events.
    const penalty = writeEventsRun(space, spec);
    rowOfEach(problem, space.viewI32(n.rowOf, count));
    const state = space.viewI32(n.state, 2);
    // A xorshift state is never 0.
    const seed = () => spec.random.uint32() | 1;
    // The loss measures the same triples every time, so that its history compares like with like.
    const lossSeed = seed();
    const pass = (at: I, samples: number, mode: number): KernelCall<F, I> => [
      'bprEpoch', n.rowStart, n.colIndex, n.rowOf, b.w, b.ht, at, count, cols, samples, width, rank, learningRate, lambdaW, lambdaH, biasLambda, mode,
    ];
    const epochState = n.state;
    const lossState = space.atI32(n.state, 1);
    return {
      loss() {
        state[1] = lossSeed;
        return after(space.run([[pass(lossState, count, 0)]]), ([sampled]) => sampled + penalty());
      },
      epoch(signal) {
        state[0] = seed();
        return inBlocks(count, signal, (from, to) => space.run([[pass(epochState, to - from, 1)]]));
      },
      view: () => ({ W: space.viewReal(b.w, rows * width), H: space.viewReal(b.ht, cols * width), hTransposed: true }),
      close: () => space.close(),
    };
  },
  /**
   * A new row's factors against the trained columns: the same SGD on its own events with the columns held
   * fixed, from zero, FOLD_IN_PASSES passes at the default step. Columns are not folded in: a column's
   * factors come from how rows rank it against others, which its own events do not say.
   */
  foldIn({ where, index, fixed, fixedCount, width, rank, side, lambda }) {
    if (side === 'col') throw new RangeError(`${where}: a bpr model folds in rows only (a column's factors come from rankings its events do not give); retrain, or model.update() with its events`);
    const columns = Int32Array.from(new Set(index)).sort();
    const solved = new Float64Array(width);
    if (width > rank) solved[rank + 1] = 1; // the frozen constant that carries c_j into the score
    const events = columns.length;
    bprEpoch(
      Int32Array.of(0, events), columns, new Int32Array(events), solved, fixed, Int32Array.of(0x2545f491), events, fixedCount,
      FOLD_IN_PASSES * events, width, rank, bpr.own.learningRate.default, lambda, 0, 0, 2,
    );
    return solved;
  },
};
