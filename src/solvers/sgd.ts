// 'sgd': one update of w_i and h_j per observation, in LIBMF's order (src/order.ts: rows and columns
// shuffled once into 20×20 blocks, the blocks in a fresh seeded order each epoch, in rounds of blocks
// that share no row and no column), with per-row and per-column AdaGrad steps. The run stores the
// observations once, in visiting order, so an epoch reads them front to back. On threads, each round's
// blocks are shared out and the threads meet between rounds: the same updates as on one thread.
import { rowOfEach } from '../layout.js';
import { BINS, SGD_BLOCKS, sgdBlocks } from '../order.js';
import type { SparseProblem } from '../problem.js';
import { inBlocks } from './blocks.js';
import { commonBuffers, observedLossOf, penaltyOf, writeCommon, writeTransposedH } from './common.js';
import { explicitFoldIn } from './als.js';
import { after } from './parallel.js';
import type { KernelCall, Phase } from '../backends/kernels.js';
import type { Shape, SolverModule } from './solver.js';

export const sgd: SolverModule = {
  name: 'sgd',
  defaults: Object.freeze({ epochs: 20, learningRate: 0.1, regularization: 0.08 }),
  takesLearningRate: true,
  ownOptions: ['adaptive'],
  needsRegularization: false,
  clipsByDefault: true,
  partialUpdate: false,
  layouts: ['sparse'],
  initialDraw: 'uniform',
  implicit: false,
  divergenceAdvice: (learningRate) => `Try a smaller learningRate, e.g. ${learningRate / 10}.`,
  buffers({ rows, cols, observedCount: count, width, blocks = SGD_BLOCKS }: Shape) {
    return {
      f64: { ...commonBuffers(rows, cols, width), ht: cols * width, values: count, rowScale: rows, colScale: cols },
      i32: { rowOf: count, colOf: count, blockStart: blocks + 1, blockOrder: blocks },
    };
  },
  start(space, spec) {
    const { f64: b, i32: n } = space;
    const { width, learningRate } = spec;
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count } = problem;
    const { visit, nextOrder } = spec.visit
      ? { visit: spec.visit, nextOrder: () => { throw new Error('mfwasm: an sgd run with a given visit takes each epoch\'s order'); } }
      : sgdBlocks(problem, spec.random);
    const { positions, blockStart } = visit;
    const blocks = blockStart.length - 1;
    writeCommon(space, spec);
    writeTransposedH(space, spec);
    // Gathered straight into the run's memory, in visiting order.
    const rowOfCsr = rowOfEach(problem);
    const rowOf = space.viewI32(n.rowOf, count);
    const colOf = space.viewI32(n.colOf, count);
    const values = space.viewF64(b.values, count);
    for (let t = 0; t < count; t++) {
      const p = positions[t];
      rowOf[t] = rowOfCsr[p];
      colOf[t] = problem.colIndex[p];
      values[t] = problem.values[p];
    }
    space.viewI32(n.blockStart, blocks + 1).set(blockStart);
    space.viewF64(b.rowScale, rows).fill(1);
    space.viewF64(b.colScale, cols).fill(1);
    const adaptive = spec.adaptive ? 1 : 0;
    const penalty = penaltyOf(space, spec, b.ht, false);
    const observedLoss = observedLossOf(space, n.rowOf, n.colOf, b.values, count, width);
    const blockOrder = space.viewI32(n.blockOrder, blocks);
    // The blocks blockOrder[from…to−1], in that order.
    const pass = (from: number, to: number): KernelCall => [
      'sgdEpoch', space.atI32(n.blockOrder, from), to - from, n.blockStart, n.rowOf, n.colOf, b.values, b.w, b.ht, b.wParams, b.hParams,
      b.rowScale, b.colScale, width, learningRate, adaptive,
    ];
    const sizeOf = (block: number) => blockStart[block + 1] - blockStart[block];
    const { threads } = space;
    /**
     * An epoch's rounds as phases: each round's blocks shared out among the threads by size (largest
     * first, to the least loaded), each thread's blocks stored together in blockOrder.
     */
    const rounds = (order: Int32Array): Phase[] => {
      const phases: Phase[] = [];
      for (let round = 0; round < blocks; round += BINS) {
        const inRound = Array.from(order.subarray(round, round + BINS)).sort((p, q) => sizeOf(q) - sizeOf(p) || p - q);
        const shares: number[][] = Array.from({ length: threads }, () => []);
        const loads = new Array<number>(threads).fill(0);
        for (const block of inRound) {
          const least = loads.indexOf(Math.min(...loads));
          shares[least].push(block);
          loads[least] += sizeOf(block);
        }
        let at = round;
        phases.push(shares.map((share) => {
          blockOrder.set(share, at);
          at += share.length;
          return pass(at - share.length, at);
        }));
      }
      return phases;
    };
    return {
      loss: () => after(observedLoss(), (loss) => loss + penalty()),
      epoch(signal, order) {
        if (order || threads === 1) {
          blockOrder.set(order ?? nextOrder());
          return inBlocks(blocks, signal, (from, to) => space.run([[pass(from, to)]]));
        }
        const phases = rounds(nextOrder());
        return inBlocks(phases.length, signal, (from, to) => space.run(phases.slice(from, to)));
      },
      view: () => ({ W: space.viewF64(b.w, rows * width), H: space.viewF64(b.ht, cols * width), hTransposed: true }),
      close: () => space.close(),
    };
  },
  foldIn: (input) => explicitFoldIn(input),
};
