// Stochastic gradient descent: one update of a row's and a column's factors per observation. The
// observations are stored in visiting order, block after block (src/solvers/order.ts); an epoch takes the
// blocks in the order given (the TypeScript side draws a seeded permutation of them each epoch) and
// each block front to back.
//
// With `adaptive`, each row and column has its own step η/√G, where G starts at 1 and grows by the
// mean squared gradient of each of its updates (AdaGrad per row and column, as LIBMF does), so one
// learningRate suits rows with 5 and with 5,000 observations.
//
// Layout: blockOrder i32[blocks], blockStart i32[blocks+1], cells u32[nnz] (or u32[2·nnz], below), values
// f64[nnz] (both in stored order; each observation's target is its value less `center`), blockRowBase and blockColBase i32[blocks], w M×rank, ht N×rank, rowScale
// f64[M], colScale f64[N] (the G's), parameter blocks as in update.ts.
//
// A cell is an observation's row and column as offsets from its block's first row and first column: row offset
// << colBits | column offset, in a u32 (4 bytes where a row and a column index took 8) — or, when the offsets
// need more than 32 bits together (colBits 32), in a u64. The kernels are instantiated for each width, so the
// loops decode with no choice inside them.

import { SHIFT, centred, get, get2, put, put2, splatAt } from "./real";
import { updated } from "./update";
import { dot, dotA, dotB, dotC, dotD, pairDots4, singleDots4, singleLanes } from "./vector";

/**
 * How many leading coordinates of both factors update plainly: step 1, no L1, no lower bound and one
 * L2 weight per factor (the latent coordinates, unless non-negative or L1 is set). Those are updated
 * two at a time in f64x2, the rest (biases, the frozen 1s) one at a time through updated(), which
 * gives the same value: with step 1 and count 1 it is value + η·(gradient − l2·value).
 */
export function plainCoordinates(wParams: usize, hParams: usize, rank: i32): i32 {
  const block = <usize>rank << SHIFT;
  const l2W = get(wParams + block);
  const l2H = get(hParams + block);
  let k = 0;
  for (; k < rank; k++) {
    const offset = <usize>k << SHIFT;
    if (!plainAt(wParams + offset, block, l2W) || !plainAt(hParams + offset, block, l2H)) break;
  }
  return k;
}

// @ts-ignore: decorator
@inline
function plainAt(at: usize, block: usize, l2: f64): bool {
  return get(at) == 1 && get(at + block) == l2 && get(at + 2 * block) == 0 && get(at + 3 * block) == -Infinity;
}

/**
 * One epoch. The adaptive scales add each coordinate's squared step: for the plain pairs in two lanes
 * (even and odd k), lanes added, then the remaining coordinates in order (src/backends/js/sgd.ts copies this).
 */
export function sgdEpoch(
  blockOrder: usize, blocks: i32, blockStart: usize, cells: usize, blockRowBase: usize, blockColBase: usize, colBits: i32, values: usize, center: f64,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  for (let b = 0; b < blocks; b++) {
    const block = <usize>load<i32>(blockOrder + (<usize>b << 2));
    const start = load<i32>(blockStart + (block << 2));
    const end = load<i32>(blockStart + (block << 2), 4);
    const rowBase = <usize>load<i32>(blockRowBase + (block << 2));
    const colBase = <usize>load<i32>(blockColBase + (block << 2));
    if (colBits < 32) sgdRange<u32>(start, end, cells, rowBase, colBase, colBits, values, center, w, ht, wParams, hParams, rowScale, colScale, rank, learningRate, adaptive);
    else sgdRange<u64>(start, end, cells, rowBase, colBase, colBits, values, center, w, ht, wParams, hParams, rowScale, colScale, rank, learningRate, adaptive);
  }
}

