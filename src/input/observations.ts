// Every accepted input form → one canonical Problem (types.ts), validated before any work.
// Every error names the argument, what was expected and what was given.
import { collectGarbage } from '../runtime/collect.js';
import { describe } from '../check/describe.js';
import { ids } from '../check/validate.js';
import type { Matrix } from '../types.js';
import type { DenseSummary, Wanted } from '../backends/index.js';
import { columnsOfBits, counts, sparseStats } from './problem.js';
import { countRows, intoBins, intoRowsByBin, type PackedRows } from '../backends/js/csr.js';
import type { CsrBuild, CsrTargetOf } from '../solvers/solver.js';
import { binsIntoRowsInRun, countedInRun, intoBinsInRun, statsInRun } from './csr.js';
import { bitsFor, TWO_BYTE_INDICES } from '../math/bits.js';
import type { Ids, Key, Observations, Problem, SparseMatrixInput, SparseProblem } from '../types.js';

export type { DenseMatrixInput, Ids, MaskInput, MatrixInput, ObservationsInput, SparseMatrixInput } from '../types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Whether X is given as sparse coordinates. */
export function isSparseInput(value: unknown): value is SparseMatrixInput {
  // `values` its own: a Map, a Set or a typed array has a values() method, and is not a sparse X.
  return isObject(value) && !Array.isArray(value) && !ArrayBuffer.isView(value) &&
    ('rowIndices' in value || 'colIndices' in value || Object.hasOwn(value, 'values'));
}

/**
 * The most rows or columns the package supports (2^26). Past it, work proportional to rows and columns
 * alone (initial factors, counts, penalties) costs seconds per epoch however few entries are observed,
 * and the factors of even rank 8 no longer fit the 4 GiB a 32-bit WebAssembly module addresses.
 */
export const MAX_DIMENSION = 67_108_864;

function dimension(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new RangeError(`${name}: expected an integer from 1 to ${MAX_DIMENSION} (the most rows or columns mfwasm supports), got ${describe(value)}`);
  }
  return value;
}

function arrayLike(name: string, value: unknown): ArrayLike<unknown> {
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) return value as ArrayLike<unknown>;
  throw new TypeError(`${name}: expected an array or a typed array, got ${describe(value)}`);
}

/**
 * Reads a dense matrix (entries must be numbers; NaN is kept, callers decide what it means). Returns a
 * fresh copy, so that callers may write to it, unless `copy` is false: then a Float64Array `data` is
 * returned as it is, for a caller that only reads it before it returns (factorize's X: no copy of a large
 * matrix).
 */
export function readMatrix(name: string, value: unknown, copy = true): Matrix {
  if (Array.isArray(value)) {
    const rows = value.length;
    if (rows === 0) throw new RangeError(`${name}: expected a non-empty matrix, got an empty array`);
    const first = value[0];
    if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
      throw new TypeError(`${name}: expected an array of rows (number[][]), but ${name}[0] is ${describe(first)}`);
    }
    const cols = (first as ArrayLike<unknown>).length;
    if (cols === 0) throw new RangeError(`${name}: expected non-empty rows, got ${name}[0] of length 0`);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = value[i] as unknown;
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
        throw new TypeError(`${name}: expected an array of rows (number[][]), but ${name}[${i}] is ${describe(row)}`);
      }
      const entries = row as ArrayLike<unknown>;
      if (entries.length !== cols) {
        throw new RangeError(
          `${name}: expected every row to have ${cols} entries like ${name}[0], but ${name}[${i}] has ${entries.length}`,
        );
      }
      for (let j = 0; j < cols; j++) {
        const entry = entries[j];
        if (typeof entry !== 'number') throw new TypeError(`${name}[${i}][${j}]: expected a number, got ${describe(entry)}`);
        data[i * cols + j] = entry;
      }
    }
    return { rows, cols, data };
  }
  if (isObject(value) && 'data' in value) {
    const rows = dimension(`${name}.rows`, value.rows);
    const cols = dimension(`${name}.cols`, value.cols);
    const entries = arrayLike(`${name}.data`, value.data);
    if (entries.length !== rows * cols) {
      throw new RangeError(
        `${name}.data: expected rows×cols = ${rows}×${cols} = ${rows * cols} entries, got ${entries.length}`,
      );
    }
    if (entries instanceof Float64Array) return { rows, cols, data: copy ? entries.slice() : entries };
    const data = new Float64Array(entries.length);
    for (let p = 0; p < entries.length; p++) {
      const entry = entries[p];
      if (typeof entry !== 'number') {
        throw new TypeError(
          `${name}.data[${p}] (row ${Math.floor(p / cols)}, column ${p % cols}): expected a number, got ${describe(entry)}`,
        );
      }
      data[p] = entry;
    }
    return { rows, cols, data };
  }
  throw new TypeError(`${name}: expected number[][] or { rows, cols, data }, got ${describe(value)}`);
}

