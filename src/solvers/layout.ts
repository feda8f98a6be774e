// Writing a problem into a run's memory: values less μ (or as confidences), and the derived orders some
// solvers walk (each observation's row, the column order), straight into the run's arrays.
import type { Problem, RealArray, SparseProblem } from '../types.js';

/** Whether every observed value is a float32 value (a sparse problem's values in a Float32Array): runs may store them so. */
export function singleValues(problem: Problem): boolean {
  return problem.layout === 'sparse' && problem.values instanceof Float32Array;
}

/** The row of each observation, in CSR order, written into `target` (by default a new array). */
export function rowOfEach(problem: SparseProblem, target: Int32Array = new Int32Array(problem.observedCount)): Int32Array {
  for (let i = 0; i < problem.rows; i++) target.fill(i, problem.rowStart[i], problem.rowStart[i + 1]);
  return target;
}

/**
 * Writes (x − offset)·scale for each value x into `target`: μ subtracted (scale 1, exact) or a confidence
 * (offset 0). Runs write their values so, straight into their memory, rather than from a shifted copy.
 */
export function writeValues(target: RealArray, values: RealArray, offset: number, scale = 1): void {
  if (offset === 0 && scale === 1) target.set(values);
  else for (let p = 0; p < values.length; p++) target[p] = (values[p] - offset) * scale;
}

/**
 * The observations by column (CSC, rows ascending within a column), written straight into a run's arrays:
 * colStart (cols + 1), rowIndex and values (as writeValues writes them), from the CSR order.
 */
export function writeColumnOrder(
  problem: SparseProblem, target: { colStart: Int32Array; rowIndex: Int32Array; values: RealArray }, offset: number, scale = 1,
): void {
  const { rows, cols, rowStart, colIndex, values, observedCount } = problem;
  const { colStart, rowIndex } = target;
  colStart.fill(0);
  for (let p = 0; p < observedCount; p++) colStart[colIndex[p] + 1]++;
  for (let j = 0; j < cols; j++) colStart[j + 1] += colStart[j];
  const cursor = colStart.slice(0, cols);
  for (let i = 0; i < rows; i++) {
    for (let p = rowStart[i], end = rowStart[i + 1]; p < end; p++) {
      const t = cursor[colIndex[p]]++;
      rowIndex[t] = i;
      target.values[t] = (values[p] - offset) * scale;
    }
  }
}

/**
 * Bins a call of csrFromBins takes: a few, so that it is called many times — V8 runs a WebAssembly function's first
 * calls in its baseline code, and its optimized code only from a later call on (never inside a running call).
 */
export const BINS_PER_CALL = 8;

/** Entries of a caller's arrays a CSR kernel takes a call (copied into the run's staging buffer first). */
export const STAGED = 2 ** 14;

/**
 * A run's buffers for building X's CSR in its memory (Shape.csrInRun; two-byte column indices): the CSR kernels' — their
 * row cursors, column counts and sort scratch are W's bytes and the column indices the values' bytes while X is read,
 * all free until start() writes them (sgd.ts csrTarget).
 */
export function csrBuffers(): Record<string, number> {
  return { csrBinStart: BINS_PER_CALL + 1, csrTotals: 10, csrStaging: 3 * STAGED };
}
