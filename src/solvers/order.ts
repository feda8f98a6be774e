// The order SGD visits the observations in, LIBMF's way: rows and columns are relabelled by a seeded
// random permutation once and cut into BINS×BINS blocks; each epoch takes the blocks in a fresh random
// order and each block's observations in one fixed order (rows, then columns, ascending). The epoch's
// order comes in BINS rounds of BINS blocks, no two in a round sharing a row bin or a column bin (a
// seeded Latin square): threads can update a round's blocks at once, and since such blocks touch
// disjoint factors, the result is the same as taking them one after another. The run stores
// the observations block by block, so an epoch reads them front to back, and consecutive updates share a
// row's factors and draw columns from one bin, which stay in cache; a uniformly random order over all
// observations misses the cache on nearly every update once the factors outgrow it.
import type { SparseProblem } from '../types.js';
import type { Random } from '../math/rng.js';

/** LIBMF's default number of bins per side: also the blocks of a round. */
export const BINS = 20;
/** Blocks of LIBMF's order. */
export const SGD_BLOCKS = BINS * BINS;

/**
 * How an sgd run stores and visits its observations: block by block, block b being the stored observations
 * blockStart[b]…blockStart[b+1]−1, each block's in CSR order, and each epoch the blocks in the order
 * nextOrder() gives. `blockOf(i, p)` is the block of CSR position p (of row i): a stable scatter by it stores
 * the run, with no per-observation array beside it. Rows and columns are stored bin by bin (`rowBin`, `colBin`).
 */
export interface Visit {
  blockStart: Int32Array;
  blockOf(row: number, position: number): number;
  /** The next epoch's order of the blocks. */
  nextOrder(): Int32Array;
  /** Each row's bin (a byte each in LIBMF's order: BINS < 256). */
  rowBin: Uint8Array | Int32Array;
  colBin: Uint8Array | Int32Array;
  /** Whether each BINS blocks of an order share no row bin and no column bin (a round threads can share). */
  inRounds: boolean;
}

function permutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[p] = p;
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

/**
 * Where each row (or column) is stored: bin by bin, in order within a bin, so that the rows of a block lie
 * together in memory. Threads updating two blocks of a round then never write one cache line (factor rows and
 * AdaGrad scales of neighbouring rows share lines); LIBMF stores its factors relabelled the same way.
 */
export function slotsByBin(bin: Uint8Array | Int32Array, bins: number): Int32Array {
  const start = binStarts(bin, bins);
  const slots = new Int32Array(bin.length);
  for (let i = 0; i < bin.length; i++) slots[i] = start[bin[i]]++;
  return slots;
}

/** Where each bin's slots start, as slotsByBin lays them out (bin by bin); length bins + 1. */
export function binStarts(bin: Uint8Array | Int32Array, bins: number): Int32Array {
  const start = new Int32Array(bins + 1);
  for (let i = 0; i < bin.length; i++) start[bin[i] + 1]++;
  for (let b = 0; b < bins; b++) start[b + 1] += start[b];
  return start;
}

/** Each of n labels' bin (label·BINS/n, rounded down), a byte each. */
function binsOf(labels: Int32Array): Uint8Array {
  const bins = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) bins[i] = Math.floor((labels[i] * BINS) / labels.length);
  return bins;
}

/** LIBMF's blocks over `problem`: its BINS×BINS blocks, each epoch's block order, each row's and column's bin. */
export function sgdBlocks(
  { rows, cols, rowStart, colIndex }: SparseProblem, random: Random, counted?: (rowBin: Uint8Array, colBin: Uint8Array) => Int32Array,
): Visit {
  const rowBin = binsOf(permutation(rows, random));
  const colBin = binsOf(permutation(cols, random));
  const blocks = BINS * BINS;
  const blockOf = (i: number, p: number) => rowBin[i] * BINS + colBin[colIndex[p]];
  // Where each block's observations start: counted here, or by the run's kernel (`counted`, the same counts).
  let blockStart = counted?.(rowBin, colBin);
  if (!blockStart) {
    blockStart = new Int32Array(blocks + 1);
    for (let i = 0; i < rows; i++) {
      for (let p = rowStart[i]; p < rowStart[i + 1]; p++) blockStart[blockOf(i, p) + 1]++;
    }
    for (let b = 0; b < blocks; b++) blockStart[b + 1] += blockStart[b];
  }
  const blockOrder = new Int32Array(blocks);
  const rowBins = permutation(BINS, random);
  const colBins = permutation(BINS, random);
  const rounds = permutation(BINS, random);
  return {
    rowBin,
    colBin,
    blockStart,
    blockOf,
    inRounds: true,
    // Round r pairs row bin rowBins[a] with column bin colBins[(a + rounds[r]) mod BINS]: every block
    // once per epoch, and within a round every row bin and every column bin once.
    nextOrder: () => {
      shuffle(rowBins, random);
      shuffle(colBins, random);
      shuffle(rounds, random);
      for (let r = 0; r < BINS; r++) {
        for (let a = 0; a < BINS; a++) blockOrder[r * BINS + a] = rowBins[a] * BINS + colBins[(a + rounds[r]) % BINS];
      }
      return blockOrder;
    },
  };
}
