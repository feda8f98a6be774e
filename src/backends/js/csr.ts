// Pure-TypeScript twin of assembly/csr.ts — and the one implementation the input's other ways to rows use
// (src/input/observations.ts: arrays of its own, or handed over).
import type { RealArray } from '../../runtime/kernels.js';

/** Entries' rows held in their column indices (intoRowsByBin): the row within its bin of 2^shift rows above `colBits` bits. */
export interface PackedRows {
  shift: number;
  colBits: number;
}

/**
 * The entries of bins first…end−1 (binStart; bins of 2^shift consecutive rows) scattered into each row's stretch of
 * `colIndex` (which may be `colOf` itself) and `values`, in place but for `sorted`, scratch of the largest bin's
 * count: where `colStart` (cols + 1) is given each bin's entries are put in column order by a counting sort and
 * scattered to their rows in that order, so that each row's stretch comes out in column order, which a sort per row
 * would otherwise give. Each entry's row is in `rowOf` (then left as scratch; `sorted.rows` given), or packed above
 * its column index in `colOf` (PackedRows: the words are sorted as they are, each unpacked as it goes to its row).
 * `cursor`: each row's first place (used up).
 */
export function intoRowsByBin(
  rowOf: Int32Array | PackedRows, colOf: Int32Array | Uint16Array, colIndex: Int32Array | Uint16Array, values: RealArray,
  cursor: Int32Array, binStart: Int32Array, first: number, end: number, cols: number, colStart: Int32Array | undefined,
  sorted: { rows?: Int32Array; cols: Int32Array; values: RealArray },
): void {
  const packed = !(rowOf instanceof Int32Array);
  const shift = packed ? rowOf.shift : 0;
  const colBits = packed ? rowOf.colBits : 0;
  // An entry's column: its word's low bits, or the whole index.
  const colMask = packed ? (1 << colBits) - 1 : -1;
  const { rows: sortedRows, cols: sortedCols, values: sortedValues } = sorted;
  for (let b = first; b < end; b++) {
    const start = binStart[b];
    const stop = binStart[b + 1];
    // Every entry of the bin is read before any is written: its stretch of colOf and values may be colIndex's.
    if (colStart) {
      colStart.fill(0);
      for (let u = start; u < stop; u++) colStart[(colOf[u] & colMask) + 1]++;
      for (let j = 0; j < cols; j++) colStart[j + 1] += colStart[j];
      for (let u = start; u < stop; u++) {
        const v = colStart[colOf[u] & colMask]++;
        sortedCols[v] = colOf[u];
        if (sortedRows) sortedRows[v] = (rowOf as Int32Array)[u];
        sortedValues[v] = values[u];
      }
    } else {
      // In the order given (a sort of each row follows).
      sortedCols.set(colOf.subarray(start, stop));
      if (sortedRows) sortedRows.set((rowOf as Int32Array).subarray(start, stop));
      sortedValues.set(values.subarray(start, stop));
    }
    const firstRow = b << shift;
    for (let u = 0; u < stop - start; u++) {
      const word = sortedCols[u];
      const t = cursor[sortedRows ? sortedRows[u] : firstRow + (word >>> colBits)]++;
      colIndex[t] = word & colMask;
      values[t] = sortedValues[u];
    }
  }
}

/** assembly/csr.ts csrFromBins over typed arrays: values are float32s and columns two bytes each, in i32 buffers. */
export function csrFromBins(
  words: Int32Array, values: Int32Array, binStart: Int32Array, first: number, end: number, shift: number, colBits: number,
  cursor: Int32Array, colStart: Int32Array, cols: number, sortedWords: Int32Array, sortedValues: Int32Array, columns: Int32Array, byColumn: number,
): void {
  const float32 = (list: Int32Array) => new Float32Array(list.buffer, list.byteOffset, list.length);
  intoRowsByBin(
    { shift, colBits }, words, new Uint16Array(columns.buffer, columns.byteOffset, 2 * columns.length), float32(values), cursor, binStart,
    first, end, cols, byColumn ? colStart.subarray(0, cols + 1) : undefined, { cols: sortedWords, values: float32(sortedValues) },
  );
}

/**
 * Adds rows first…end−1's Σx and Σx² to totals[0] and totals[1] and takes their min and max into totals[2] and
 * totals[3]. Lanes in locals, where V8 keeps them in registers; an entry goes to its lane by a factor of 1 (0
 * elsewhere), not a branch, which random columns mispredict half the time: adding 0·x leaves a sum's bits as they were.
 */
export function rowSums(
  rowStart: Int32Array, colIndex: Int32Array | Uint16Array, values: Float64Array | Float32Array, trailingColumn: number, first: number, end: number, totals: Float64Array,
): void {
  let sum = totals[0];
  let squares = totals[1];
  let min = totals[2];
  let max = totals[3];
  for (let i = first; i < end; i++) {
    let sumEven = 0;
    let sumOdd = 0;
    let sumTrailing = 0;
    let squaresEven = 0;
    let squaresOdd = 0;
    let squaresTrailing = 0;
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) {
      const x = values[t];
      const j = colIndex[t];
      if (x < min) min = x;
      if (x > max) max = x;
      const odd = j & 1;
      const trailing = +(j === trailingColumn);
      const even = 1 - odd - trailing;
      const square = x * x;
      sumEven += even * x;
      sumOdd += odd * x;
      sumTrailing += trailing * x;
      squaresEven += even * square;
      squaresOdd += odd * square;
      squaresTrailing += trailing * square;
    }
    sum += sumEven + sumOdd + sumTrailing;
    squares += squaresEven + squaresOdd + squaresTrailing;
  }
  totals[0] = sum;
  totals[1] = squares;
  totals[2] = min;
  totals[3] = max;
}

