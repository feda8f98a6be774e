// The canonical problem's layouts and statistics: dense ↔ sparse, the layout 'auto' picks, counts per row and
// column, and the values' statistics.
import type { DenseProblem, Layout, Problem, SparseProblem } from '../types.js';
import { rowDeviations, rowSums } from '../backends/js/csr.js';

function toDense(problem: SparseProblem): DenseProblem {
  const { rows, cols, rowStart, colIndex, values, observedCount } = problem;
  const dense = new Float64Array(rows * cols).fill(NaN);
  for (let i = 0; i < rows; i++) {
    for (let t = rowStart[i]; t < rowStart[i + 1]; t++) dense[i * cols + colIndex[t]] = values[t];
  }
  return { layout: 'dense', rows, cols, values: dense, observedCount };
}

/** The layout 'auto' picks: sparse below the given fraction of observed entries, where its kernel is faster. */
export function chooseLayout(problem: Pick<Problem, 'rows' | 'cols' | 'observedCount'>, sparseBelowDensity: number): Layout {
  return problem.observedCount < sparseBelowDensity * problem.rows * problem.cols ? 'sparse' : 'dense';
}

/**
 * The same problem in the given layout. A dense X's sparse form is the pattern and the values its summary found
 * (`observed`, `observedValues`: no second pass over X's entries, nothing copied; the run only reads them); a sparse
 * X's dense form is filled in from its entries.
 */
export function toLayout(
  problem: Problem, layout: Layout, observed: { readonly rowStart: Int32Array; readonly colIndex: Int32Array }, observedValues: Float64Array | Float32Array,
): Problem {
  if (layout === problem.layout) return problem;
  if (problem.layout === 'sparse') return toDense(problem);
  const { rows, cols, observedCount } = problem;
  return { layout: 'sparse', rows, cols, rowStart: observed.rowStart, colIndex: observed.colIndex, values: observedValues, observedCount };
}

/**
 * Observations per row and per column of a sparse problem (a dense one's come from its summary); the columns' where
 * they were counted already (`colCounts`: src/input/csr.ts statsInRun).
 */
export function counts(problem: SparseProblem, colCounts?: Float64Array): { rowCounts: Float64Array; colCounts: Float64Array } {
  const { rows, cols, rowStart, colIndex, observedCount } = problem;
  const rowCounts = new Float64Array(rows);
  for (let i = 0; i < rows; i++) rowCounts[i] = rowStart[i + 1] - rowStart[i];
  if (colCounts) return { rowCounts, colCounts };
  const counted = new Float64Array(cols);
  for (let p = 0; p < observedCount; p++) counted[colIndex[p]]++;
  return { rowCounts, colCounts: counted };
}

/** Rows a call of rowSums or rowDeviations takes. */
const ROWS_PER_CALL = 256;

/**
 * Mean, min, max, Σx² and — where `deviation`, a second pass; else NaN — Σ(x − mean)² of a sparse problem's values,
 * summed in the order of the dense pass (assembly/scan.ts): within a row, even and odd columns in two sums, a trailing
 * odd column last.
 * The passes go a few rows a call, their totals carried in `totals` (the same order, so the same bits):
 * a small function is optimized after a few calls, while one long loop ran millions of entries in
 * V8's interpreter before it was, each of them leaving boxed numbers for the collector — enough
 * to grow V8's young generation, and the process's memory, for the rest of a fit.
 */
export function sparseStats(problem: SparseProblem, deviation = true) {
  const { rows, cols, rowStart, colIndex, values, observedCount } = problem;
  const trailingColumn = (cols & 1) === 1 ? cols - 1 : -1;
  // Σx, Σx², min, max; then Σ(x − mean)².
  const totals = Float64Array.of(0, 0, Infinity, -Infinity, 0);
  for (let first = 0; first < rows; first += ROWS_PER_CALL) {
    rowSums(rowStart, colIndex, values, trailingColumn, first, Math.min(rows, first + ROWS_PER_CALL), totals);
  }
  const [sum, squares, min, max] = totals;
  const mean = sum / observedCount;
  for (let first = 0; first < rows && deviation; first += ROWS_PER_CALL) {
    rowDeviations(rowStart, colIndex, values, trailingColumn, mean, first, Math.min(rows, first + ROWS_PER_CALL), totals);
  }
  return { mean, min, max, squares, deviation: deviation ? totals[4] : NaN };
}

/**
 * Each row's observed columns (CSR) from the observed bits of a dense X (DenseSummary.bits), made on
 * first use: only recommend() and saving a model need them.
 */
export function columnsOfBits(bits: Uint32Array, rows: number, cols: number): { readonly rowStart: Int32Array; readonly colIndex: Int32Array } {
  let columns: { rowStart: Int32Array; colIndex: Int32Array } | undefined;
  const make = () => {
    const words = (cols + 31) >>> 5;
    const rowStart = new Int32Array(rows + 1);
    for (let i = 0; i < rows; i++) {
      let count = 0;
      for (let w = i * words; w < (i + 1) * words; w++) count += popcount(bits[w]);
      rowStart[i + 1] = rowStart[i] + count;
    }
    const colIndex = new Int32Array(rowStart[rows]);
    let t = 0;
    for (let i = 0; i < rows; i++) {
      for (let w = 0; w < words; w++) {
        let word = bits[i * words + w];
        while (word !== 0) {
          const low = word & -word;
          colIndex[t++] = w * 32 + 31 - Math.clz32(low);
          word ^= low;
        }
      }
    }
    return { rowStart, colIndex };
  };
  return {
    get rowStart() {
      return (columns ??= make()).rowStart;
    },
    get colIndex() {
      return (columns ??= make()).colIndex;
    },
  };
}

function popcount(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