/** Where an entry of a dense input is, as the user wrote it. */
function position(name: string, value: unknown, p: number, cols: number): string {
  const i = Math.floor(p / cols);
  const j = p % cols;
  return Array.isArray(value) ? `${name}[${i}][${j}]` : `${name}.data[${p}] (row ${i}, column ${j})`;
}

function readMask(value: unknown, rows: number, cols: number): Uint8Array {
  let shape: [number, number];
  let entry: (p: number) => unknown;
  if (Array.isArray(value)) {
    if (value.length !== rows) throw new RangeError(`mask: expected ${rows} rows like X, got ${value.length}`);
    for (let i = 0; i < rows; i++) {
      const row = value[i] as unknown;
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
        throw new TypeError(`mask: expected an array of rows, but mask[${i}] is ${describe(row)}`);
      }
      if ((row as ArrayLike<unknown>).length !== cols) {
        throw new RangeError(`mask: expected ${cols} columns like X, but mask[${i}] has ${(row as ArrayLike<unknown>).length}`);
      }
    }
    shape = [rows, cols];
    entry = (p) => (value[Math.floor(p / cols)] as ArrayLike<unknown>)[p % cols];
  } else if (isObject(value) && 'data' in value) {
    shape = [dimension('mask.rows', value.rows), dimension('mask.cols', value.cols)];
    if (shape[0] !== rows || shape[1] !== cols) {
      throw new RangeError(`mask: expected the shape of X, ${rows}×${cols}, got ${shape[0]}×${shape[1]}`);
    }
    const data = arrayLike('mask.data', value.data);
    if (data.length !== rows * cols) {
      throw new RangeError(`mask.data: expected ${rows * cols} entries (${rows}×${cols}), got ${data.length}`);
    }
    entry = (p) => data[p];
  } else {
    throw new TypeError(`mask: expected (number | boolean)[][] or { rows, cols, data }, got ${describe(value)}`);
  }
  const mask = new Uint8Array(rows * cols);
  for (let p = 0; p < mask.length; p++) {
    const m = entry(p);
    if (m === 1 || m === true) mask[p] = 1;
    else if (m !== 0 && m !== false) {
      throw new TypeError(`${position('mask', value, p, cols)}: expected 0, 1, true or false, got ${describe(m)}`);
    }
  }
  return mask;
}

/**
 * A dense X: its values copied once (masked entries set to NaN), then one pass of the backend's
 * (assembly/scan.ts) checks them and finds their counts and statistics.
 */
async function denseInput(X: unknown, mask: unknown, summarize: Summarize, wanted?: Wanted): Promise<Given> {
  // Written to only to apply a mask: otherwise the caller's Float64Array is read in place.
  const { rows, cols, data: values } = readMatrix('X', X, mask !== undefined);
  if (mask !== undefined) {
    const observed = readMask(mask, rows, cols);
    for (let p = 0; p < values.length; p++) {
      if (observed[p] === 0) values[p] = NaN;
      else if (values[p] !== values[p]) {
        throw new RangeError(`${position('X', X, p, cols)}: is NaN but the mask marks it observed; observed entries must be finite`);
      }
    }
  }
  // Where readMatrix copied X (nested arrays, a mask, data not a Float64Array), the copy is the fit's own.
  const summary = await summarize(values, rows, cols, { ...wanted, owned: values !== (X as { data?: unknown }).data });
  if (summary.firstInfinite >= 0) {
    const p = summary.firstInfinite;
    throw new RangeError(
      `${position('X', X, p, cols)}: expected a finite number for an observed entry, got ${values[p]}` +
        (mask === undefined ? ' (use NaN for a missing entry)' : ''),
    );
  }
  const { observedCount, sum, squares, min, max, deviation, rowCounts, colCounts, bits } = summary;
  return {
    problem: { layout: 'dense', rows, cols, values, observedCount },
    stats: { mean: sum / observedCount, min, max, squares, deviation },
    rowCounts,
    colCounts,
    observed: columnsOfBits(bits, rows, cols),
    // In a Float32Array when that loses nothing, as a sparse X's are (sparseProblem).
    observedValues: summary.values,
  };
}

