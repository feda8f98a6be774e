// X's CSR built in a run's memory by the run's kernels (assembly/csr.ts), where the run offers it (SolverModule.csrTarget
// with a build): a caller's entries, moved to bins of rows by src/input/observations.ts, put in rows; then their
// statistics and column counts — in the order, and with the bits, of the same work over arrays of the fit's own
// (src/input/problem.ts sparseStats and counts).
import { BINS_PER_CALL } from '../solvers/layout.js';
import type { CsrBuild } from '../solvers/solver.js';

/** Rows a call of csrSums or csrDeviations takes (a pass in many calls: V8 optimizes a WebAssembly function for later calls). */
const ROWS_PER_CALL = 256;

/**
 * The entries in bins of 2^shift rows (in the build's `words` and `values`, bin b's from binStart[b]) put in rows, in
 * column order where `byColumn` (else as they come: a sort of each row follows), their column indices into `columns`.
 */
export function binsIntoRowsInRun(
  { space, buffers }: CsrBuild, binStart: Int32Array, rowStart: Int32Array, shift: number, colBits: number, cols: number, byColumn: boolean,
): void {
  const rows = rowStart.length - 1;
  space.viewI32(buffers.rowStart, rows).set(rowStart.subarray(0, rows));
  const bins = binStart.length - 1;
  for (let first = 0; first < bins; first += BINS_PER_CALL) {
    const end = Math.min(bins, first + BINS_PER_CALL);
    // The call's bins counted from its first: their starts, and the rows' cursors from its first row on.
    space.viewI32(buffers.binStart, end - first + 1).set(binStart.subarray(first, end + 1));
    space.kernels.csrFromBins(
      buffers.words, buffers.values, buffers.binStart, 0, end - first, shift, colBits, space.atI32(buffers.rowStart, first << shift),
      buffers.colStart, cols, buffers.sortedWords, buffers.sortedValues, buffers.columns, byColumn ? 1 : 0,
    );
  }
}

/**
 * The statistics of the CSR built in the run (binsIntoRowsInRun) — mean, min, max, Σx² and, where `deviation`, Σ(x −
 * mean)² (else NaN) — and each column's count, as sparseStats and counts find them.
 */
export function statsInRun(
  { space, buffers }: CsrBuild, rowStart: Int32Array, cols: number, deviation: boolean,
): { stats: { mean: number; min: number; max: number; squares: number; deviation: number }; colCounts: Float64Array } {
  const rows = rowStart.length - 1;
  space.viewI32(buffers.rowStart, rows + 1).set(rowStart);
  const columnCounts = space.viewI32(buffers.colStart, cols);
  columnCounts.fill(0);
  const totalWords = space.viewI32(buffers.totals, 10);
  const totals = new Float64Array(totalWords.buffer, totalWords.byteOffset, 5);
  totals.set([0, 0, Infinity, -Infinity, 0]);
  const trailingColumn = (cols & 1) === 1 ? cols - 1 : -1;
  const { columns, values } = buffers;
  for (let first = 0; first < rows; first += ROWS_PER_CALL) {
    space.kernels.csrSums(buffers.rowStart, columns, values, first, Math.min(rows, first + ROWS_PER_CALL), trailingColumn, buffers.colStart, buffers.totals);
  }
  const [sum, squares, min, max] = totals;
  const mean = sum / rowStart[rows];
  for (let first = 0; first < rows && deviation; first += ROWS_PER_CALL) {
    space.kernels.csrDeviations(buffers.rowStart, columns, values, first, Math.min(rows, first + ROWS_PER_CALL), trailingColumn, mean, buffers.totals);
  }
  return { stats: { mean, min, max, squares, deviation: deviation ? totals[4] : NaN }, colCounts: Float64Array.from(columnCounts) };
}