/** The row of stored observation p, from its cell (a u32 or a u64) and its block's first row. */
// @ts-ignore: decorator
@inline
function cellRow<Cell>(cells: usize, p: usize, rowBase: usize, colBits: i32): usize {
  return rowBase + <usize>(load<Cell>(cells + p * sizeof<Cell>()) >> <Cell>colBits);
}

/** The column of stored observation p, from its cell and its block's first column. */
// @ts-ignore: decorator
@inline
function cellCol<Cell>(cells: usize, p: usize, colBase: usize, colBits: i32): usize {
  return colBase + <usize>(load<Cell>(cells + p * sizeof<Cell>()) & ((<Cell>1 << <Cell>colBits) - 1));
}

/** A stored value less `center` (real.ts centred), of the build's storage. */
// @ts-ignore: decorator
@inline
function target(at: usize, index: usize, center: f64): f64 {
  // @ts-ignore: SINGLE
  return SINGLE ? centred<f32>(at, index, center) : centred<f64>(at, index, center);
}

/** The updates of stored observations start…end−1, in that order. */
function sgdRange<Cell>(
  start: i32, end: i32, cells: usize, rowBase: usize, colBase: usize, colBits: i32, values: usize, center: f64,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  // @ts-ignore: SINGLE
  if (SINGLE) {
    sgdRangeSingle<Cell>(start, end, cells, rowBase, colBase, colBits, values, center, w, ht, wParams, hParams, rowScale, colScale, rank, learningRate, adaptive);
    return;
  }
  const rankBytes = <usize>rank << SHIFT;
  const block = <usize>rank << SHIFT;
  const pairs = plainCoordinates(wParams, hParams, rank) & ~1;
  const l2W = f64x2.splat(get(wParams + block));
  const l2H = f64x2.splat(get(hParams + block));
  for (let t = start; t < end; t++) {
    const p = <usize>t;
    const i = cellRow<Cell>(cells, p, rowBase, colBits);
    const j = cellCol<Cell>(cells, p, colBase, colBits);
    const wi = w + i * rankBytes;
    const hj = ht + j * rankBytes;
    const error = target(values, p, center) - dot(wi, hj, rank);
    const rowAt = rowScale + (i << SHIFT);
    const colAt = colScale + (j << SHIFT);
    const etas = steps(rowAt, colAt, learningRate, adaptive);
    const etaW = f64x2.extract_lane(etas, 0);
    const etaH = f64x2.extract_lane(etas, 1);
    const errors = f64x2.splat(error);
    const stepW = f64x2.splat(etaW);
    const stepH = f64x2.splat(etaH);
    let lanesW = f64x2.splat(0);
    let lanesH = f64x2.splat(0);
    for (let k = 0; k < pairs; k += 2) {
      const offset = <usize>k << SHIFT;
      const wk = get2(wi + offset);
      const hk = get2(hj + offset);
      const gw = f64x2.sub(f64x2.mul(errors, hk), f64x2.mul(l2W, wk));
      const gh = f64x2.sub(f64x2.mul(errors, wk), f64x2.mul(l2H, hk));
      put2(wi + offset, f64x2.add(wk, f64x2.mul(stepW, gw)));
      put2(hj + offset, f64x2.add(hk, f64x2.mul(stepH, gh)));
      lanesW = f64x2.add(lanesW, f64x2.mul(gw, gw));
      lanesH = f64x2.add(lanesH, f64x2.mul(gh, gh));
    }
    const squaresW = f64x2.extract_lane(lanesW, 0) + f64x2.extract_lane(lanesW, 1);
    const squaresH = f64x2.extract_lane(lanesH, 0) + f64x2.extract_lane(lanesH, 1);
    finishUpdate(pairs, wi, hj, wParams, hParams, rowAt, colAt, rank, error, etaW, etaH, squaresW, squaresH, adaptive);
  }
}