/**
 * The entries of an index list, checked. `copy` false: an Int32Array is checked and returned as it is,
 * for callers that read it before they return (sparse X, 40 MB spared per 10M observations).
 */
export function indexList(name: string, value: unknown, length: number | undefined, bound: number, boundName: string, copy = true): Int32Array {
  const list = arrayLike(name, value);
  if (length !== undefined && list.length !== length) {
    throw new RangeError(`${name}: expected ${length} entries, one per value, got ${list.length}`);
  }
  const indices = !copy && list instanceof Int32Array ? list : new Int32Array(list.length);
  for (let p = 0; p < list.length; p++) {
    const index = list[p];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= bound) {
      throw new RangeError(`${name}[${p}]: expected an integer from 0 to ${boundName} − 1 = ${bound - 1}, got ${describe(index)}`);
    }
    if (indices !== list) indices[p] = index;
  }
  return indices;
}

/**
 * The entries of a value list, checked finite; `copy` as in indexList (then a Float32Array is kept as it
 * is too: its values are float32 values, which the run and the model keep in one).
 */
function finiteValues(name: string, value: unknown, copy: false): Float64Array | Float32Array;
function finiteValues(name: string, value: unknown): Float64Array;
function finiteValues(name: string, value: unknown, copy = true): Float64Array | Float32Array {
  const list = arrayLike(name, value);
  const values = !copy && (list instanceof Float64Array || list instanceof Float32Array) ? list : new Float64Array(list.length);
  for (let p = 0; p < list.length; p++) {
    const x = list[p];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${name}[${p}]: expected a finite number, got ${describe(x)}`);
    if (values !== list) values[p] = x;
  }
  return values;
}

/**
 * X's lists where they are Int32Arrays of in-range indices and a Float32Array or Float64Array of finite values, all
 * as long, checked in one pass that also counts each row's entries into rowStart[row + 1]; otherwise undefined, and
 * rowStart left zero.
 */
function checkedTogether(
  X: SparseMatrixInput, rows: number, cols: number, rowStart: Int32Array,
): { rowOf: Int32Array; colOf: Int32Array; values: Float32Array | Float64Array } | undefined {
  const { rowIndices: rowOf, colIndices: colOf, values } = X;
  if (!(rowOf instanceof Int32Array && colOf instanceof Int32Array && (values instanceof Float32Array || values instanceof Float64Array))) return undefined;
  const count = values.length;
  if (rowOf.length !== count || colOf.length !== count) return undefined;
  if (countRows(rowOf, colOf, values, count, rows, cols, rowStart) >= 0) {
    rowStart.fill(0);
    return undefined;
  }
  return { rowOf, colOf, values };
}

/** Whether the entries are in CSR order with no (row, column) twice: each pair after the one before it. */
function inCsrOrder(rowOf: Int32Array, colOf: Int32Array): boolean {
  for (let p = 1; p < rowOf.length; p++) {
    const row = rowOf[p];
    const before = rowOf[p - 1];
    if (row < before || (row === before && colOf[p] <= colOf[p - 1])) return false;
  }
  return true;
}

/**
 * Inputs whose arrays their owner handed over (handOver()): sparseProblem reorders them in place and keeps
 * them rather than copying, so that a fit of the command line's 10M ratings holds them once.
 */
const handedOver = new WeakSet<object>();

/**
 * Gives X's rowIndices, colIndices and values to the next fit of X, which may reorder them and keep
 * colIndices and values as the model's, and takes all three away from X once the entries are in row order
 * (so that X does not keep them through training: rowIndices are then garbage, and a run that holds the values
 * itself lets them go too): the caller must not read them afterwards. The model may also keep the run's memory for
 * its factors rather than a copy of them (Run.keep): such a caller's process ends soon after. For callers inside the
 * package that read a file into arrays of their own (the command line, the worker); the public API never mutates input.
 */
export function handOver(X: SparseMatrixInput): void {
  handedOver.add(X);
}

/** Whether X's arrays were handed over (handOver). */
export function isHandedOver(X: object): boolean {
  return handedOver.has(X);
}

/**
 * Where the CSR of a caller's arrays may be built instead of in arrays of its own: in a run's memory, which then
 * holds the values once (plan.ts, SolverModule.csrTarget). Asked only for float32 values; the column indices are
 * then kept in two bytes each where they fit.
 */
export type CsrTarget = (count: number) => CsrTargetOf | undefined;

/**
 * X's CSR; `build` where it is in a run's memory with two-byte column indices (the run's CSR kernels work on it:
 * src/input/csr.ts).
 */
function sparseProblem(X: SparseMatrixInput, target?: CsrTarget): { problem: SparseProblem; build?: CsrBuild } {
  const rows = dimension('X.rows', X.rows);
  const cols = dimension('X.cols', X.cols);
  const rowStart = new Int32Array(rows + 1);
  // A run that offers its kernels for X's CSR (a caller's typed lists, float32 values — a Float32Array, or a
  // Float64Array of float32 values, which the run then holds as float32s — and two-byte column indices) reads X into
  // its memory itself.
  const { rowIndices, colIndices, values: givenValues } = X;
  const inFloat32 = givenValues instanceof Float32Array || (givenValues instanceof Float64Array && exactInFloat32(givenValues));
  const offered = rowIndices instanceof Int32Array && colIndices instanceof Int32Array && inFloat32 && !handedOver.has(X) &&
    cols <= TWO_BYTE_INDICES && rowIndices.length === givenValues.length && colIndices.length === givenValues.length
    ? target?.(givenValues.length) : undefined;
  // Read once, here, into the CSR arrays: the caller's typed arrays need no copy of their own. Typed arrays are
  // checked and their rows counted in one pass; where it finds anything wrong (or other arrays), list by list, for
  // the error of the list and the entry at fault.
  const together = offered?.build
    ? countedInRun(offered.build, rowIndices as Int32Array, colIndices as Int32Array, givenValues as Float32Array | Float64Array, rows, cols, rowStart)
      ? { rowOf: rowIndices as Int32Array, colOf: colIndices as Int32Array, values: givenValues as Float32Array | Float64Array } : undefined
    : checkedTogether(X, rows, cols, rowStart);
  const given = together?.values ?? finiteValues('X.values', X.values, false);
  const count = given.length;
  const rowOf = together?.rowOf ?? indexList('X.rowIndices', X.rowIndices, count, rows, 'X.rows', false);
  const colOf = together?.colOf ?? indexList('X.colIndices', X.colIndices, count, cols, 'X.cols', false);
  if (!together) for (let p = 0; p < count; p++) rowStart[rowOf[p] + 1]++;
  for (let i = 0; i < rows; i++) rowStart[i + 1] += rowStart[i];
  // The run and the model keep the values: in a Float32Array when that loses nothing (4 bytes a rating, not 8).
  const Values = given instanceof Float32Array || (given === givenValues ? inFloat32 : exactInFloat32(given)) ? Float32Array : Float64Array;
  const owned = handedOver.has(X) && rowOf === X.rowIndices && colOf === X.colIndices && given === X.values && given instanceof Values;
  // Once rowStart says what the row indices said, a handed-over X gives its arrays up: the callers up the stack
  // hold X until the fit ends, and the collector can then take the row indices while the run is laid out (and the
  // values, where the run holds its own).
  const release = () => {
    if (!owned) return;
    const emptied = X as { rowIndices: ArrayLike<number>; colIndices: ArrayLike<number>; values: ArrayLike<number> };
    emptied.rowIndices = new Int32Array(0);
    emptied.colIndices = new Int32Array(0);
    emptied.values = new Values(0);
  };
  // A caller's arrays (not handed over) in a run's memory where it offers: the values in its bytes, the column
  // indices in two bytes where they fit, the run's scratch for the rows moved in bins (below).
  const into = owned || Values !== Float32Array ? undefined : offered ?? target?.(count);
  const narrow = into !== undefined && cols <= TWO_BYTE_INDICES;
  // Where the run offers its kernels, and its memory for the column indices (src/input/csr.ts).
  const build = narrow ? into.build : undefined;
  if (inCsrOrder(rowOf, colOf)) {
    // Already rows then columns ascending, no pair twice (a rating file written by user and item): no sort.
    // Copies, never the caller's arrays (unless handed over): the model keeps them.
    const colIndex = build ? (build.columns.set(colOf), build.columns) : narrow ? Uint16Array.from(colOf) : colOf === X.colIndices && !owned ? colOf.slice() : colOf;
    let values: Float64Array | Float32Array = given;
    if (into) {
      into.values.set(given);
      values = into.values;
    } else if ((given === X.values && !owned) || Values !== given.constructor) {
      values = Values.from(given);
    }
    release();
    return { problem: { layout: 'sparse', rows, cols, rowStart, colIndex, values, observedCount: count }, build };
  }
  if (owned) {
    inRowsInPlace(rowOf, colOf, given, rowStart, cols);
    sortRowsByColumn(rowStart, colOf, given, cols, (i, j) => duplicateOf(X, i, j));
    release();
    return { problem: { layout: 'sparse', rows, cols, rowStart, colIndex: colOf, values: given, observedCount: count } };
  }
  // The caller's arrays copied in bins of rows — read in order, written at ≤ 256 places at once — then put in
  // rows, as above: the model keeps the column indices and values. Each entry's row within its bin goes above its
  // column index while they share 31 bits (a 2^18-row bin beside 2^13 columns, or any 2^24 rows × 2^16 columns),
  // else in a scratch array of row indices (a run's, where it offers one).
  const { shift, binStart } = rowBins(rowStart);
  const colBits = bitsFor(cols);
  const packed = shift + colBits <= packing.bits;
  // The run's kernels where each entry's row rides in its word; else the rows take the values' bytes as scratch, where
  // the kernels would keep the column indices. (A build is offered only for float32 values, which the kernels read.)
  const inRun = build !== undefined && packed;
  const colIndex = inRun ? build.columns : narrow ? new Uint16Array(count) : new Int32Array(count);
  const values = into ? into.values : new Values(count);
  const scratch = into ? into.scratch : packed ? (colIndex as Int32Array) : new Int32Array(count);
  if (inRun) intoBinsInRun(build, rowOf, colOf, given, binStart, shift, colBits);
  const free = binStart.slice(0, -1);
  if (packed && !inRun) intoBins(rowOf, colOf, given, count, free, shift, colBits, scratch, values);
  for (let p = 0; p < count && !packed; p++) {
    const row = rowOf[p];
    const t = free[row >> shift]++;
    scratch[t] = row;
    colIndex[t] = colOf[p];
    values[t] = given[p];
  }
  if (inRun) binsIntoRowsInRun(build, binStart, rowStart, shift, colBits, cols, byColumn(binStart.length - 1, cols, count, KERNEL_COLUMN_PASSES));
  else binsIntoRows(packed ? { shift, colBits } : scratch, packed ? scratch : colIndex, colIndex, values, rowStart, binStart, cols);
  // A pair given twice is named by its places in the caller's arrays, which keep their order.
  sortRowsByColumn(rowStart, colIndex, values, cols, (i, j) => duplicate(i, j, rowOf, colOf));
  return { problem: { layout: 'sparse', rows, cols, rowStart, colIndex, values, observedCount: count }, build: inRun ? build : undefined };
}

/** Rows in bins of 2^shift consecutive rows, at most 256 bins, and where each bin's entries start. */
function rowBins(rowStart: Int32Array): { shift: number; binStart: Int32Array } {
  const rows = rowStart.length - 1;
  let shift = 0;
  while (rows > 256 << shift) shift++;
  const bins = ((rows - 1) >> shift) + 1;
  return { shift, binStart: Int32Array.from({ length: bins + 1 }, (_, b) => rowStart[Math.min(rows, b << shift)]) };
}

/**
 * Each entry moved to its row's stretch of the arrays, in place but for a scratch of one bin's entries: first
 * to its bin of rows (row >> shift), each entry out of place swapped to its bin's next free place — with 256
 * places being filled at once the writes stay in cache, where one place per row (200k rows) missed it at every
 * move — then put in rows (binsIntoRows).
 */
function inRowsInPlace(rowOf: Int32Array, colOf: Int32Array, values: Float64Array | Float32Array, rowStart: Int32Array, cols: number): void {
  const { shift, binStart } = rowBins(rowStart);
  const bins = binStart.length - 1;
  const free = binStart.slice(0, bins);
  for (let b = 0; b < bins; b++) {
    const end = binStart[b + 1];
    for (let t = free[b]; t < end; t = ++free[b]) {
      let row = rowOf[t];
      if (row >> shift === b) continue;
      let col = colOf[t];
      let x = values[t];
      while (row >> shift !== b) {
        const place = free[row >> shift]++;
        const nextRow = rowOf[place];
        const nextCol = colOf[place];
        const nextValue = values[place];
        rowOf[place] = row;
        colOf[place] = col;
        values[place] = x;
        row = nextRow;
        col = nextCol;
        x = nextValue;
      }
      rowOf[t] = row;
      colOf[t] = col;
      values[t] = x;
    }
  }
  binsIntoRows(rowOf, colOf, colOf, values, rowStart, binStart, cols);
}

/**
 * The entries of arrays already in bins of rows (rowBins) scattered into each row's stretch of `colIndex` (which may
 * be `colOf` itself) and `values` (backends/js/csr.ts intoRowsByBin), with scratch of its own: each bin's entries in
 * column order by a counting sort where the columns are few beside the entries, else as they are (sortRowsByColumn
 * then sorts each row).
 */
function binsIntoRows(
  rowOf: Int32Array | PackedRows, colOf: Int32Array | Uint16Array, colIndex: Int32Array | Uint16Array, values: Float64Array | Float32Array,
  rowStart: Int32Array, binStart: Int32Array, cols: number,
): void {
  const rows = rowStart.length - 1;
  const bins = binStart.length - 1;
  let largest = 0;
  for (let b = 0; b < bins; b++) largest = Math.max(largest, binStart[b + 1] - binStart[b]);
  const Values = values.constructor as Float64ArrayConstructor | Float32ArrayConstructor;
  const colStart = byColumn(bins, cols, rowStart[rows]) ? new Int32Array(cols + 1) : undefined;
  const sorted = { rows: rowOf instanceof Int32Array ? new Int32Array(largest) : undefined, cols: new Int32Array(largest), values: new Values(largest) };
  intoRowsByBin(rowOf, colOf, colIndex, values, rowStart.slice(0, rows), binStart, 0, bins, cols, colStart, sorted);
}

/**
 * Whether bins are put in column order by a counting sort: its pass over every column, once a bin, is worth it while
 * the bins' columns are not many more than the entries.
 */
function byColumn(bins: number, cols: number, entries: number, passes = 2): boolean {
  return bins * cols <= passes * entries;
}

/**
 * byColumn's bound in the run's kernel, where a pass over the columns (memory.fill, a prefix sum) costs a few
 * nanoseconds a column and the sort of each row it spares is JavaScript's (8M ratings over 40,000 columns in 1,172
 * bins: 0.75 s of row sorts spared).
 */
const KERNEL_COLUMN_PASSES = 32;

/** The bits a packed entry may use: 31 (a non-negative Int32); settable for tests of the scratch array's path. */
export const packing = { bits: 31 };

/** Rows of at most this many entries are sorted by insertion. */
const SHORT_ROW = 64;

/**
 * Each row's stretch sorted by column where it is not in order already (ties, which are errors, by their
 * place in the stretch). `duplicate(i, j)`: the error for column j given twice in row i.
 */
function sortRowsByColumn(
  rowStart: Int32Array, colIndex: Int32Array | Uint16Array, values: Float64Array | Float32Array, cols: number, duplicate: (row: number, col: number) => RangeError,
): void {
  const rows = rowStart.length - 1;
  let longest = 0;
  for (let i = 0; i < rows; i++) longest = Math.max(longest, rowStart[i + 1] - rowStart[i]);
  // A key per entry of a row: column·2^26 + its place in the row, exact in a double (columns < 2^26).
  const keys = new Float64Array(longest);
  const rowValues = new (values.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(longest);
  for (let i = 0; i < rows; i++) {
    const start = rowStart[i];
    const length = rowStart[i + 1] - start;
    let ascending = true;
    for (let t = start + 1; t < start + length && ascending; t++) ascending = colIndex[t] > colIndex[t - 1];
    if (ascending) continue;
    if (length > MAX_DIMENSION) {
      throw new RangeError(`X: row ${i} has ${length} entries, more than its ${cols} columns: some (row, column) is given more than once`);
    }
    if (length <= SHORT_ROW) {
      // A stable insertion sort in place: for the short rows of most rating data, several times sooner than keys.
      for (let u = start + 1; u < start + length; u++) {
        const col = colIndex[u];
        const x = values[u];
        let t = u - 1;
        for (; t >= start && colIndex[t] > col; t--) {
          colIndex[t + 1] = colIndex[t];
          values[t + 1] = values[t];
        }
        colIndex[t + 1] = col;
        values[t + 1] = x;
      }
      for (let t = start + 1; t < start + length; t++) if (colIndex[t] === colIndex[t - 1]) throw duplicate(i, colIndex[t]);
      continue;
    }
    const segment = keys.subarray(0, length);
    for (let u = 0; u < length; u++) segment[u] = colIndex[start + u] * MAX_DIMENSION + u;
    segment.sort();
    rowValues.set(values.subarray(start, start + length));
    for (let u = 0; u < length; u++) {
      const t = start + u;
      colIndex[t] = Math.floor(segment[u] / MAX_DIMENSION);
      values[t] = rowValues[segment[u] % MAX_DIMENSION];
      if (u > 0 && colIndex[t] === colIndex[t - 1]) throw duplicate(i, colIndex[t]);
    }
  }
}

/** The error for a pair given twice in arrays handed over (their order is gone: the pair is named, by id where X has ids). */
function duplicateOf(X: SparseMatrixInput, row: number, col: number): RangeError {
  const name = (ids: unknown, index: number) => (Array.isArray(ids) ? JSON.stringify(ids[index]) : String(index));
  return new RangeError(`X: expected each (row, column) at most once, got (${name((X as Ids).rowIds, row)}, ${name((X as Ids).colIds, col)}) twice`);
}

/** The error for (row, col) given twice, naming its first two entries in the caller's order. */
function duplicate(row: number, col: number, rowOf: Int32Array, colOf: Int32Array): RangeError {
  const entries: number[] = [];
  for (let p = 0; p < rowOf.length && entries.length < 2; p++) if (rowOf[p] === row && colOf[p] === col) entries.push(p);
  return new RangeError(`X: expected each (row, column) at most once, got (${row}, ${col}) twice, at entries ${entries[0]} and ${entries[1]}`);
}

/** Whether every value is a float32 value, so that a Float32Array holds them without loss. */
export function exactInFloat32(values: ArrayLike<number>): boolean {
  for (let p = 0; p < values.length; p++) if (Math.fround(values[p]) !== values[p]) return false;
  return true;
}

/** A backend's one pass over a dense X (Backend.summarize). */
export type Summarize = (values: Float64Array, rows: number, cols: number, wanted?: Wanted) => Promise<DenseSummary>;

/** X validated, in the layout it came in, with what the rest of a fit needs to know about its values. */
export interface Given {
  problem: Problem;
  /** Over the observed values: mean, min, max, Σx² and Σ(x − mean)² (NaN unless wanted). */
  stats: { mean: number; min: number; max: number; squares: number; deviation: number };
  /** Observations per row and per column (as f64: the kernels scale penalties by them). */
  rowCounts: Float64Array;
  colCounts: Float64Array;
  /** Each row's observed columns (CSR); for a dense X made on first use. */
  observed: { readonly rowStart: Int32Array; readonly colIndex: Int32Array };
  /**
   * The observed values in CSR (row-major) order (a Float32Array when that loses nothing); for a dense X, empty
   * unless wanted.
   */
  observedValues: Float64Array | Float32Array;
}

function sparseInput(X: SparseMatrixInput, wanted?: Wanted, target?: CsrTarget): Given {
  const { problem, build } = sparseProblem(X, target);
  const deviation = wanted?.deviation !== false;
  // In a run's memory, the run's kernels find the same statistics and counts.
  const { stats, colCounts } = build ? statsInRun(build, problem.rowStart, problem.cols, deviation) : { stats: sparseStats(problem, deviation), colCounts: undefined };
  // The column indices out of the run's values' bytes, which the run writes when it starts: an array of the fit's own,
  // which the model's four-byte ones replace after training (a run's memory never shrinks: in it they would stay with
  // the model).
  if (build) problem.colIndex = problem.colIndex.slice();
  // Column indices in two bytes are the run's (CsrTarget): it hands the model four-byte ones after training.
  const colIndex = problem.colIndex instanceof Int32Array ? problem.colIndex : new Int32Array(0);
  return { problem, stats, ...counts(problem, colCounts), observed: { rowStart: problem.rowStart, colIndex }, observedValues: problem.values };
}

/**
 * Validates X (dense with a mask, dense with NaN for missing, or sparse coordinates) and returns the canonical problem
 * in the layout it came in, with what `wanted` asks of its values; a dense X is checked by `summarize`. `target`: where
 * a sparse X's CSR may be built (a run's memory; CsrTarget).
 */
export async function readObservations(
  X: unknown, mask: unknown, summarize: Summarize, wanted?: Wanted, target?: CsrTarget,
): Promise<Given> {
  let given: Given;
  if (isSparseInput(X)) {
    if (mask !== undefined) {
      throw new TypeError('mask: expected no mask with sparse X ({ rowIndices, colIndices, values } lists only observed entries)');
    }
    given = sparseInput(X, wanted, target);
    // A handed-over X gave up its row indices once its entries were in row order: collected now (where the host
    // gives a way), before the run's memory is written, not beside it.
    if (handedOver.has(X)) collectGarbage();
  } else {
    if (ArrayBuffer.isView(X)) {
      throw new TypeError(`X: expected number[][] or { rows, cols, data } (a flat array needs its shape), or sparse { rows, cols, rowIndices, colIndices, values }; got ${describe(X)}`);
    }
    if (!Array.isArray(X) && !(isObject(X) && 'data' in X)) {
      throw new TypeError(`X: expected number[][], { rows, cols, data } or { rows, cols, rowIndices, colIndices, values }, got ${describe(X)}`);
    }
    given = await denseInput(X, mask, summarize, wanted);
  }
  const { problem } = given;
  if (problem.observedCount === 0) {
    throw new RangeError(
      `X: expected at least one observed entry, got none (${problem.rows}×${problem.cols}, ` +
        `${problem.layout === 'sparse' ? 'empty lists' : mask === undefined ? 'every entry NaN' : 'every entry masked out'})`,
    );
  }
  return given;
}

/** Validates held-out observations against X's shape. */
export function readValidation(
  value: unknown, rows: number, cols: number, ids: { rowIds: readonly Key[] | null; colIds: readonly Key[] | null },
): Observations {
  const given = value as Partial<SparseMatrixInput & { rowIds: unknown; colIds: unknown }>;
  if (given.rows !== undefined && given.rowIds === undefined && given.rows !== rows) {
    throw new RangeError(`options.validation.rows: expected X's ${rows}, got ${describe(given.rows)}`);
  }
  if (given.cols !== undefined && given.colIds === undefined && given.cols !== cols) {
    throw new RangeError(`options.validation.cols: expected X's ${cols}, got ${describe(given.cols)}`);
  }
  for (const key of Object.keys(given)) {
    if (!['rows', 'cols', 'rowIndices', 'colIndices', 'values', 'rowIds', 'colIds'].includes(key)) {
      throw new TypeError(`options.validation: unknown key '${key}'; expected rowIndices, colIndices, values (and optionally rows, cols, rowIds, colIds)`);
    }
  }
  const values = finiteValues('options.validation.values', given.values);
  if (values.length === 0) throw new RangeError('options.validation: expected at least one observation, got none');
  return {
    rowIndex: validationSide('row', given.rowIndices, given.rowIds, ids.rowIds, values.length, rows),
    colIndex: validationSide('col', given.colIndices, given.colIds, ids.colIds, values.length, cols),
    values,
  };
}

