// Alternating least squares: with one side's factors fixed, each row of the other side is the exact
// minimiser of its regularized least-squares problem. One function solves either half: rows of W
// from CSR order with Hᵀ fixed, or rows of Hᵀ from CSC order with W fixed.
//
// For a row with observations (j, x): minimise ½ Σ (x − w·f_j)² + count·Σ_k (½·l2[k]·w_k² + l1[k]·|w_k|)
// subject to w_k ≥ low[k], with frozen coordinates (step 0: the constant 1 beside a bias) held.
// Without L1 or bounds that is one Cholesky solve of (Σ f fᵀ + count·diag(l2)) w = Σ x f; with them,
// coordinate descent on the same quadratic (non-negative least squares and the lasso in one loop).
//
// Scratch: gram rank×rank (lower triangle used), rhs rank. Nothing is allocated.

import { axpy, dot } from "./vector";

// @ts-ignore: decorator
@inline
function at(matrix: usize, rank: i32, a: i32, b: i32): usize {
  return matrix + ((a >= b ? <usize>a * rank + b : <usize>b * rank + a) << 3);
}

const MAX_SWEEPS = 2000;

export function alsHalf(
  start: usize, index: usize, values: usize, counts: usize, fixed: usize, solved: usize, params: usize,
  n: i32, rank: i32, gram: usize, rhs: usize, coordinateDescent: bool,
): void {
  const rankBytes = <usize>rank << 3;
  const block = <usize>rank << 3;
  // The observation-space solve needs every trainable coordinate penalised (its D must be invertible).
  let trainable = 0;
  let invertible = true;
  for (let a = 0; a < rank; a++) {
    if (load<f64>(params + (<usize>a << 3)) == 0) continue;
    trainable++;
    if (!(load<f64>(params + block + (<usize>a << 3)) > 0)) invertible = false;
  }
  for (let i = 0; i < n; i++) {
    const first = load<i32>(start + (<usize>i << 2));
    const end = load<i32>(start + (<usize>(i + 1) << 2));
    // A row with no observations keeps its factors: predictions fall back to the mean and biases.
    if (first == end) continue;
    if (!coordinateDescent && invertible && end - first < trainable) {
      solveFewObserved(first, end, index, values, fixed, solved + <usize>i * rankBytes, params, load<f64>(counts + (<usize>i << 3)), rank, gram, rhs);
      continue;
    }
    memory.fill(gram, 0, <usize>rank * rankBytes);
    memory.fill(rhs, 0, rankBytes);
    for (let p = first; p < end; p++) {
      const f = fixed + <usize>load<i32>(index + (<usize>p << 2)) * rankBytes;
      const x = load<f64>(values + (<usize>p << 3));
      axpy(rhs, x, f, rank);
      // Lower triangle of the rank-one update f·fᵀ, a row at a time.
      for (let a = 0; a < rank; a++) axpy(gram + <usize>a * rankBytes, load<f64>(f + (<usize>a << 3)), f, a + 1);
    }
    const count = load<f64>(counts + (<usize>i << 3));
    const w = solved + <usize>i * rankBytes;
    for (let a = 0; a < rank; a++) {
      const diagonal = at(gram, rank, a, a);
      store<f64>(diagonal, load<f64>(diagonal) + load<f64>(params + block + (<usize>a << 3)) * count);
    }
    // Frozen coordinates: move their (fixed) contribution to the right-hand side, then make their
    // equation w_a = value, so that both solvers leave them as they are.
    for (let a = 0; a < rank; a++) {
      if (load<f64>(params + (<usize>a << 3)) != 0) continue;
      const value = load<f64>(w + (<usize>a << 3));
      for (let b = 0; b < rank; b++) {
        if (b == a) continue;
        const entry = at(gram, rank, a, b);
        store<f64>(rhs + (<usize>b << 3), load<f64>(rhs + (<usize>b << 3)) - load<f64>(entry) * value);
        store<f64>(entry, 0);
      }
      store<f64>(at(gram, rank, a, a), 1);
      store<f64>(rhs + (<usize>a << 3), value);
    }
    if (coordinateDescent) descend(gram, rhs, w, params, count, rank);
    else choleskySolve(gram, rhs, w, rank);
  }
}

/**
 * The same solve for a row with fewer observations (m) than trainable coordinates, in observation space
 * (Woodbury): with D = count·diag(l2) over the trainable coordinates and F their m×T features,
 * w = D⁻¹Fᵀz where (I + F·D⁻¹·Fᵀ)·z = y − (the frozen coordinates' part). An m×m solve instead of T×T:
 * on rating data most columns have a handful of observations.
 */