/** Both adaptive steps η/√G in one f64x2 sqrt and divide (each lane rounds as the scalar would), or η twice. */
// @ts-ignore: decorator
@inline
function steps(rowAt: usize, colAt: usize, learningRate: f64, adaptive: bool): v128 {
  return adaptive
    ? f64x2.div(f64x2.splat(learningRate), f64x2.sqrt(f64x2.replace_lane(splatAt(rowAt), 1, get(colAt))))
    : f64x2.splat(learningRate);
}

/**
 * One observation's update from coordinate `first` on (what the plain lanes left: biases, frozen 1s,
 * penalised or bounded coordinates) through updated(), in f64; then the adaptive scales gain the mean
 * squared gradient, `squaresW`/`squaresH` being the plain coordinates' share.
 */
// @ts-ignore: decorator
@inline
function finishUpdate(
  first: i32, wi: usize, hj: usize, wParams: usize, hParams: usize, rowAt: usize, colAt: usize, rank: i32,
  error: f64, etaW: f64, etaH: f64, squaresW: f64, squaresH: f64, adaptive: bool,
): void {
  const block = <usize>rank << SHIFT;
  for (let k = first; k < rank; k++) {
    const offset = <usize>k << SHIFT;
    const wk = get(wi + offset);
    const hk = get(hj + offset);
    put(wi + offset, updated(wk, error * hk, 1, etaW, wParams, k, rank));
    put(hj + offset, updated(hk, error * wk, 1, etaH, hParams, k, rank));
    if (adaptive) {
      // Only trainable coordinates (step ≠ 0) count towards the adaptive scale.
      const gw = (error * hk - get(wParams + block + offset) * wk) * get(wParams + offset);
      const gh = (error * wk - get(hParams + block + offset) * hk) * get(hParams + offset);
      squaresW += gw * gw;
      squaresH += gh * gh;
    }
  }
  if (adaptive) {
    put(rowAt, get(rowAt) + squaresW / rank);
    put(colAt, get(colAt) + squaresH / rank);
  }
}

/**
 * The float32 build's sgdRange: the plain coordinates four at a time in f32x4 arithmetic, as LIBMF's SSE
 * code computes in float — half the vector operations of widening every pair to f64x2 (bench:sgd). Four
 * lanes take positions k mod 4; lanes are summed in f64 as (0 + 1) + (2 + 3); the prediction's remaining
 * coordinates, the error, the steps and the rest of the update are f64 as in sgdRange
 * (src/backends/js/sgd.ts sgdEpochSingle copies this order, rounding each f32 operation with Math.fround).
 */
function sgdRangeSingle<Cell>(
  start: i32, end: i32, cells: usize, rowBase: usize, colBase: usize, colBits: i32, values: usize, center: f64,
  w: usize, ht: usize, wParams: usize, hParams: usize, rowScale: usize, colScale: usize,
  rank: i32, learningRate: f64, adaptive: bool,
): void {
  const rankBytes = <usize>rank << 2;
  const quads = plainCoordinates(wParams, hParams, rank) & ~3;
  const l2W = f32x4.splat(load<f32>(wParams + rankBytes));
  const l2H = f32x4.splat(load<f32>(hParams + rankBytes));
  for (let t = start; t < end; t++) {
    const p = <usize>t;
    const i = cellRow<Cell>(cells, p, rowBase, colBits);
    const j = cellCol<Cell>(cells, p, colBase, colBits);
    const wi = w + i * rankBytes;
    const hj = ht + j * rankBytes;
    const prediction = singleDot(wi, hj, quads, rank);
    const error = target(values, p, center) - prediction;
    const rowAt = rowScale + (i << 2);
    const colAt = colScale + (j << 2);
    const etas = steps(rowAt, colAt, learningRate, adaptive);
    const etaW = f64x2.extract_lane(etas, 0);
    const etaH = f64x2.extract_lane(etas, 1);
    const errors = f32x4.splat(<f32>error);
    const stepW = f32x4.splat(<f32>etaW);
    const stepH = f32x4.splat(<f32>etaH);
    let lanesW = f32x4.splat(0);
    let lanesH = f32x4.splat(0);
    for (let k = 0; k < quads; k += 4) {
      const offset = <usize>k << 2;
      const wk = v128.load(wi + offset);
      const hk = v128.load(hj + offset);
      const gw = f32x4.sub(f32x4.mul(errors, hk), f32x4.mul(l2W, wk));
      const gh = f32x4.sub(f32x4.mul(errors, wk), f32x4.mul(l2H, hk));
      v128.store(wi + offset, f32x4.add(wk, f32x4.mul(stepW, gw)));
      v128.store(hj + offset, f32x4.add(hk, f32x4.mul(stepH, gh)));
      lanesW = f32x4.add(lanesW, f32x4.mul(gw, gw));
      lanesH = f32x4.add(lanesH, f32x4.mul(gh, gh));
    }
    finishUpdate(quads, wi, hj, wParams, hParams, rowAt, colAt, rank, error, etaW, etaH, singleLanes(lanesW), singleLanes(lanesH), adaptive);
  }
}