/**
 * A validation set's rows (or columns) as indices into X: its indices as they are, or — with ids of its own, as
 * trainTestSplit's test set has — its ids looked up among X's (no lookup when they are X's own list).
 */
function validationSide(side: 'row' | 'col', indices: unknown, theirIds: unknown, ownIds: readonly Key[] | null, length: number, count: number): Int32Array {
  const name = `options.validation.${side}Indices`;
  const idsName = `options.validation.${side}Ids`;
  if (theirIds === undefined) return indexList(name, indices, length, count, side === 'row' ? 'X.rows' : 'X.cols');
  const their = ids(idsName, theirIds, arrayLike(idsName, theirIds).length);
  const index = indexList(name, indices, length, their.length, `${idsName}.length`);
  if (!ownIds) throw new TypeError(`${idsName}: X has no ${side} ids to match them to; give ${side}Indices into X without ${side}Ids`);
  if (their === ownIds || (their.length === ownIds.length && their.every((id, i) => id === ownIds[i]))) return index;
  const at = new Map(ownIds.map((id, i) => [String(id), i]));
  return index.map((i, t) => {
    const own = at.get(String(their[i]));
    if (own === undefined) throw new RangeError(`${name}[${t}]: id ${JSON.stringify(their[i])} is not among X's ${side} ids`);
    return own;
  });
}