/** Adds rows first…end−1's Σ(x − mean)² to totals[4], in rowSums' lanes. */
export function rowDeviations(
  rowStart: Int32Array, colIndex: Int32Array | Uint16Array, values: Float64Array | Float32Array, trailingColumn: number, mean: number, first: number, end: number,
  totals: Float64Array,
): void {
  let deviation = totals[4];
  for (let i = first; i < end; i++) {
    let even = 0;
    let odd = 0;
    let trailing = 0;
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) {
      const d = values[t] - mean;
      const square = d * d;
      const j = colIndex[t];
      const isOdd = j & 1;
      const isTrailing = +(j === trailingColumn);
      even += (1 - isOdd - isTrailing) * square;
      odd += isOdd * square;
      trailing += isTrailing * square;
    }
    deviation += even + odd + trailing;
  }
  totals[4] = deviation;
}

/** assembly/csr.ts csrSums over typed arrays (values float32s and columns two bytes each, in i32 buffers; totals f64s). */
export function csrSums(
  rowStart: Int32Array, columns: Int32Array, values: Int32Array, first: number, end: number, trailingColumn: number, colCounts: Int32Array, totals: Int32Array,
): void {
  const columnIndex = new Uint16Array(columns.buffer, columns.byteOffset, 2 * columns.length);
  const sums = new Float64Array(totals.buffer, totals.byteOffset, 5);
  rowSums(rowStart, columnIndex, new Float32Array(values.buffer, values.byteOffset, values.length), trailingColumn, first, end, sums);
  for (let t = rowStart[first]; t < rowStart[end]; t++) colCounts[columnIndex[t]]++;
}

/** assembly/csr.ts csrDeviations over typed arrays, as csrSums. */
export function csrDeviations(
  rowStart: Int32Array, columns: Int32Array, values: Int32Array, first: number, end: number, trailingColumn: number, mean: number, totals: Int32Array,
): void {
  rowDeviations(
    rowStart, new Uint16Array(columns.buffer, columns.byteOffset, 2 * columns.length), new Float32Array(values.buffer, values.byteOffset, values.length),
    trailingColumn, mean, first, end, new Float64Array(totals.buffer, totals.byteOffset, 5),
  );
}

/**
 * Counts each entry's row into rowCounts[row + 1]; returns the first entry whose row or column is out of range or whose
 * value is not finite (nothing of it counted), or −1: csrCount's work, and the JavaScript path's over a caller's lists.
 */
export function countRows(
  rowOf: Int32Array, colOf: Int32Array, values: Float32Array | Float64Array, count: number, rows: number, cols: number, rowCounts: Int32Array,
): number {
  for (let p = 0; p < count; p++) {
    const row = rowOf[p];
    const x = values[p];
    // x − x is 0 for a finite x, NaN for NaN and ±Infinity.
    if (row >>> 0 >= rows || colOf[p] >>> 0 >= cols || x - x !== 0) return p;
    rowCounts[row + 1]++;
  }
  return -1;
}

/**
 * Each entry to its bin of 2^shift rows, at the bin's next place (free[bin], moved on): its word (row within the bin
 * << colBits | column) into `words`, its value into `binned` — csrIntoBins' work, and the JavaScript path's.
 */
export function intoBins(
  rowOf: Int32Array, colOf: Int32Array, values: Float32Array | Float64Array, count: number, free: Int32Array, shift: number, colBits: number,
  words: Int32Array, binned: Float32Array | Float64Array,
): void {
  const low = (1 << shift) - 1;
  for (let p = 0; p < count; p++) {
    const row = rowOf[p];
    const t = free[row >>> shift]++;
    words[t] = ((row & low) << colBits) | colOf[p];
    binned[t] = values[p];
  }
}

/** assembly/csr.ts csrCount over typed arrays (values float32s in an i32 buffer). */
export function csrCount(rowOf: Int32Array, colOf: Int32Array, values: Int32Array, count: number, rows: number, cols: number, rowCounts: Int32Array): number {
  return countRows(rowOf, colOf, new Float32Array(values.buffer, values.byteOffset, count), count, rows, cols, rowCounts);
}

/** assembly/csr.ts csrIntoBins over typed arrays (values and binned float32s in i32 buffers). */
export function csrIntoBins(
  rowOf: Int32Array, colOf: Int32Array, values: Int32Array, count: number, free: Int32Array, shift: number, colBits: number, words: Int32Array, binned: Int32Array,
): void {
  intoBins(
    rowOf, colOf, new Float32Array(values.buffer, values.byteOffset, count), count, free, shift, colBits, words,
    new Float32Array(binned.buffer, binned.byteOffset, binned.length),
  );
}