/**
 * w·h over float32 rows: the first `quads` positions in four f32 lanes (lane k mod 4), the lanes added in
 * f64, then the remaining positions in f64 (src/backends/js/sgd.ts singleDot).
 */
// @ts-ignore: decorator
@inline
function singleDot(wi: usize, hj: usize, quads: i32, rank: i32): f64 {
  let products = f32x4.splat(0);
  for (let k = 0; k < quads; k += 4) {
    const offset = <usize>k << 2;
    products = f32x4.add(products, f32x4.mul(v128.load(wi + offset), v128.load(hj + offset)));
  }
  let sum = singleLanes(products);
  for (let k = quads; k < rank; k++) sum += get(wi, k) * get(hj, k);
  return sum;
}


/**
 * w·h as this build's sgd sums a prediction: dot() in f64; in float32 singleDot (four f32 lanes over the first
 * rank & ~3 coordinates, lanes added in f64, the rest in f64), as sgdRangeSingle sums it.
 */
// @ts-ignore: decorator
@inline
function oneDot(wi: usize, hj: usize, rank: i32): f64 {
  // @ts-ignore: SINGLE
  return SINGLE ? singleDot(wi, hj, rank & ~3, rank) : dot(wi, hj, rank);
}

/** Four predictions into dotA…dotD, each with oneDot's bits (four at once only so that their loads overlap). */
// @ts-ignore: decorator
@inline
function fourDots(a0: usize, b0: usize, a1: usize, b1: usize, a2: usize, b2: usize, a3: usize, b3: usize, rank: i32): void {
  // @ts-ignore: SINGLE
  if (SINGLE) singleDots4(a0, b0, a1, b1, a2, b2, a3, b3, rank & ~3, rank);
  else pairDots4(a0, b0, a1, b1, a2, b2, a3, b3, rank);
}

/** `loss` plus the squared residuals of the four values at `at` against fourDots's predictions (clamped), in order. */
// @ts-ignore: decorator
@inline
function plusFourSquares(loss: f64, at: usize, center: f64, low: f64, high: f64): f64 {
  // @ts-ignore: SINGLE
  return SINGLE ? plusFourSquaresOf<f32>(loss, at, center, low, high) : plusFourSquaresOf<f64>(loss, at, center, low, high);
}

/** plusFourSquares over values of V (the build's, or float32). */
// @ts-ignore: decorator
@inline
function plusFourSquaresOf<V>(loss: f64, at: usize, center: f64, low: f64, high: f64): f64 {
  const r0 = centred<V>(at, 0, center) - min(max(dotA, low), high);
  const r1 = centred<V>(at, 1, center) - min(max(dotB, low), high);
  const r2 = centred<V>(at, 2, center) - min(max(dotC, low), high);
  const r3 = centred<V>(at, 3, center) - min(max(dotD, low), high);
  loss += r0 * r0;
  loss += r1 * r1;
  loss += r2 * r2;
  return loss + r3 * r3;
}

