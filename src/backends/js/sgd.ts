// Pure-TypeScript twin of assembly/sgd.ts: same updates, same order of sums.
import { updated } from './update.js';
import type { Visit } from '../backend.js';
import { dot } from './vector.js';

/**
 * One epoch: the blocks in `blockOrder`, each block's stored observations front to back. The WASM run
 * stores the observations in visiting order; here they stay in CSR order and `positions` maps a stored
 * place to its CSR position, which visits them identically.
 */
export function sgdEpoch(
  blockOrder: Int32Array, { positions, blockStart }: Visit, rowOf: Int32Array, colOf: Int32Array, values: Float64Array,
  w: Float64Array, ht: Float64Array, wParams: Float64Array, hParams: Float64Array,
  rowScale: Float64Array, colScale: Float64Array, rank: number, learningRate: number, adaptive: boolean,
): void {
  const pairs = plainCoordinates(wParams, hParams, rank) & ~1;
  const l2W = wParams[rank];
  const l2H = hParams[rank];
  for (const block of blockOrder) {
    for (let t = blockStart[block]; t < blockStart[block + 1]; t++) {
      const p = positions[t];
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

/** ½ Σ (x − w·h)² over the observations in stored order: CSR position positions[t] for the t-th (CSR order without `positions`). */
export function observedLoss(
  positions: Int32Array | undefined, rowOf: Int32Array, colOf: Int32Array, values: Float64Array, w: Float64Array, ht: Float64Array, rank: number,
): number {
  let loss = 0;
  for (let t = 0; t < values.length; t++) {
    const p = positions ? positions[t] : t;
    const r = values[p] - dot(w, rowOf[p] * rank, ht, colOf[p] * rank, rank);
    loss += r * r;
  }
  return 0.5 * loss;
}
