// Pure-TypeScript twin of assembly/als.ts: same loops, same order of operations. `gram` and `rhs` are Float64Arrays in
// either precision (Buffers.scratch64), the factors Float32Arrays in a float32 run.
import { axpy, centred, dot } from './vector.js';
import type { RealArray } from '../../types.js';

const MAX_SWEEPS = 2000;

const at = (rank: number, a: number, b: number) => (a >= b ? a * rank + b : b * rank + a);

export function alsHalf(
  start: Int32Array, index: Int32Array, values: RealArray, counts: Float64Array, fixed: RealArray,
  solved: Float64Array, params: Float64Array, n: number, rank: number, gram: Float64Array, rhs: Float64Array,
  coordinateDescent: number, center: number, _singleValues: number,
): void {
  // Each value less `center` (vector.ts centred); `values` is float32 where the kernel's singleValues says so, by its
  // own type here.
  const single = solved instanceof Float32Array;
  const target = (p: number) => centred(values, p, center, single);
  let trainable = 0;
  let invertible = true;
  for (let a = 0; a < rank; a++) {
    if (params[a] === 0) continue;
    trainable++;
    if (!(params[rank + a] > 0)) invertible = false;
  }
  for (let i = 0; i < n; i++) {
    const first = start[i];
    const end = start[i + 1];
    if (first === end) continue;
    if (!coordinateDescent && invertible && end - first < trainable) {
      solveFewObserved(first, end, index, target, fixed, solved, i * rank, params, counts[i], rank, gram, rhs);
      continue;
    }
    gram.fill(0, 0, rank * rank);
    rhs.fill(0, 0, rank);
    for (let p = first; p < end; p++) {
      const f = index[p] * rank;
      axpy(rhs, 0, target(p), fixed, f, rank);
      for (let a = 0; a < rank; a++) axpy(gram, a * rank, fixed[f + a], fixed, f, a + 1);
    }
    const count = counts[i];
    const w = i * rank;
    for (let a = 0; a < rank; a++) gram[a * rank + a] += params[rank + a] * count;
    for (let a = 0; a < rank; a++) {
      if (params[a] !== 0) continue;
      const value = solved[w + a];
      for (let b = 0; b < rank; b++) {
        if (b === a) continue;
        rhs[b] -= gram[at(rank, a, b)] * value;
        gram[at(rank, a, b)] = 0;
      }
      gram[a * rank + a] = 1;
      rhs[a] = value;
    }
    if (coordinateDescent) descend(gram, rhs, solved, w, params, count, rank);
    else choleskySolve(gram, rhs, solved, w, rank);
  }
}

function solveFewObserved(
  first: number, end: number, index: Int32Array, target: (p: number) => number, fixed: RealArray, w: Float64Array, wAt: number,
  params: Float64Array, count: number, rank: number, system: Float64Array, z: Float64Array,
): void {
  const m = end - first;
  for (let p = 0; p < m; p++) {
    const f = index[first + p] * rank;
    let y = target(first + p);
    for (let a = 0; a < rank; a++) if (params[a] === 0) y -= fixed[f + a] * w[wAt + a];
    z[p] = y;
    for (let q = 0; q <= p; q++) {
      const g = index[first + q] * rank;
      let sum = p === q ? 1 : 0;
      for (let a = 0; a < rank; a++) {
        if (params[a] === 0) continue;
        sum += fixed[f + a] * (fixed[g + a] / (params[rank + a] * count));
      }
      system[p * m + q] = sum;
    }
  }
  choleskySolve(system, z, z, 0, m);
  for (let a = 0; a < rank; a++) {
    if (params[a] === 0) continue;
    let sum = 0;
    for (let p = 0; p < m; p++) sum += fixed[index[first + p] * rank + a] * z[p];
    w[wAt + a] = sum / (params[rank + a] * count);
  }
}

export function choleskySolve(gram: Float64Array, rhs: Float64Array, x: Float64Array, xAt: number, rank: number): void {
  for (let j = 0; j < rank; j++) {
    const pivot = Math.sqrt(gram[j * rank + j] - dot(gram, j * rank, gram, j * rank, j));
    gram[j * rank + j] = pivot;
    for (let i = j + 1; i < rank; i++) {
      gram[i * rank + j] = (gram[i * rank + j] - dot(gram, i * rank, gram, j * rank, j)) / pivot;
    }
  }
  for (let i = 0; i < rank; i++) rhs[i] = (rhs[i] - dot(gram, i * rank, rhs, 0, i)) / gram[i * rank + i];
  for (let i = rank - 1; i >= 0; i--) {
    let v = rhs[i];
    for (let k = i + 1; k < rank; k++) v -= gram[k * rank + i] * x[xAt + k];
    x[xAt + i] = v / gram[i * rank + i];
  }
}

function descend(
  gram: Float64Array, rhs: Float64Array, x: Float64Array, xAt: number, params: Float64Array, count: number, rank: number,
): void {
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0;
    let size = 0;
    for (let a = 0; a < rank; a++) {
      if (params[a] === 0) continue;
      let z = rhs[a];
      for (let b = 0; b < rank; b++) if (b !== a) z -= gram[at(rank, a, b)] * x[xAt + b];
      const threshold = params[2 * rank + a] * count;
      if (threshold > 0) z = z > threshold ? z - threshold : z < -threshold ? z + threshold : 0;
      let next = z / gram[a * rank + a];
      const low = params[3 * rank + a];
      if (next < low) next = low;
      change = Math.max(change, Math.abs(next - x[xAt + a]));
      size = Math.max(size, Math.abs(next));
      x[xAt + a] = next;
    }
    if (change <= 1e-12 * size) break;
  }
}