/**
 * ½ Σ (x − clamp(w·h, low, high))² over the stored observations, in stored order; four observations'
 * products at a time as independent chains (fourDots), each with oneDot's bits, their squares added in order. The
 * objective passes ±Infinity (a clamp that changes nothing); the training error of clipped predictions
 * passes the clip range less μ.
 */
export function observedLoss(rowOf: usize, colOf: usize, values: usize, count: i32, w: usize, ht: usize, rank: i32, low: f64, high: f64): f64 {
  const rankBytes = <usize>rank << SHIFT;
  let loss = 0.0;
  let p = 0;
  for (; p + 4 <= count; p += 4) {
    const rows = rowOf + (<usize>p << 2);
    const cols = colOf + (<usize>p << 2);
    fourDots(
      w + <usize>load<i32>(rows) * rankBytes, ht + <usize>load<i32>(cols) * rankBytes,
      w + <usize>load<i32>(rows, 4) * rankBytes, ht + <usize>load<i32>(cols, 4) * rankBytes,
      w + <usize>load<i32>(rows, 8) * rankBytes, ht + <usize>load<i32>(cols, 8) * rankBytes,
      w + <usize>load<i32>(rows, 12) * rankBytes, ht + <usize>load<i32>(cols, 12) * rankBytes, rank,
    );
    loss = plusFourSquares(loss, values + (<usize>p << SHIFT), 0, low, high);
  }
  for (; p < count; p++) {
    const at = <usize>p << 2;
    const prediction = oneDot(w + <usize>load<i32>(rowOf + at) * rankBytes, ht + <usize>load<i32>(colOf + at) * rankBytes, rank);
    const r = get(values + (<usize>p << SHIFT)) - min(max(prediction, low), high);
    loss += r * r;
  }
  return 0.5 * loss;
}

/**
 * observedLoss over observations from…to−1 stored in CSR order (rowStart, colIndex, values), each one's row found
 * from rowStart, followed forward from `row` (the row holding `from`): the same sums in the same order as
 * observedLoss over (row, column) lists of those observations — four at a time from `from`, across row ends —
 * without a row index per observation.
 */
export function csrLoss(
  rowStart: usize, colIndex: usize, values: usize, row: i32, from: i32, to: i32, w: usize, ht: usize, rank: i32, low: f64, high: f64,
  center: f64, singleValues: bool,
): f64 {
  // @ts-ignore: SINGLE
  return SINGLE || singleValues
    ? csrLossOf<f32>(rowStart, colIndex, values, row, from, to, w, ht, rank, low, high, center)
    : csrLossOf<f64>(rowStart, colIndex, values, row, from, to, w, ht, rank, low, high, center);
}

/** csrLoss over values of V (the build's, or float32), each less `center` (real.ts centred). */
function csrLossOf<V>(
  rowStart: usize, colIndex: usize, values: usize, row: i32, from: i32, to: i32, w: usize, ht: usize, rank: i32, low: f64, high: f64,
  center: f64,
): f64 {
  const rankBytes = <usize>rank << SHIFT;
  let end = load<i32>(rowStart + (<usize>row << 2), 4);
  let loss = 0.0;
  let p = from;
  for (; p + 4 <= to; p += 4) {
    while (p >= end) end = load<i32>(rowStart + (<usize>++row << 2), 4);
    const w0 = w + <usize>row * rankBytes;
    while (p + 1 >= end) end = load<i32>(rowStart + (<usize>++row << 2), 4);
    const w1 = w + <usize>row * rankBytes;
    while (p + 2 >= end) end = load<i32>(rowStart + (<usize>++row << 2), 4);
    const w2 = w + <usize>row * rankBytes;
    while (p + 3 >= end) end = load<i32>(rowStart + (<usize>++row << 2), 4);
    const w3 = w + <usize>row * rankBytes;
    const cols = colIndex + (<usize>p << 2);
    fourDots(
      w0, ht + <usize>load<i32>(cols) * rankBytes, w1, ht + <usize>load<i32>(cols, 4) * rankBytes,
      w2, ht + <usize>load<i32>(cols, 8) * rankBytes, w3, ht + <usize>load<i32>(cols, 12) * rankBytes, rank,
    );
    loss = plusFourSquaresOf<V>(loss, values + (<usize>p << alignof<V>()), center, low, high);
  }
  for (; p < to; p++) {
    while (p >= end) end = load<i32>(rowStart + (<usize>++row << 2), 4);
    const prediction = oneDot(w + <usize>row * rankBytes, ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes, rank);
    const r = centred<V>(values + (<usize>p << alignof<V>()), 0, center) - min(max(prediction, low), high);
    loss += r * r;
  }
  return 0.5 * loss;
}

