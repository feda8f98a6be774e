// X's CSR built in a run's memory by the run's kernels (assembly/csr.ts), where the run offers it (SolverModule.csrTarget
// with a build): a caller's entries checked, counted by row and moved to bins of rows, put in rows; then their
// statistics and column counts — in the order, and with the bits, of the same work over arrays of the fit's own
// (src/input/observations.ts, src/input/problem.ts sparseStats and counts).
import { BINS_PER_CALL, STAGED } from '../solvers/layout.js';
import type { CsrBuild } from '../solvers/solver.js';
import { intoRowsByBin } from '../backends/js/csr.js';

/**
 * A caller's lists a chunk at a time through the run's staging buffer: `step` is given the chunk's first entry, its
 * count and the handles of its row indices, column indices and values (as float32s: a Float64Array's are float32
 * values, sparseProblem has checked); stops where it returns false.
 */
function staged(
  { space, buffers }: CsrBuild, rowOf: Int32Array, colOf: Int32Array, values: Float32Array | Float64Array,
  step: (first: number, count: number, handles: readonly [unknown, unknown, unknown]) => boolean,
): void {
  const stage = space.viewI32(buffers.staging, 3 * STAGED);
  const stagedValues = new Float32Array(stage.buffer, stage.byteOffset + 8 * STAGED, STAGED);
  const handles = [buffers.staging, space.atI32(buffers.staging, STAGED), space.atI32(buffers.staging, 2 * STAGED)] as const;
  for (let first = 0; first < values.length; first += STAGED) {
    const end = Math.min(values.length, first + STAGED);
    stage.set(rowOf.subarray(first, end));
    stage.set(colOf.subarray(first, end), STAGED);
    stagedValues.set(values.subarray(first, end));
    if (!step(first, end - first, handles)) return;
  }
}

/**
 * A caller's typed lists checked in the run (csrCount) and each row's entries counted into rowStart[row + 1]; false,
 * rowStart left zero, where an entry is out of range or not finite (the lists are then read one by one, for the error).
 */
export function countedInRun(build: CsrBuild, rowOf: Int32Array, colOf: Int32Array, values: Float32Array | Float64Array, rows: number, cols: number, rowStart: Int32Array): boolean {
  const { space, buffers } = build;
  const counts = space.viewI32(buffers.rowStart, rows + 1);
  counts.fill(0);
  let valid = true;
  staged(build, rowOf, colOf, values, (_, count, [rowHandle, colHandle, valueHandle]) =>
    (valid = space.kernels.csrCount(rowHandle, colHandle, valueHandle, count, rows, cols, buffers.rowStart) < 0));
  if (valid) rowStart.set(counts);
  return valid;
}

/**
 * A caller's entries moved to their bins of 2^shift rows in the run (csrIntoBins), each bin's from binStart[b]: words
 * (row within the bin << colBits | column) into the build's `words`, values into its `values`.
 */
export function intoBinsInRun(build: CsrBuild, rowOf: Int32Array, colOf: Int32Array, values: Float32Array | Float64Array, binStart: Int32Array, shift: number, colBits: number): void {
  const { space, buffers } = build;
  // Each bin's next place, in the row cursors' buffer (there are no more bins than rows).
  space.viewI32(buffers.rowStart, binStart.length - 1).set(binStart.subarray(0, -1));
  staged(build, rowOf, colOf, values, (_, count, [rowHandle, colHandle, valueHandle]) => {
    space.kernels.csrIntoBins(rowHandle, colHandle, valueHandle, count, buffers.rowStart, shift, colBits, buffers.words, buffers.values);
    return true;
  });
}

/**
 * The entries in bins of 2^shift rows (in the build's `words` and `values`, bin b's from binStart[b]) put in rows, in
 * column order where `byColumn` (else as they come: a sort of each row follows), their column indices into `columns`:
 * by the run's kernel a few bins a call, and a bin of more entries than its scratch holds (heavy rows: skewed data) by
 * the same work in JavaScript over views of the run's memory, with scratch of its own.
 */
export function binsIntoRowsInRun(
  { space, buffers, columns, capacity }: CsrBuild, binStart: Int32Array, rowStart: Int32Array, shift: number, colBits: number, cols: number, byColumn: boolean,
): void {
  const rows = rowStart.length - 1;
  const count = rowStart[rows];
  const cursor = space.viewI32(buffers.rowStart, rows);
  cursor.set(rowStart.subarray(0, rows));
  const bins = binStart.length - 1;
  const size = (b: number) => binStart[b + 1] - binStart[b];
  for (let first = 0; first < bins;) {
    if (size(first) > capacity) {
      const values = space.viewI32(buffers.values, count);
      intoRowsByBin(
        { shift, colBits }, space.viewI32(buffers.words, count), columns, new Float32Array(values.buffer, values.byteOffset, count), cursor, binStart,
        first, first + 1, cols, byColumn ? space.viewI32(buffers.colStart, cols + 1) : undefined,
        { cols: new Int32Array(size(first)), values: new Float32Array(size(first)) },
      );
      first++;
      continue;
    }
    let end = first + 1;
    while (end < bins && end - first < BINS_PER_CALL && size(end) <= capacity) end++;
    // The call's bins counted from its first: their starts, and the rows' cursors from its first row on.
    space.viewI32(buffers.binStart, end - first + 1).set(binStart.subarray(first, end + 1));
    space.kernels.csrFromBins(
      buffers.words, buffers.values, buffers.binStart, 0, end - first, shift, colBits, space.atI32(buffers.rowStart, first << shift),
      buffers.colStart, cols, buffers.sortedWords, buffers.sortedValues, buffers.columns, byColumn ? 1 : 0,
    );
    first = end;
  }
}

/** Rows a call of csrSums or csrDeviations takes (a pass in many calls: V8 optimizes a WebAssembly function for later calls). */
const ROWS_PER_CALL = 256;

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
