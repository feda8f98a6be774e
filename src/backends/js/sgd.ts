// Pure-TypeScript twin of assembly/sgd.ts.
import { updated } from './update.js';
import { dot } from './vector.js';

export function sgdEpoch(
  order: Int32Array, rowOf: Int32Array, colOf: Int32Array, values: Float64Array, count: number,
  w: Float64Array, ht: Float64Array, wParams: Float64Array, hParams: Float64Array,
  rowScale: Float64Array, colScale: Float64Array, rank: number, learningRate: number, adaptive: boolean,
): void {
  for (let t = 0; t < count; t++) {
    const p = order[t];
    const i = rowOf[p];
    const j = colOf[p];
    const wAt = i * rank;
    const hAt = j * rank;
    const error = values[p] - dot(w, wAt, ht, hAt, rank);
    const etaW = adaptive ? learningRate / Math.sqrt(rowScale[i]) : learningRate;
    const etaH = adaptive ? learningRate / Math.sqrt(colScale[j]) : learningRate;
    let squaresW = 0;
    let squaresH = 0;
    for (let k = 0; k < rank; k++) {
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