/**
 * observedLoss over stored observations from…to−1 of an sgd run, whose rows and columns are in cells (above):
 * the same sums in the same order (each prediction summed as dot sums it, the squares added one by one in stored
 * order), each observation's row and column found from its block, followed forward from the one holding `from`.
 * Four predictions at a time (fourDots) where four observations lie in one block.
 */
export function cellsLoss(
  blockStart: usize, cells: usize, blockRowBase: usize, blockColBase: usize, colBits: i32, values: usize, center: f64, from: i32, to: i32,
  w: usize, ht: usize, rank: i32, low: f64, high: f64,
): f64 {
  return colBits < 32
    ? cellsLossOf<u32>(blockStart, cells, blockRowBase, blockColBase, colBits, values, center, from, to, w, ht, rank, low, high)
    : cellsLossOf<u64>(blockStart, cells, blockRowBase, blockColBase, colBits, values, center, from, to, w, ht, rank, low, high);
}

function cellsLossOf<Cell>(
  blockStart: usize, cells: usize, blockRowBase: usize, blockColBase: usize, colBits: i32, values: usize, center: f64, from: i32, to: i32,
  w: usize, ht: usize, rank: i32, low: f64, high: f64,
): f64 {
  const rankBytes = <usize>rank << SHIFT;
  let block: usize = 0;
  let next = load<i32>(blockStart);
  let rowBase: usize = 0;
  let colBase: usize = 0;
  let loss = 0.0;
  let p = from;
  while (p < to) {
    while (p >= next) {
      next = load<i32>(blockStart + (block << 2), 4);
      rowBase = <usize>load<i32>(blockRowBase + (block << 2));
      colBase = <usize>load<i32>(blockColBase + (block << 2));
      block++;
    }
    const q = <usize>p;
    if (p + 4 <= to && p + 4 <= next) {
      fourDots(
        w + cellRow<Cell>(cells, q, rowBase, colBits) * rankBytes, ht + cellCol<Cell>(cells, q, colBase, colBits) * rankBytes,
        w + cellRow<Cell>(cells, q + 1, rowBase, colBits) * rankBytes, ht + cellCol<Cell>(cells, q + 1, colBase, colBits) * rankBytes,
        w + cellRow<Cell>(cells, q + 2, rowBase, colBits) * rankBytes, ht + cellCol<Cell>(cells, q + 2, colBase, colBits) * rankBytes,
        w + cellRow<Cell>(cells, q + 3, rowBase, colBits) * rankBytes, ht + cellCol<Cell>(cells, q + 3, colBase, colBits) * rankBytes, rank,
      );
      loss = plusFourSquares(loss, values + (q << SHIFT), center, low, high);
      p += 4;
      continue;
    }
    const wi = w + cellRow<Cell>(cells, q, rowBase, colBits) * rankBytes;
    const hj = ht + cellCol<Cell>(cells, q, colBase, colBits) * rankBytes;
    const prediction = oneDot(wi, hj, rank);
    const r = target(values, q, center) - min(max(prediction, low), high);
    loss += r * r;
    p++;
  }
  return 0.5 * loss;
}
