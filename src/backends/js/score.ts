import { topN } from '../../math/select.js';
import type { Scorer } from '../backend.js';
import type { RealArray } from '../../types.js';

/**
 * The pure-TypeScript scorer: four columns at a time, so the multiply-adds do not wait on each other.
 * With 'float32' it keeps a float32 copy of the factors (half the memory) and scores as the WASM kernel
 * does (assembly/score.ts scoreColumnsF32): w rounded to float32, four float32 lanes per column (each
 * operation one Math.fround), the lanes added in float64, the trailing coordinates in float64.
 */
export function jsScorer(factors: RealArray, cols: number, width: number, precision: 'float64' | 'float32' = 'float64'): Scorer {
  const out = new Float64Array(cols);
  if (precision === 'float32') return singleScorer(Float32Array.from(factors), cols, width, out);
  const ht = factors;
  return {
    order: 'js',
    scores(w, offset) {
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const a = j * width;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < width; k++) {
          const wk = w[k];
          s0 += wk * ht[a + k];
          s1 += wk * ht[a + width + k];
          s2 += wk * ht[a + 2 * width + k];
          s3 += wk * ht[a + 3 * width + k];
        }
        out[j] = offset + s0;
        out[j + 1] = offset + s1;
        out[j + 2] = offset + s2;
        out[j + 3] = offset + s3;
      }
      for (; j < cols; j++) {
        let sum = 0;
        for (let k = 0; k < width; k++) sum += w[k] * ht[j * width + k];
        out[j] = offset + sum;
      }
      return out;
    },
    close() {},
  };
}

function singleScorer(ht: Float32Array, cols: number, width: number, out: Float64Array): Scorer {
  const fround = Math.fround;
  const quads = width & ~3;
  const w32 = new Float32Array(width);
  const lanes = new Float32Array(4);
  return {
    order: 'float32',
    scores(w, offset) {
      w32.set(w);
      for (let j = 0; j < cols; j++) {
        const a = j * width;
        lanes.fill(0);
        for (let k = 0; k < quads; k++) lanes[k & 3] += fround(w32[k] * ht[a + k]);
        let sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (let k = quads; k < width; k++) sum += w32[k] * ht[a + k];
        out[j] = offset + sum;
      }
      return out;
    },
    close() {},
  };
}

/** Every column's score in scoreColumns' order (assembly/score.ts): k's even and odd lanes apart, then added. */
function scoreInSimdOrder(w: Float64Array, wAt: number, ht: Float64Array, cols: number, width: number, offset: number, out: Float64Array): void {
  const pairs = width & ~1;
  for (let j = 0; j < cols; j++) {
    const a = j * width;
    let even = 0;
    let odd = 0;
    for (let k = 0; k < pairs; k += 2) {
      even += w[wAt + k] * ht[a + k];
      odd += w[wAt + k + 1] * ht[a + k + 1];
    }
    let sum = even + odd;
    if (pairs < width) sum += w[wAt + pairs] * ht[a + pairs];
    out[j] = sum + offset;
  }
}

/** Twin of assembly/score.ts recommendRows: the pure-JS scorer's order (0) or scoreColumns' (1), then math/select's topN. */
export function recommendRows(
  rowList: Int32Array, count: number, w: Float64Array, ht: Float64Array, cols: number, width: number, biasAt: number, offset: number,
  colCounts: Float64Array, shrinkage: number, minCount: number, rowStart: Int32Array, colIndex: Int32Array, excludeObserved: number,
  excluded: Int32Array, excludedCount: number, n: number, order: number, scores: Float64Array, outIndex: Int32Array, outScore: Float64Array,
): void {
  const inJsOrder = jsScorer(ht, cols, width);
  for (let r = 0; r < count; r++) {
    const row = rowList[r];
    const wi = w.subarray(r * width, (r + 1) * width);
    if (order === 0) scores.set(inJsOrder.scores(wi, offset));
    else scoreInSimdOrder(w, r * width, ht, cols, width, offset, scores);
    const base = offset + (biasAt >= 0 ? wi[biasAt] : 0);
    for (let c = 0; c < cols; c++) {
      const seen = colCounts[c];
      if (seen < minCount) scores[c] = NaN;
      else if (shrinkage > 0) scores[c] = base + (seen / (seen + shrinkage)) * (scores[c] - base);
    }
    if (excludeObserved) for (let t = rowStart[row]; t < rowStart[row + 1]; t++) scores[colIndex[t]] = NaN;
    for (let t = 0; t < excludedCount; t++) scores[excluded[t]] = NaN;
    const top = topN(scores.subarray(0, cols), n);
    for (let t = 0; t < n; t++) {
      outIndex[r * n + t] = t < top.length ? top[t].index : -1;
      outScore[r * n + t] = t < top.length ? top[t].score : NaN;
    }
  }
}
