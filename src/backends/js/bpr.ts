// Pure-TypeScript twin of assembly/bpr.ts: the same draws, the same exp and log in plain arithmetic, the same
// order of operations.
import { log } from '../../math/rng.js';
import type { RealArray } from '../../types.js';
import { dot } from './vector.js';

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const LIMIT = 40;

// 2^n built from its bits, as the kernel's reinterpret does.
const power = new Float64Array(1);
const powerWords = new Int32Array(power.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** e^x for |x| ≤ 40 (assembly/fdlibm.ts expOf). */
export function expOf(x: number): number {
  const n = Math.floor(x * INV_LN2 + 0.5);
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = 2.08767569878680989792e-09;
  p = p * r + 2.50521083854417187751e-08;
  p = p * r + 2.75573192239858906526e-07;
  p = p * r + 2.75573192239858906526e-06;
  p = p * r + 2.48015873015873015873e-05;
  p = p * r + 1.98412698412698412698e-04;
  p = p * r + 1.38888888888888888889e-03;
  p = p * r + 8.33333333333333333333e-03;
  p = p * r + 4.16666666666666666667e-02;
  p = p * r + 1.66666666666666666667e-01;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  powerWords[HIGH] = (n + 1023) << 20;
  powerWords[1 - HIGH] = 0;
  return p * power[0];
}

function has(colIndex: Int32Array, from: number, to: number, j: number): boolean {
  while (from < to) {
    const middle = (from + to) >>> 1;
    const c = colIndex[middle];
    if (c === j) return true;
    if (c < j) from = middle + 1;
    else to = middle;
  }
  return false;
}

export function bprEpoch(
  rowStart: Int32Array, colIndex: Int32Array, rowOf: Int32Array, w: RealArray, ht: RealArray, state: Int32Array, count: number,
  cols: number, samples: number, width: number, rank: number, learningRate: number, lambdaW: number, lambdaH: number, biasLambda: number,
  mode: number,
): number {
  let s = state[0];
  let loss = 0;
  for (let t = 0; t < samples; t++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const p = Math.floor((s >>> 0) * 2.3283064365386963e-10 * count);
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = Math.floor((s >>> 0) * 2.3283064365386963e-10 * cols);
    const u = rowOf[p];
    if (has(colIndex, rowStart[u], rowStart[u + 1], j)) continue;
    const wu = u * width;
    const hi = colIndex[p] * width;
    const hj = j * width;
    let x = dot(w, wu, ht, hi, width) - dot(w, wu, ht, hj, width);
    x = x > LIMIT ? LIMIT : x < -LIMIT ? -LIMIT : x;
    loss += log(1.0 + expOf(-x));
    if (mode === 0) continue;
    const z = 1.0 / (1.0 + expOf(x));
    for (let k = 0; k < rank; k++) {
      const a = w[wu + k];
      const b = ht[hi + k];
      const c = ht[hj + k];
      w[wu + k] = a + learningRate * (z * (b - c) - lambdaW * a);
      if (mode === 1) {
        ht[hi + k] = b + learningRate * (z * a - lambdaH * b);
        ht[hj + k] = c + learningRate * (-z * a - lambdaH * c);
      }
    }
    if (mode === 1 && width > rank) {
      const b = ht[hi + rank + 1];
      const c = ht[hj + rank + 1];
      ht[hi + rank + 1] = b + learningRate * (z - biasLambda * b);
      ht[hj + rank + 1] = c + learningRate * (-z - biasLambda * c);
    }
  }
  state[0] = s;
  return loss;
}
