// Pure-TypeScript twin of assembly/sgd.ts: same updates, same order of sums.
import type { RealArray } from '../../runtime/kernels.js';
import { updated } from './update.js';
import { centred, dot } from './vector.js';

const fround = Math.fround;

/**
 * One epoch: the first `blocks` entries of `blockOrder`, each block's stored observations front to back
 * (the observations are stored in visiting order, block by block). Over Float32Arrays the plain
 * coordinates go four at a time in float32 arithmetic, as the float32 build does (assembly/sgd.ts
 * sgdRangeSingle): every f32x4 operation is one Math.fround of the double result, which for a sum,
 * difference or product of two float32 values is the float32 operation's own rounding.
 */
export function sgdEpoch(
  blockOrder: Int32Array, blocks: number, blockStart: Int32Array, cells: Int32Array, blockRowBase: Int32Array, blockColBase: Int32Array,
  colBits: number, values: RealArray, center: number,
  w: RealArray, ht: RealArray, wParams: RealArray, hParams: RealArray,
  rowScale: RealArray, colScale: RealArray, rank: number, learningRate: number, adaptive: number,
): void {
  const single = w instanceof Float32Array;
  const plain = plainCoordinates(wParams, hParams, rank) & (single ? ~3 : ~1);
  const l2W = wParams[rank];
  const l2H = hParams[rank];
  const lanesW = [0, 0, 0, 0];
  const lanesH = [0, 0, 0, 0];
  for (let b = 0; b < blocks; b++) {
    const block = blockOrder[b];
    const [rowBase, colBase] = [blockRowBase[block], blockColBase[block]];
    for (let p = blockStart[block]; p < blockStart[block + 1]; p++) {
      const i = rowBase + cellRow(cells, p, colBits);
      const j = colBase + cellCol(cells, p, colBits);
      const wAt = i * rank;
      const hAt = j * rank;
      const error = centred(values, p, center, single) - (single ? singleDot(w, wAt, ht, hAt, plain, rank) : dot(w, wAt, ht, hAt, rank));
      const etaW = adaptive ? learningRate / Math.sqrt(rowScale[i]) : learningRate;
      const etaH = adaptive ? learningRate / Math.sqrt(colScale[j]) : learningRate;
      lanesW.fill(0);
      lanesH.fill(0);
      if (single) {
        const [errorF, etaWF, etaHF] = [fround(error), fround(etaW), fround(etaH)];
        for (let k = 0; k < plain; k++) {
          const wk = w[wAt + k];
          const hk = ht[hAt + k];
          const gw = fround(fround(errorF * hk) - fround(l2W * wk));
          const gh = fround(fround(errorF * wk) - fround(l2H * hk));
          w[wAt + k] = wk + fround(etaWF * gw);
          ht[hAt + k] = hk + fround(etaHF * gh);
          lanesW[k & 3] = fround(lanesW[k & 3] + fround(gw * gw));
          lanesH[k & 3] = fround(lanesH[k & 3] + fround(gh * gh));
        }
      } else {
        for (let k = 0; k < plain; k++) {
          const wk = w[wAt + k];
          const hk = ht[hAt + k];
          const gw = error * hk - l2W * wk;
          const gh = error * wk - l2H * hk;
          w[wAt + k] = wk + etaW * gw;
          ht[hAt + k] = hk + etaH * gh;
          lanesW[k & 1] += gw * gw;
          lanesH[k & 1] += gh * gh;
        }
      }
      let squaresW = (lanesW[0] + lanesW[1]) + (lanesW[2] + lanesW[3]);
      let squaresH = (lanesH[0] + lanesH[1]) + (lanesH[2] + lanesH[3]);
      for (let k = plain; k < rank; k++) {
        const wk = w[wAt + k];
        const hk = ht[hAt + k];
        w[wAt + k] = updated(wk, error * hk, 1, etaW, wParams, k, rank);
        ht[hAt + k] = updated(hk, error * wk, 1, etaH, hParams, k, rank);
        if (adaptive) {
          const gw = (error * hk - wParams[rank + k] * wk) * wParams[k];
          const gh = (error * wk - hParams[rank + k] * hk) * hParams[k];
          squaresW += gw * gw;
          squaresH += gh * gh;
        }
      }
      if (adaptive) {
        rowScale[i] += squaresW / rank;
        colScale[j] += squaresH / rank;
      }
    }
  }
}

