// 'sgd': one update of w_i and h_j per observation, in LIBMF's order (src/solvers/order.ts: rows and columns
// shuffled once into 20×20 blocks, the blocks in a fresh seeded order each epoch, in rounds of blocks
// that share no row and no column), with per-row and per-column AdaGrad steps. The run stores the
// observations once, in visiting order, so an epoch reads them front to back, each one's row and column as
// offsets within its block in one word (assembly/sgd.ts cells): with a float32 value, 8 bytes an observation,
// where LIBMF keeps 12. On threads, each round's blocks are shared out and the threads meet between rounds:
// the same updates as on one thread.
import { BINS, SGD_BLOCKS, binStarts, sgdBlocks, slotsByBin } from './order.js';
import type { SparseProblem } from '../types.js';
import { inBlocks } from './blocks.js';
import { chunkedLoss, commonBuffers, drawerOf, heldOutBuffers, heldOutErrorOf, penaltyOf } from './common.js';
import { explicitFoldIn } from './als.js';
import { after } from './parallel.js';
import { REAL_BYTES, type KernelCall, type Phase, type RealArray, type Workspace } from '../runtime/kernels.js';
import { booleanOption, positive, type FactorOptions, type RatingOptions } from './options.js';
import type { CsrTargetOf, Run, RunSpec, Shape, SolverModule } from './solver.js';
import { csrBuffers, STAGED } from './layout.js';
import { codeOf } from '../backends/js/order.js';
import { rmseMetric } from './validation.js';
import { canCollect, collectGarbage } from '../runtime/collect.js';
import { bitsFor, TWO_BYTE_INDICES } from '../math/bits.js';

/** solver 'sgd': one update per observation in LIBMF's blocked, seeded order. */
export interface SgdOptions extends FactorOptions, RatingOptions {
  solver: 'sgd';
  /** Step size; finite and > 0. Default 0.1. */
  learningRate?: number;
  /** Per-row and per-column AdaGrad steps (learningRate/√G), as LIBMF. Default true. */
  adaptive?: boolean;
}