function solveFewObserved(
  first: i32, end: i32, index: usize, values: usize, fixed: usize, w: usize, params: usize, count: f64,
  rank: i32, system: usize, z: usize,
): void {
  const rankBytes = <usize>rank << 3;
  const block = <usize>rank << 3;
  const m = end - first;
  const mBytes = <usize>m << 3;
  for (let p = 0; p < m; p++) {
    const f = fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rankBytes;
    let y = load<f64>(values + (<usize>(first + p) << 3));
    for (let a = 0; a < rank; a++) {
      if (load<f64>(params + (<usize>a << 3)) == 0) y -= load<f64>(f + (<usize>a << 3)) * load<f64>(w + (<usize>a << 3));
    }
    store<f64>(z + (<usize>p << 3), y);
    for (let q = 0; q <= p; q++) {
      const g = fixed + <usize>load<i32>(index + (<usize>(first + q) << 2)) * rankBytes;
      let sum = p == q ? 1.0 : 0.0;
      for (let a = 0; a < rank; a++) {
        const offset = <usize>a << 3;
        if (load<f64>(params + offset) == 0) continue;
        sum += load<f64>(f + offset) * (load<f64>(g + offset) / (load<f64>(params + block + offset) * count));
      }
      store<f64>(system + <usize>p * mBytes + (<usize>q << 3), sum);
    }
  }
  choleskySolve(system, z, z, m);
  for (let a = 0; a < rank; a++) {
    const offset = <usize>a << 3;
    if (load<f64>(params + offset) == 0) continue;
    let sum = 0.0;
    for (let p = 0; p < m; p++) {
      sum += load<f64>(fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rankBytes + offset) * load<f64>(z + (<usize>p << 3));
    }
    store<f64>(w + offset, sum / (load<f64>(params + block + offset) * count));
  }
}

/** Solves G·x = rhs for symmetric positive definite G (lower triangle; overwritten by its factor). */
export function choleskySolve(gram: usize, rhs: usize, x: usize, rank: i32): void {
  const rankBytes = <usize>rank << 3;
  for (let j = 0; j < rank; j++) {
    const rowJ = gram + <usize>j * rankBytes;
    const pivot = Math.sqrt(load<f64>(rowJ + (<usize>j << 3)) - dot(rowJ, rowJ, j));
    store<f64>(rowJ + (<usize>j << 3), pivot);
    for (let i = j + 1; i < rank; i++) {
      const rowI = gram + <usize>i * rankBytes;
      store<f64>(rowI + (<usize>j << 3), (load<f64>(rowI + (<usize>j << 3)) - dot(rowI, rowJ, j)) / pivot);
    }
  }
  for (let i = 0; i < rank; i++) {
    const rowI = gram + <usize>i * rankBytes;
    const v = load<f64>(rhs + (<usize>i << 3)) - dot(rowI, rhs, i);
    store<f64>(rhs + (<usize>i << 3), v / load<f64>(rowI + (<usize>i << 3)));
  }
  for (let i = rank - 1; i >= 0; i--) {
    let v = load<f64>(rhs + (<usize>i << 3));
    for (let k = i + 1; k < rank; k++) v -= load<f64>(at(gram, rank, k, i)) * load<f64>(x + (<usize>k << 3));
    store<f64>(x + (<usize>i << 3), v / load<f64>(at(gram, rank, i, i)));
  }
}

/**
 * Coordinate descent on ½·xᵀGx − rhsᵀx + count·Σ l1[k]·|x_k| with x_k ≥ low[k], from the current x,
 * until a sweep moves no coordinate by more than 1e-12 of the largest.
 */
function descend(gram: usize, rhs: usize, x: usize, params: usize, count: f64, rank: i32): void {
  const block = <usize>rank << 3;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0.0;
    let size = 0.0;
    for (let a = 0; a < rank; a++) {
      const offset = <usize>a << 3;
      if (load<f64>(params + offset) == 0) continue;
      let z = load<f64>(rhs + offset);
      for (let b = 0; b < rank; b++) {
        if (b != a) z -= load<f64>(at(gram, rank, a, b)) * load<f64>(x + (<usize>b << 3));
      }
      const threshold = load<f64>(params + 2 * block + offset) * count;
      if (threshold > 0) z = z > threshold ? z - threshold : z < -threshold ? z + threshold : 0.0;
      let next = z / load<f64>(at(gram, rank, a, a));
      const low = load<f64>(params + 3 * block + offset);
      if (next < low) next = low;
      change = Math.max(change, Math.abs(next - load<f64>(x + offset)));
      size = Math.max(size, Math.abs(next));
      store<f64>(x + offset, next);
    }
    if (change <= 1e-12 * size) break;
  }
}