/** w·h as sgdRangeSingle sums it: the first `quads` positions in four float32 lanes, lanes added in f64, then the rest. */
function singleDot(w: RealArray, wAt: number, ht: RealArray, hAt: number, quads: number, rank: number): number {
  const lanes = [0, 0, 0, 0];
  for (let k = 0; k < quads; k++) lanes[k & 3] = fround(lanes[k & 3] + fround(w[wAt + k] * ht[hAt + k]));
  let sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (let k = quads; k < rank; k++) sum += w[wAt + k] * ht[hAt + k];
  return sum;
}

/** See assembly/sgd.ts. */
export function plainCoordinates(wParams: RealArray, hParams: RealArray, rank: number): number {
  const plainAt = (params: RealArray, k: number) =>
    params[k] === 1 && params[rank + k] === params[rank] && params[2 * rank + k] === 0 && params[3 * rank + k] === -Infinity;
  let k = 0;
  while (k < rank && plainAt(wParams, k) && plainAt(hParams, k)) k++;
  return k;
}

/** An sgd run's cell p (a u32, or with colBits 32 a u64: two words, the column's low): its row's offset in its block (assembly/sgd.ts cellRow). */
function cellRow(cells: Int32Array, p: number, colBits: number): number {
  return colBits < 32 ? cells[p] >>> colBits : cells[2 * p + 1];
}

/** Its column's offset (assembly/sgd.ts cellCol). */
function cellCol(cells: Int32Array, p: number, colBits: number): number {
  return colBits < 32 ? (cells[p] & (2 ** colBits - 1)) >>> 0 : cells[2 * p];
}

/**
 * observedLoss over stored observations from…to−1 of an sgd run, rows and columns from cells and blocks
 * (assembly/sgd.ts cellsLoss).
 */
export function cellsLoss(
  blockStart: Int32Array, cells: Int32Array, blockRowBase: Int32Array, blockColBase: Int32Array, colBits: number, values: RealArray, center: number,
  from: number, to: number, w: RealArray, ht: RealArray, rank: number, low: number, high: number,
): number {
  const single = w instanceof Float32Array;
  let block = 0;
  while (blockStart[block + 1] <= from) block++;
  let loss = 0;
  for (let p = from; p < to; p++) {
    while (p >= blockStart[block + 1]) block++;
    const wAt = (blockRowBase[block] + cellRow(cells, p, colBits)) * rank;
    const hAt = (blockColBase[block] + cellCol(cells, p, colBits)) * rank;
    const prediction = single ? singleDot(w, wAt, ht, hAt, rank & ~3, rank) : dot(w, wAt, ht, hAt, rank);
    const r = centred(values, p, center, single) - Math.min(Math.max(prediction, low), high);
    loss += r * r;
  }
  return 0.5 * loss;
}

/** observedLoss over observations from…to−1 stored in CSR order, `row` the one holding `from` (assembly/sgd.ts csrLoss). */
export function csrLoss(
  rowStart: Int32Array, colIndex: Int32Array, values: RealArray, row: number, from: number, to: number,
  w: RealArray, ht: RealArray, rank: number, low: number, high: number, center: number, _singleValues: number,
): number {
  const single = w instanceof Float32Array;
  let loss = 0;
  for (let p = from; p < to; p++) {
    while (p >= rowStart[row + 1]) row++;
    const [wAt, hAt] = [row * rank, colIndex[p] * rank];
    const prediction = single ? singleDot(w, wAt, ht, hAt, rank & ~3, rank) : dot(w, wAt, ht, hAt, rank);
    const r = centred(values, p, center, single) - Math.min(Math.max(prediction, low), high);
    loss += r * r;
  }
  return 0.5 * loss;
}

/**
 * ½ Σ (x − clamp(w·h, low, high))² over the first `count` stored observations, in stored order (over
 * Float32Arrays, each prediction as singleDot sums it).
 */
export function observedLoss(
  rowOf: Int32Array, colOf: Int32Array, values: RealArray, count: number, w: RealArray, ht: RealArray, rank: number, low: number, high: number,
): number {
  const single = w instanceof Float32Array;
  let loss = 0;
  for (let p = 0; p < count; p++) {
    const [wAt, hAt] = [rowOf[p] * rank, colOf[p] * rank];
    const prediction = single ? singleDot(w, wAt, ht, hAt, rank & ~3, rank) : dot(w, wAt, ht, hAt, rank);
    const r = values[p] - Math.min(Math.max(prediction, low), high);
    loss += r * r;
  }
  return 0.5 * loss;
}