/** Rows of `stored` (row i at slot[i]) back in order i, in an array of its precision. */
function unslot(stored: RealArray, slot: Int32Array, width: number): RealArray {
  const rows = new (stored.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(slot.length * width);
  for (let i = 0; i < slot.length; i++) {
    const from = slot[i] * width;
    for (let k = 0; k < width; k++) rows[i * width + k] = stored[from + k];
  }
  return rows;
}

/**
 * Rows of `data` (n×width) moved in place so that row `at` becomes the row that was at source[at]: each cycle of
 * the permutation followed once (each row taken by copyWithin from where it is, the cycle's first row saved aside):
 * no view per row, which at 10^5 rows was megabytes of garbage.
 */
function moveRows(data: RealArray, source: Int32Array, width: number): void {
  const rows = source.length;
  const done = new Uint8Array(rows);
  const first = new (data.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(width);
  for (let start = 0; start < rows; start++) {
    if (done[start] || source[start] === start) continue;
    for (let k = 0; k < width; k++) first[k] = data[start * width + k];
    let at = start;
    for (;;) {
      done[at] = 1;
      const from = source[at];
      if (from === start) break;
      data.copyWithin(at * width, from * width, (from + 1) * width);
      at = from;
    }
    for (let k = 0; k < width; k++) data[at * width + k] = first[k];
  }
}

/** Row i of `data` moved to row slot[i], in place: the row at each slot comes from the row the slot is of. */
function intoSlots(data: RealArray, slot: Int32Array, width: number): void {
  const source = new Int32Array(slot.length);
  for (let i = 0; i < slot.length; i++) source[slot[i]] = i;
  moveRows(data, source, width);
}

/**
 * How a run stores the observations it lays out. Values are stored as given where the run's precision holds them
 * exactly (`asGiven`), and centred by the kernels; else centred. Float32 values (what the model keeps in a
 * Float32Array) the model can take back after training, from the run's memory (Run.handOver), instead of keeping a
 * copy beside the run: in a run the backend would not lend again (`handsBack`) they are staged in the cells' bytes
 * before anything else of the run is written (staged()), and the fit forgets its own. So are the column indices
 * where each fits in two bytes and the host collects what the fit lets go (`narrowColumns`, narrowed()): the run
 * keeps them so while it trains, and gives the model its Int32Array after training, in the bytes of the values.
 * A caller's X whose CSR was built in the run's memory (csrTarget) has its values there and its column indices in two
 * bytes already: nothing is staged or narrowed.
 */
function storage<F, I>(space: Workspace<F, I>, spec: RunSpec): { asGiven: boolean; built: boolean; handsBack: boolean; staging: boolean; narrowColumns: boolean } {
  const problem = spec.problem as SparseProblem;
  const givenFloat32 = problem.values instanceof Float32Array;
  // Built in the cells' bytes already (csrTarget), with the column indices in two bytes where they fit.
  const cellBytes = stagedIn(space);
  const built = givenFloat32 && cellBytes.buffer === problem.values.buffer && cellBytes.byteOffset === problem.values.byteOffset;
  const handsBack = built || (space.keepable && givenFloat32 && spec.release !== undefined);
  return {
    asGiven: space.precision === 'float64' || givenFloat32,
    built,
    handsBack,
    staging: handsBack && !built,
    // Only where what the fit lets go is collected at once: else the narrow copy would sit beside the wide one.
    narrowColumns: handsBack && problem.colIndex instanceof Int32Array && problem.cols <= TWO_BYTE_INDICES && spec.release?.columns !== undefined && canCollect(),
  };
}

/** The cells' bytes, where the values wait until the cells are written (staged, or built there: csrTarget). */
function stagedIn<F, I>(space: Workspace<F, I>): Int32Array {
  return space.viewI32(space.i32.cells, 0);
}

/** The problem's column indices in two bytes each; the fit forgets its own. */
function narrowed(spec: RunSpec): Uint16Array {
  const problem = spec.problem as SparseProblem;
  const narrow = new Uint16Array(problem.observedCount);
  narrow.set(problem.colIndex);
  spec.release!.columns!();
  return narrow;
}

/** The problem's values (float32 values) in the cells' bytes, in the CSR's order; the fit forgets its own. */
function staged(spec: RunSpec, cells: Int32Array): Float32Array {
  const problem = spec.problem as SparseProblem;
  const values = new Float32Array(cells.buffer, cells.byteOffset, problem.observedCount);
  values.set(problem.values);
  spec.release!.values();
  return values;
}

/**
 * How a run's cells hold each observation's row and column, as offsets from its block's first row and column slot
 * (assembly/sgd.ts): a block of LIBMF's order spans one bin of rows and one of columns, at most ⌈rows/BINS⌉ and
 * ⌈cols/BINS⌉ slots. One word a cell (the column offset in the low `colBits` bits) while both fit in 32 bits,
 * else two (a u64: colBits 32).
 */
function cellLayout(rows: number, cols: number): { colBits: number; words: number } {
  const colBits = bitsFor(Math.ceil(cols / BINS));
  return bitsFor(Math.ceil(rows / BINS)) + colBits <= 32 ? { colBits, words: 1 } : WIDE;
}

/** Cells of two words: any offsets fit. A visit of the caller's own (tests) is stored so, its blocks' spans unknown. */
const WIDE = Object.freeze({ colBits: 32, words: 2 });

/**
 * One pass of blockCells over X's CSR (its values in the cells' bytes, built there: csrTarget): 0 counts the blocks
 * (returned, as blockStart), 1 stores the values (less `center`) and 2 the cells, from `blockStart`. Each row's and
 * column's code (its bin and offset in it) goes in the bytes of the AdaGrad scales, which are written after; the row
 * starts and the two-byte column indices of a stretch of rows at a time go through the staging buffer (csrStaging: a
 * stretch of at most STAGED − 1 rows and 2^16 entries, which holds any one row's).
 */
function blockCellsInRun<F, I>(
  space: Workspace<F, I>, problem: SparseProblem, rowBin: Uint8Array, colBin: Uint8Array, pass: 0 | 1 | 2, center: number,
  words = 1, colBits = 0, blockStart?: Int32Array,
): Int32Array {
  const { rows, cols, rowStart, colIndex } = problem;
  const { real: b, i32: n } = space;
  const rowCodes = space.i32Over(b.rowScale);
  const colCodes = space.i32Over(b.colScale);
  if (pass === 0) {
    writeCodes(space.viewI32(rowCodes, rows), rowBin);
    writeCodes(space.viewI32(colCodes, cols), colBin);
  }
  const stage = space.viewI32(n.csrStaging, 3 * STAGED);
  const stagedColumns = new Uint16Array(stage.buffer, stage.byteOffset + 4 * STAGED, 4 * STAGED);
  const columnsAt = space.atI32(n.csrStaging, STAGED);
  // The block counts, then each block's next place: in the i32 buffer blockStart (blocks + 1).
  const cursor = space.viewI32(n.blockStart, SGD_BLOCKS + 1);
  if (pass === 0) cursor.fill(0);
  else cursor.set(blockStart!);
  for (let first = 0; first < rows;) {
    let end = first + 1;
    while (end < rows && end - first < STAGED - 1 && rowStart[end + 1] - rowStart[first] <= 4 * STAGED) end++;
    stage.set(rowStart.subarray(first, end + 1));
    stagedColumns.set(colIndex.subarray(rowStart[first], rowStart[end]));
    space.kernels.blockCells(
      n.csrStaging, columnsAt, rowStart[first], space.atI32(rowCodes, first), colCodes, 0, end - first, BINS, n.blockStart, n.cells, center, b.values,
      n.cells, colBits, words, pass,
    );
    first = end;
  }
  if (pass !== 0) return cursor;
  const counts = cursor.slice();
  for (let block = 0; block < SGD_BLOCKS; block++) counts[block + 1] += counts[block];
  return counts;
}

/** Each label's code (backends/js/order.ts codeOf): its bin, and its offset from the bin's first slot (slotsByBin's order). */
function writeCodes(codes: Int32Array, bin: Uint8Array): void {
  const next = new Int32Array(BINS);
  for (let i = 0; i < bin.length; i++) codes[i] = codeOf(bin[i], next[bin[i]]++);
}

export const sgd: SolverModule<SgdOptions> = {
  name: 'sgd',
  summary: "one update per observation in LIBMF's blocked, seeded order, with AdaGrad steps; fast on large rating sets",
  defaults: Object.freeze({ epochs: 20, regularization: 0.08 }),
  own: {
    learningRate: positive(0.1, 'step size'),
    adaptive: booleanOption(true, 'per-row and per-column AdaGrad steps, as LIBMF'),
  },
  takes: ['biases', 'biasRegularization', 'l1', 'nonnegative', 'clip', 'mask'],
  data: 'ratings',
  validation: rmseMetric,
  metrics: ['rmse', 'mae'],
  needsRegularization: false,
  clipsByDefault: true,
  // Its rounds of small blocks lose on two threads below about a million ratings (npm run bench:threads).
  threadsFrom: 2 ** 25,
  partialUpdate: false,
  layouts: ['sparse'],
  initialDraw: 'uniform',
  divergenceAdvice: ({ learningRate }) => `Try a smaller learningRate, e.g. ${(learningRate as number) / 10}.`,
  buffers({ rows, cols, observedCount: count, width, blocks: ownBlocks, heldOut, csrInRun }: Shape) {
    const blocks = ownBlocks ?? SGD_BLOCKS;
    const { words } = ownBlocks === undefined ? cellLayout(rows, cols) : WIDE;
    const held = heldOutBuffers(heldOut);
    return {
      real: { ...commonBuffers(rows, cols, width), ht: cols * width, values: count, rowScale: rows, colScale: cols, ...held.real },
      i32: {
        cells: words * count, blockRowBase: blocks, blockColBase: blocks, blockStart: blocks + 1, blockOrder: blocks,
        ...held.i32, ...(csrInRun && cols <= TWO_BYTE_INDICES ? csrBuffers() : {}),
      },
    };
  },
  start<F, I>(space: Workspace<F, I>, spec: RunSpec): Run {
    const { real: b, i32: n } = space;
    // Not `spec` itself in the run's closures: it holds the input's layout and the initial factors.
    const { width, offset } = spec;
    const learningRate = spec.own.learningRate as number;
    const problem = spec.problem as SparseProblem;
    const { rows, cols, observedCount: count, rowStart } = problem;
    const { colBits, words } = spec.visit ? WIDE : cellLayout(rows, cols);
    const cells = space.viewI32(n.cells, words * count);
    const { asGiven, built, handsBack, staging, narrowColumns } = storage(space, spec);
    // One array at a time, each collected once the fit let it go: what is held beside the run at once stays small.
    // (Collected here, not in the functions that let them go: their frames may still hold them, and are gone now.)
    const colIndex = narrowColumns ? narrowed(spec) : problem.colIndex;
    if (narrowColumns) collectGarbage();
    const given = staging ? staged(spec, cells) : problem.values;
    if (staging) collectGarbage();
    const center = asGiven ? offset : 0;
    const w = space.viewReal(b.w, rows * width);
    const ht = space.viewReal(b.ht, cols * width);
    // The initial factors are drawn first (the stream goes on to the visiting order), in the caller's order.
    spec.initial.writeW(w, drawerOf(space, b.w));
    spec.initial.writeH(ht, true, drawerOf(space, b.ht));
    // (Its walks read a column index only to find a block: either width serves.)
    // X's CSR in the run's memory (csrTarget with a build): the blocks counted and the observations stored by the
    // run's kernel (blockCells), each row's and column's bin and offset given it as a code.
    const inRun = !spec.visit && built && n.csrStaging !== undefined && colIndex instanceof Uint16Array;
    const counted = inRun ? (rowBin: Uint8Array, colBin: Uint8Array) => blockCellsInRun(space, problem, rowBin, colBin, 0, 0, 1) : undefined;
    const visit = spec.visit ?? sgdBlocks({ ...problem, colIndex: colIndex as Int32Array }, spec.random, counted);
    const { blockStart, nextOrder, rowBin, colBin } = visit;
    const blocks = blockStart.length - 1;
    // Rows and columns stored bin by bin (src/solvers/order.ts slotsByBin): same updates, other addresses.
    const rowSlot = slotsByBin(rowBin, BINS);
    const colSlot = slotsByBin(colBin, BINS);
    intoSlots(w, rowSlot, width);
    intoSlots(ht, colSlot, width);
    const rowCounts = space.viewReal(b.rowCounts, rows);
    const colCounts = space.viewReal(b.colCounts, cols);
    for (let i = 0; i < rows; i++) rowCounts[rowSlot[i]] = spec.rowCounts[i];
    for (let j = 0; j < cols; j++) colCounts[colSlot[j]] = spec.colCounts[j];
    space.viewReal(b.wParams, 4 * width).set(spec.wParams);
    space.viewReal(b.hParams, 4 * width).set(spec.hParams);
    const { blockOf } = visit;
    // Each block's first row and column slot, from which its cells count: in LIBMF's order its bins' first slots
    // (slots go bin by bin); in a visit of the caller's own, the least slots its observations have.
    const rowBase = space.viewI32(n.blockRowBase, blocks);
    const colBase = space.viewI32(n.blockColBase, blocks);
    if (!spec.visit) {
      const rowBinStart = binStarts(rowBin, BINS);
      const colBinStart = binStarts(colBin, BINS);
      for (let block = 0; block < blocks; block++) {
        rowBase[block] = rowBinStart[Math.floor(block / BINS)];
        colBase[block] = colBinStart[block % BINS];
      }
    } else {
      rowBase.fill(rows);
      colBase.fill(cols);
      for (let i = 0; i < rows; i++) {
        for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
          const block = blockOf(i, p);
          rowBase[block] = Math.min(rowBase[block], rowSlot[i]);
          colBase[block] = Math.min(colBase[block], colSlot[colIndex[p]]);
        }
      }
    }
    // Scattered straight into the run's memory, block by block, CSR order kept within each block (a stable
    // counting scatter: the CSR arrays are read front to back, and nothing per observation is allocated). The
    // values first: staged in the cells' bytes, every one is read before a cell is written.
    const values = space.viewReal(b.values, count);
    const cursor = blockStart.slice(0, blocks);
    if (inRun) {
      blockCellsInRun(space, problem, rowBin as Uint8Array, colBin as Uint8Array, 1, asGiven ? 0 : offset, words, colBits, blockStart);
      blockCellsInRun(space, problem, rowBin as Uint8Array, colBin as Uint8Array, 2, 0, words, colBits, blockStart);
    } else for (let i = 0; i < rows; i++) {
      for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) values[cursor[blockOf(i, p)]++] = asGiven ? given[p] : given[p] - offset;
    }
    cursor.set(blockStart.subarray(0, blocks));
    for (let i = 0; i < rows && !inRun; i++) {
      const slot = rowSlot[i];
      for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
        const block = blockOf(i, p);
        const t = cursor[block]++;
        const rowOffset = slot - rowBase[block];
        const colOffset = colSlot[colIndex[p]] - colBase[block];
        if (words === 2) {
          // A u64 on a little-endian memory (WebAssembly's): the column offset in the low word.
          cells[2 * t] = colOffset;
          cells[2 * t + 1] = rowOffset;
        } else {
          cells[t] = (rowOffset << colBits) | colOffset;
        }
      }
    }
    space.viewI32(n.blockStart, blocks + 1).set(blockStart);
    space.viewReal(b.rowScale, rows).fill(1);
    space.viewReal(b.colScale, cols).fill(1);
    const adaptive = spec.own.adaptive ? 1 : 0;
    const penalty = penaltyOf(space, spec, b.ht, false);
    const observedLoss = chunkedLoss(space, count, (from, to, low, high) =>
      ['cellsLoss', n.blockStart, n.cells, n.blockRowBase, n.blockColBase, colBits, b.values, center, from, to, b.w, b.ht, width, low, high]);
    const heldOutError = heldOutErrorOf(space, spec, { rowSlot, colSlot });
    const blockOrder = space.viewI32(n.blockOrder, blocks);
    // The blocks blockOrder[from…to−1], in that order.
    const pass = (from: number, to: number): KernelCall<F, I> => [
      'sgdEpoch', space.atI32(n.blockOrder, from), to - from, n.blockStart, n.cells, n.blockRowBase, n.blockColBase, colBits, b.values, center, b.w, b.ht,
      b.wParams, b.hParams,
      b.rowScale, b.colScale, width, learningRate, adaptive,
    ];
    const { threads } = space;
    /**
     * An epoch's rounds as phases, each thread's blocks stored together in blockOrder. A block goes to the
     * thread that owns its bin on the larger side (bin mod threads): that side's factors then stay in one
     * core's cache from round to round instead of moving between cores, which cost a third of each
     * thread's speed when blocks were shared out by size alone. Bins hold about as many ratings each
     * (rows and columns are binned at random), so the shares stay even.
     */
    const byColumns = cols >= rows;
    const ownerOf = (block: number) => (byColumns ? block % BINS : Math.floor(block / BINS)) % threads;
    const rounds = (order: Int32Array): Phase<F, I>[] => {
      const phases: Phase<F, I>[] = [];
      for (let round = 0; round < blocks; round += BINS) {
        const shares: number[][] = Array.from({ length: threads }, () => []);
        for (const block of order.subarray(round, round + BINS)) shares[ownerOf(block)].push(block);
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
      observedError: (clip) => observedLoss(clip ? [clip[0] - offset, clip[1] - offset] : undefined),
      heldOutError,
      epoch(signal) {
        if (threads === 1 || !visit.inRounds) {
          blockOrder.set(nextOrder());
          return inBlocks(blocks, signal, (from, to) => space.run([[pass(from, to)]]));
        }
        const phases = rounds(nextOrder());
        return inBlocks(phases.length, signal, (from, to) => space.run(phases.slice(from, to)));
      },
      // In the caller's order again.
      view: () => ({ W: unslot(w, rowSlot, width), H: unslot(ht, colSlot, width), hTransposed: true, owned: true }),
      scoringView: () => ({ W: w, H: ht, hTransposed: true, slots: { rowSlot, colSlot } }),
      close: () => space.close(),
      ...(handsBack ? {
        handOver: {
          take() {
            // The factors back in the caller's order, where they are.
            moveRows(w, rowSlot, width);
            moveRows(ht, colSlot, width);
            // The values in the CSR's order, gathered into the cells' bytes (4 an observation at least, and no longer
            // needed): the scatter of start() walked again, each block's values read front to back.
            const cellBytes = space.viewI32(n.cells, count);
            const kept = new Float32Array(cellBytes.buffer, cellBytes.byteOffset, count);
            const next = blockStart.slice(0, blocks);
            for (let i = 0; i < rows; i++) {
              for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) kept[p] = values[next[blockOf(i, p)]++];
            }
            // The column indices, where the run kept them in two bytes, widened into the values' bytes (4 an
            // observation at least, and read no more).
            let columns = colIndex as Int32Array;
            if (colIndex instanceof Uint16Array) {
              columns = new Int32Array(values.buffer, values.byteOffset, count);
              columns.set(colIndex);
            }
            space.keep();
            return { factors: { W: w, H: ht, hTransposed: true, owned: true }, values: kept, colIndex: columns };
          },
        },
      } : {}),
    };
  },
  foldIn: (input) => explicitFoldIn(input),
  // The values in the cells' bytes (staged()), the values' buffer as scratch: the run's memory is all the CSR needs;
  // laid out with Shape.csrInRun, the column indices too, and the bins put in rows by the kernel.
  csrTarget<F, I>(space: Workspace<F, I>, { rows, cols, observedCount: count, width }: Shape): CsrTargetOf | undefined {
    if (!space.keepable) return undefined;
    const values = space.viewReal(space.real.values, count) as RealArray;
    const cells = stagedIn(space);
    const target = { values: new Float32Array(cells.buffer, cells.byteOffset, count), scratch: new Int32Array(values.buffer, values.byteOffset, count) };
    const n = space.i32;
    if (n.csrStaging === undefined) return target;
    // The rows' cursors (rows + 1), the column counts (cols + 1) and the sort's scratch (two words an entry of a bin) in
    // W's bytes, which nothing writes before the initial draws; none where W is too small for the first two. The column
    // indices in the values' bytes, each bin's written once its entries' words there are read (csrFromBins), until
    // plan() copies them out; start() writes the values there.
    const w = space.i32Over(space.real.w);
    const counters = rows + cols + 2;
    const capacity = Math.floor(((rows * width * REAL_BYTES[space.precision]) / 4 - counters) / 2);
    if (capacity < 1) return target;
    return {
      ...target,
      build: {
        space: space as Workspace<unknown, unknown>,
        columns: new Uint16Array(values.buffer, values.byteOffset, count),
        capacity,
        buffers: {
          words: space.i32Over(space.real.values), values: n.cells, columns: space.i32Over(space.real.values), rowStart: w, colStart: space.atI32(w, rows + 1),
          binStart: n.csrBinStart, sortedWords: space.atI32(w, counters), sortedValues: space.atI32(w, counters + capacity), totals: n.csrTotals,
          staging: n.csrStaging,
        },
      },
    };
  },
};
