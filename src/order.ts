// The order SGD visits the observations in, LIBMF's way: rows and columns are relabelled by a seeded
// random permutation once and cut into BINS×BINS blocks; each epoch takes the blocks in a fresh random
// order and each block's observations in one fixed order (rows, then columns, ascending). Consecutive
// updates then share a row's factors and draw columns from one bin, which stay in cache, and the
// observations themselves are read forwards; a uniformly random order over all observations misses
// the cache on nearly every update once the factors outgrow it.
import type { SparseProblem } from './problem.js';
import type { Random } from './rng.js';

/** LIBMF's default number of bins per side. */
const BINS = 20;

function permutation(n: number, random: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, p) => p);
  shuffle(order, random);
  return order;
}

/** Fisher–Yates, seeded. */
function shuffle(values: Int32Array, random: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

/** A function returning each epoch's order: a permutation of the positions 0…nnz−1 of `problem`'s observations. */
export function sgdOrders({ rows, cols, rowStart, colIndex, observedCount }: SparseProblem, random: Random): () => Int32Array {
  const rowBin = permutation(rows, random).map((label) => Math.floor((label * BINS) / rows));
  const colBin = permutation(cols, random).map((label) => Math.floor((label * BINS) / cols));
  const blocks = BINS * BINS;
  // A stable counting sort of the positions by block keeps each block in CSR order.
  const blockStart = new Int32Array(blocks + 1);
  const blockOf = new Int32Array(observedCount);
  for (let i = 0; i < rows; i++) {
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
      const block = rowBin[i] * BINS + colBin[colIndex[p]];
      blockOf[p] = block;
      blockStart[block + 1]++;
    }
  }
  for (let b = 0; b < blocks; b++) blockStart[b + 1] += blockStart[b];
  const cursor = blockStart.slice(0, blocks);
  const byBlock = new Int32Array(observedCount);
  for (let p = 0; p < observedCount; p++) byBlock[cursor[blockOf[p]]++] = p;
  const blockOrder = Int32Array.from({ length: blocks }, (_, b) => b);
  const order = new Int32Array(observedCount);
  return () => {
    shuffle(blockOrder, random);
    let t = 0;
    for (const b of blockOrder) {
      order.set(byBlock.subarray(blockStart[b], blockStart[b + 1]), t);
      t += blockStart[b + 1] - blockStart[b];
    }
    return order;
  };
}
