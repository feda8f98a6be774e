// Pure-TypeScript twin of assembly/ials.ts: same loops, same order of operations.
import { choleskySolve } from './als.js';
import { axpy, dot } from './vector.js';
import type { RealArray } from '../../types.js';

export function gramian(factors: RealArray, n: number, width: number, out: Float64Array, first: number, count: number): void {
  out.fill(0, first * width, (first + count) * width);
  for (let i = 0; i < n; i++) {
    for (let a = first; a < first + count; a++) axpy(out, a * width, factors[i * width + a], factors, i * width, width);
  }
}

function product(
  gramianOfFixed: Float64Array, lambda: number, v: Float64Array, vAt: number, first: number, end: number, index: Int32Array,
  confidence: Float64Array, fixed: RealArray, width: number, target: Float64Array, targetAt: number,
): void {
  for (let a = 0; a < width; a++) target[targetAt + a] = dot(gramianOfFixed, a * width, v, vAt, width) + lambda * v[vAt + a];
  for (let p = first; p < end; p++) {
    const yAt = index[p] * width;
    axpy(target, targetAt, confidence[p] * dot(fixed, yAt, v, vAt, width), fixed, yAt, width);
  }
}

export function ialsHalf(
  start: Int32Array, index: Int32Array, confidence: Float64Array, fixed: RealArray, solved: Float64Array,
  gramianOfFixed: Float64Array, n: number, width: number, lambda: number, gram: Float64Array, rhs: Float64Array,
  cg: Float64Array, cgSteps: number,
): void {
  // r, p and A·p live in cg at 0, width and 2·width.
  const [r, p, ap] = [0, width, 2 * width];
  for (let u = 0; u < n; u++) {
    const first = start[u];
    const end = start[u + 1];
    const x = u * width;
    if (first === end) {
      solved.fill(0, x, x + width);
      continue;
    }
    if (cgSteps === 0) {
      gram.set(gramianOfFixed.subarray(0, width * width));
      rhs.fill(0, 0, width);
      for (let a = 0; a < width; a++) gram[a * width + a] += lambda;
      for (let q = first; q < end; q++) {
        const yAt = index[q] * width;
        const extra = confidence[q];
        axpy(rhs, 0, 1 + extra, fixed, yAt, width);
        for (let a = 0; a < width; a++) axpy(gram, a * width, extra * fixed[yAt + a], fixed, yAt, a + 1);
      }
      choleskySolve(gram, rhs, solved, x, width);
      continue;
    }
    product(gramianOfFixed, lambda, solved, x, first, end, index, confidence, fixed, width, cg, ap);
    cg.fill(0, r, r + width);
    for (let q = first; q < end; q++) axpy(cg, r, 1 + confidence[q], fixed, index[q] * width, width);
    axpy(cg, r, -1, cg, ap, width);
    cg.copyWithin(p, r, r + width);
    let rsOld = dot(cg, r, cg, r, width);
    for (let step = 0; step < cgSteps; step++) {
      if (rsOld < 1e-20) break;
      product(gramianOfFixed, lambda, cg, p, first, end, index, confidence, fixed, width, cg, ap);
      const alpha = rsOld / dot(cg, p, cg, ap, width);
      axpy(solved, x, alpha, cg, p, width);
      axpy(cg, r, -alpha, cg, ap, width);
      const rsNew = dot(cg, r, cg, r, width);
      const beta = rsNew / rsOld;
      for (let a = 0; a < width; a++) cg[p + a] = cg[r + a] + beta * cg[p + a];
      rsOld = rsNew;
    }
  }
}

export function ialsLoss(
  start: Int32Array, index: Int32Array, confidence: Float64Array, w: Float64Array, ht: Float64Array, gramianOfH: Float64Array,
  rows: number, width: number, scratch: Float64Array,
): number {
  let total = 0;
  for (let u = 0; u < rows; u++) {
    const x = u * width;
    for (let a = 0; a < width; a++) scratch[a] = dot(gramianOfH, a * width, w, x, width);
    let row = dot(w, x, scratch, 0, width);
    for (let q = start[u]; q < start[u + 1]; q++) {
      const s = dot(w, x, ht, index[q] * width, width);
      const miss = 1 - s;
      row += (1 + confidence[q]) * miss * miss - s * s;
    }
    total += row;
  }
  return 0.5 * total;
}
