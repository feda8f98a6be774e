import type { Scorer } from '../backend.js';

/**
 * The pure-TypeScript scorer: four columns at a time, so the multiply-adds do not wait on each other.
 * With 'float32' it keeps a float32 copy of the factors (half the memory) and scores as the WASM kernel
 * does (assembly/score.ts scoreColumnsF32): w rounded to float32, four float32 lanes per column (each
 * operation one Math.fround), the lanes added in float64, the trailing coordinates in float64.
 */
export function jsScorer(factors: Float64Array, cols: number, width: number, precision: 'float64' | 'float32' = 'float64'): Scorer {
  const out = new Float64Array(cols);
  if (precision === 'float32') return singleScorer(Float32Array.from(factors), cols, width, out);
  const ht = factors;
  return {
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
