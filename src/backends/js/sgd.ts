// Pure-TypeScript twin of assembly/sgd.ts: same updates, same order of sums.
import { updated } from './update.js';
import { dot } from './vector.js';

/**
 * One epoch: the first `blocks` entries of `blockOrder`, each block's stored observations front to back
 * (the observations are stored in visiting order, block by block).
 */
export function sgdEpoch(
  blockOrder: Int32Array, blocks: number, blockStart: Int32Array, rowOf: Int32Array, colOf: Int32Array, values: Float64Array,
  w: Float64Array, ht: Float64Array, wParams: Float64Array, hParams: Float64Array,
  rowScale: Float64Array, colScale: Float64Array, rank: number, learningRate: number, adaptive: number,
): void {
  const pairs = plainCoordinates(wParams, hParams, rank) & ~1;
  const l2W = wParams[rank];
  const l2H = hParams[rank];
  for (let b = 0; b < blocks; b++) {
    const block = blockOrder[b];
    for (let p = blockStart[block]; p < blockStart[block + 1]; p++) {
      const i = rowOf[p];
      const j = colOf[p];
      const wAt = i * rank;
      const hAt = j * rank;
      const error = values[p] - dot(w, wAt, ht, hAt, rank);
      const etaW = adaptive ? learningRate / Math.sqrt(rowScale[i]) : learningRate;
      const etaH = adaptive ? learningRate / Math.sqrt(colScale[j]) : learningRate;
      const lanesW = [0, 0];
      const lanesH = [0, 0];
      for (let k = 0; k < pairs; k++) {
        const wk = w[wAt + k];
        const hk = ht[hAt + k];
        const gw = error * hk - l2W * wk;
        const gh = error * wk - l2H * hk;
        w[wAt + k] = wk + etaW * gw;
        ht[hAt + k] = hk + etaH * gh;
        lanesW[k & 1] += gw * gw;
        lanesH[k & 1] += gh * gh;
      }
      let squaresW = lanesW[0] + lanesW[1];
      let squaresH = lanesH[0] + lanesH[1];
      for (let k = pairs; k < rank; k++) {
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

/** See assembly/sgd.ts. */
export function plainCoordinates(wParams: Float64Array, hParams: Float64Array, rank: number): number {
  const plainAt = (params: Float64Array, k: number) =>
    params[k] === 1 && params[rank + k] === params[rank] && params[2 * rank + k] === 0 && params[3 * rank + k] === -Infinity;
  let k = 0;
  while (k < rank && plainAt(wParams, k) && plainAt(hParams, k)) k++;
  return k;
}

/** ½ Σ (x − w·h)² over the first `count` stored observations, in stored order. */
export function observedLoss(
  rowOf: Int32Array, colOf: Int32Array, values: Float64Array, count: number, w: Float64Array, ht: Float64Array, rank: number,
): number {
  let loss = 0;
  for (let p = 0; p < count; p++) {
    const r = values[p] - dot(w, rowOf[p] * rank, ht, colOf[p] * rank, rank);
    loss += r * r;
  }
  return 0.5 * loss;
}
