// Conversions between the layouts of a Problem, and the derived orders some solvers walk.
import type { ColumnOrder } from './backends/index.js';
import type { DenseProblem, Layout, Problem, SparseProblem } from './problem.js';

function toSparse(problem: DenseProblem): SparseProblem {
  const { rows, cols, values: dense, observedCount } = problem;
  const rowStart = new Int32Array(rows + 1);
  const colIndex = new Int32Array(observedCount);
  const values = new Float64Array(observedCount);
  let t = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = dense[i * cols + j];
      if (x === x) {
        colIndex[t] = j;
        values[t++] = x;
      }
    }
    rowStart[i + 1] = t;
  }
  return { layout: 'sparse', rows, cols, rowStart, colIndex, values, observedCount };
}

function toDense(problem: SparseProblem): DenseProblem {
  const { rows, cols, rowStart, colIndex, values, observedCount } = problem;
  const dense = new Float64Array(rows * cols).fill(NaN);
  for (let i = 0; i < rows; i++) {
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) dense[i * cols + colIndex[t]] = values[t];
  }
  return { layout: 'dense', rows, cols, values: dense, observedCount };
}

/** The layout 'auto' picks: sparse below the given fraction of observed entries, where its kernel is faster. */
export function chooseLayout(problem: Problem, sparseBelowDensity: number): Layout {
  return problem.observedCount < sparseBelowDensity * problem.rows * problem.cols ? 'sparse' : 'dense';
}

/** The same problem in the given layout. */
export function toLayout(problem: Problem, layout: Layout): Problem {
  if (layout === problem.layout) return problem;
  return problem.layout === 'dense' ? toSparse(problem) : toDense(problem);
}

/** The row of each observation, in CSR order. */
export function rowOfEach(problem: SparseProblem): Int32Array {
  const rowOf = new Int32Array(problem.observedCount);
  for (let i = 0; i < problem.rows; i++) rowOf.fill(i, problem.rowStart[i], problem.rowStart[i + 1]);
  return rowOf;
}

/** The observations by column (CSC), rows ascending within a column. */
export function columnOrder(problem: SparseProblem, rowOf: Int32Array): ColumnOrder {
  const { cols, colIndex, values, observedCount } = problem;
  const colStart = new Int32Array(cols + 1);
  for (let p = 0; p < observedCount; p++) colStart[colIndex[p] + 1]++;
  for (let j = 0; j < cols; j++) colStart[j + 1] += colStart[j];
  const cursor = colStart.slice(0, cols);
  const rowIndex = new Int32Array(observedCount);
  const byColumn = new Float64Array(observedCount);
  for (let p = 0; p < observedCount; p++) {
    const t = cursor[colIndex[p]]++;
    rowIndex[t] = rowOf[p];
    byColumn[t] = values[p];
  }
  return { colStart, rowIndex, values: byColumn };
}

/** Observations per row and per column (as f64: the kernels scale penalties by them). */
export function counts(problem: Problem): { rowCounts: Float64Array; colCounts: Float64Array } {
  const { rows, cols } = problem;
  const rowCounts = new Float64Array(rows);
  const colCounts = new Float64Array(cols);
  if (problem.layout === 'sparse') {
    for (let i = 0; i < rows; i++) rowCounts[i] = problem.rowStart[i + 1] - problem.rowStart[i];
    for (let p = 0; p < problem.observedCount; p++) colCounts[problem.colIndex[p]]++;
    return { rowCounts, colCounts };
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = problem.values[i * cols + j];
      if (x === x) {
        rowCounts[i]++;
        colCounts[j]++;
      }
    }
  }
  return { rowCounts, colCounts };
}

/** The same problem with `shift` subtracted from every observed value (itself when shift is 0). */
export function shifted(problem: Problem, shift: number): Problem {
  if (shift === 0) return problem;
  return { ...problem, values: problem.values.map((x) => x - shift) };
}

/** Mean, minimum and maximum of the observed values. */
export function valueStats(problem: Problem): { mean: number; min: number; max: number } {
  const values = problem.values;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < values.length; p++) {
    const x = values[p];
    if (x !== x) continue;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { mean: sum / problem.observedCount, min, max };
}

/** Each row's observed columns (CSR), without the values. */
export function observedColumns(problem: Problem): { rowStart: Int32Array; colIndex: Int32Array } {
  if (problem.layout === 'sparse') return { rowStart: problem.rowStart, colIndex: problem.colIndex };
  const { rowStart, colIndex } = toSparse(problem);
  return { rowStart, colIndex };
}