/**
 * The shape X declares, read without touching its entries, so that the memory a run needs can be
 * checked before anything is allocated for it; undefined where X does not declare one (nested arrays,
 * which the caller has already allocated, or input that readObservations will reject).
 */
export function declaredShape(X: unknown): { rows: number; cols: number; entries: number } | undefined {
  if (!isObject(X) || Array.isArray(X)) return undefined;
  const { rows, cols } = X;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_DIMENSION;
  if (!valid(rows) || !valid(cols)) return undefined;
  if (isSparseInput(X)) {
    const length = (X.values as { length?: unknown } | undefined)?.length;
    return typeof length === 'number' ? { rows, cols, entries: Math.min(length, rows * cols) } : undefined;
  }
  return { rows, cols, entries: rows * cols };
}

/** The ids given with X, if any. */
export function readIds(X: unknown, rows: number, cols: number): { rowIds: readonly (string | number)[] | null; colIds: readonly (string | number)[] | null } {
  if (!isObject(X) || Array.isArray(X)) return { rowIds: null, colIds: null };
  return {
    rowIds: X.rowIds === undefined ? null : ids('X.rowIds', X.rowIds, rows, 'X.rows = ' + rows),
    colIds: X.colIds === undefined ? null : ids('X.colIds', X.colIds, cols, 'X.cols = ' + cols),
  };
}
