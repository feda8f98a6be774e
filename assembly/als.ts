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

import { SHIFT, get, get2, kept2, put, put2, splatAt } from "./real";
import { axpy, dot } from "./vector";

// @ts-ignore: decorator
@inline
function at(matrix: usize, rank: i32, a: i32, b: i32): usize {
  return matrix + ((a >= b ? <usize>a * rank + b : <usize>b * rank + a) << SHIFT);
}

const MAX_SWEEPS = 2000;

export function alsHalf(
  start: usize, index: usize, values: usize, counts: usize, fixed: usize, solved: usize, params: usize,
  n: i32, rank: i32, gram: usize, rhs: usize, coordinateDescent: bool,
): void {
  const rankBytes = <usize>rank << SHIFT;
  const block = <usize>rank << SHIFT;
  // The observation-space solve needs every trainable coordinate penalised (its D must be invertible).
  let trainable = 0;
  let invertible = true;
  for (let a = 0; a < rank; a++) {
    if (get(params + (<usize>a << SHIFT)) == 0) continue;
    trainable++;
    if (!(get(params + block + (<usize>a << SHIFT)) > 0)) invertible = false;
  }
  for (let i = 0; i < n; i++) {
    const first = load<i32>(start + (<usize>i << 2));
    const end = load<i32>(start + (<usize>(i + 1) << 2));
    // A row with no observations keeps its factors: predictions fall back to the mean and biases.
    if (first == end) continue;
    if (!coordinateDescent && invertible && end - first < trainable) {
      solveFewObserved(first, end, index, values, fixed, solved + <usize>i * rankBytes, params, get(counts + (<usize>i << SHIFT)), rank, gram, rhs);
      continue;
    }
    memory.fill(gram, 0, <usize>rank * rankBytes);
    memory.fill(rhs, 0, rankBytes);
    for (let p = first; p < end; p++) {
      axpy(rhs, get(values + (<usize>p << SHIFT)), fixed + <usize>load<i32>(index + (<usize>p << 2)) * rankBytes, rank);
    }
    // @ts-ignore: SINGLE
    if (SINGLE) {
      // A float32 sum is rounded at every addition (as the twin stores it): held in a register, each tile's sums
      // become chains of add, demote and promote, slower than the rank-one updates through memory.
      for (let p = first; p < end; p++) {
        const f = fixed + <usize>load<i32>(index + (<usize>p << 2)) * rankBytes;
        for (let a = 0; a < rank; a++) axpy(gram + <usize>a * rankBytes, get(f, <usize>a), f, a + 1);
      }
    } else {
      accumulateGram(gram, index, fixed, first, end, rank);
    }
    const count = get(counts + (<usize>i << SHIFT));
    const w = solved + <usize>i * rankBytes;
    for (let a = 0; a < rank; a++) {
      const diagonal = at(gram, rank, a, a);
      put(diagonal, get(diagonal) + get(params + block + (<usize>a << SHIFT)) * count);
    }
    // Frozen coordinates: move their (fixed) contribution to the right-hand side, then make their
    // equation w_a = value, so that both solvers leave them as they are.
    for (let a = 0; a < rank; a++) {
      if (get(params + (<usize>a << SHIFT)) != 0) continue;
      const value = get(w + (<usize>a << SHIFT));
      for (let b = 0; b < rank; b++) {
        if (b == a) continue;
        const entry = at(gram, rank, a, b);
        put(rhs + (<usize>b << SHIFT), get(rhs + (<usize>b << SHIFT)) - get(entry) * value);
        put(entry, 0);
      }
      put(at(gram, rank, a, a), 1);
      put(rhs + (<usize>a << SHIFT), value);
    }
    if (coordinateDescent) descend(gram, rhs, w, params, count, rank);
    else choleskySolve(gram, rhs, w, rank);
  }
}

/** Observations a pass of accumulateGram's tiles takes at a time: their factor rows stay in cache from tile to tile. */
const CHUNK = 8;

/**
 * gram += Σ f fᵀ over the observations first…end−1 (f: the fixed factor row of each), in the lower triangle — and
 * in the upper triangle of each 4×4 tile on the diagonal, which nothing reads. Each entry is summed in the
 * observations' order, each product added and rounded as the rank-one updates `gram[a] += f[a]·f[0…a]` (axpy) add
 * and store them, so the same bits; but a tile of 4 rows × 4 columns is held in registers over a chunk of
 * observations instead of every update going through memory (two loads and a store for each multiply-add).
 */
function accumulateGram(gram: usize, index: usize, fixed: usize, first: i32, end: i32, rank: i32): void {
  const rankBytes = <usize>rank << SHIFT;
  for (let from = first; from < end; from += CHUNK) {
    const to = min(from + CHUNK, end);
    let a = 0;
    for (; a + 4 <= rank; a += 4) {
      const row0 = gram + <usize>a * rankBytes;
      const row1 = row0 + rankBytes;
      const row2 = row1 + rankBytes;
      const row3 = row2 + rankBytes;
      const ua = <usize>a;
      // Columns 0…a+3, four at a time: row a + 3's lower triangle.
      let k = 0;
      for (; k + 4 <= a + 4; k += 4) {
        const uk = <usize>k;
        let g00 = get2(row0, uk);
        let g01 = get2(row0, uk + 2);
        let g10 = get2(row1, uk);
        let g11 = get2(row1, uk + 2);
        let g20 = get2(row2, uk);
        let g21 = get2(row2, uk + 2);
        let g30 = get2(row3, uk);
        let g31 = get2(row3, uk + 2);
        for (let p = from; p < to; p++) {
          const f = fixed + <usize>load<i32>(index + (<usize>p << 2)) * rankBytes;
          const x0 = get2(f, uk);
          const x1 = get2(f, uk + 2);
          let s = splatAt(f, ua);
          g00 = kept2(f64x2.add(g00, f64x2.mul(s, x0)));
          g01 = kept2(f64x2.add(g01, f64x2.mul(s, x1)));
          s = splatAt(f, ua + 1);
          g10 = kept2(f64x2.add(g10, f64x2.mul(s, x0)));
          g11 = kept2(f64x2.add(g11, f64x2.mul(s, x1)));
          s = splatAt(f, ua + 2);
          g20 = kept2(f64x2.add(g20, f64x2.mul(s, x0)));
          g21 = kept2(f64x2.add(g21, f64x2.mul(s, x1)));
          s = splatAt(f, ua + 3);
          g30 = kept2(f64x2.add(g30, f64x2.mul(s, x0)));
          g31 = kept2(f64x2.add(g31, f64x2.mul(s, x1)));
        }
        put2(row0, g00, uk);
        put2(row0, g01, uk + 2);
        put2(row1, g10, uk);
        put2(row1, g11, uk + 2);
        put2(row2, g20, uk);
        put2(row2, g21, uk + 2);
        put2(row3, g30, uk);
        put2(row3, g31, uk + 2);
      }
    }
    // The last rows (rank mod 4), as the rank-one updates make them.
    for (; a < rank; a++) {
      const row = gram + <usize>a * rankBytes;
      for (let p = from; p < to; p++) {
        const f = fixed + <usize>load<i32>(index + (<usize>p << 2)) * rankBytes;
        axpy(row, get(f, <usize>a), f, a + 1);
      }
    }
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
  const rankBytes = <usize>rank << SHIFT;
  const block = <usize>rank << SHIFT;
  const m = end - first;
  const mBytes = <usize>m << SHIFT;
  for (let p = 0; p < m; p++) {
    const f = fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rankBytes;
    let y = get(values + (<usize>(first + p) << SHIFT));
    for (let a = 0; a < rank; a++) {
      if (get(params + (<usize>a << SHIFT)) == 0) y -= get(f + (<usize>a << SHIFT)) * get(w + (<usize>a << SHIFT));
    }
    put(z + (<usize>p << SHIFT), y);
    for (let q = 0; q <= p; q++) {
      const g = fixed + <usize>load<i32>(index + (<usize>(first + q) << 2)) * rankBytes;
      let sum = p == q ? 1.0 : 0.0;
      for (let a = 0; a < rank; a++) {
        const offset = <usize>a << SHIFT;
        if (get(params + offset) == 0) continue;
        sum += get(f + offset) * (get(g + offset) / (get(params + block + offset) * count));
      }
      put(system + <usize>p * mBytes + (<usize>q << SHIFT), sum);
    }
  }
  choleskySolve(system, z, z, m);
  for (let a = 0; a < rank; a++) {
    const offset = <usize>a << SHIFT;
    if (get(params + offset) == 0) continue;
    let sum = 0.0;
    for (let p = 0; p < m; p++) {
      sum += get(fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rankBytes + offset) * get(z + (<usize>p << SHIFT));
    }
    put(w + offset, sum / (get(params + block + offset) * count));
  }
}

/** Solves G·x = rhs for symmetric positive definite G (lower triangle; overwritten by its factor). */
export function choleskySolve(gram: usize, rhs: usize, x: usize, rank: i32): void {
  const rankBytes = <usize>rank << SHIFT;
  for (let j = 0; j < rank; j++) {
    const rowJ = gram + <usize>j * rankBytes;
    const pivot = Math.sqrt(get(rowJ + (<usize>j << SHIFT)) - dot(rowJ, rowJ, j));
    put(rowJ + (<usize>j << SHIFT), pivot);
    for (let i = j + 1; i < rank; i++) {
      const rowI = gram + <usize>i * rankBytes;
      put(rowI + (<usize>j << SHIFT), (get(rowI + (<usize>j << SHIFT)) - dot(rowI, rowJ, j)) / pivot);
    }
  }
  for (let i = 0; i < rank; i++) {
    const rowI = gram + <usize>i * rankBytes;
    const v = get(rhs + (<usize>i << SHIFT)) - dot(rowI, rhs, i);
    put(rhs + (<usize>i << SHIFT), v / get(rowI + (<usize>i << SHIFT)));
  }
  for (let i = rank - 1; i >= 0; i--) {
    let v = get(rhs + (<usize>i << SHIFT));
    for (let k = i + 1; k < rank; k++) v -= get(at(gram, rank, k, i)) * get(x + (<usize>k << SHIFT));
    put(x + (<usize>i << SHIFT), v / get(at(gram, rank, i, i)));
  }
}

/**
 * Coordinate descent on ½·xᵀGx − rhsᵀx + count·Σ l1[k]·|x_k| with x_k ≥ low[k], from the current x,
 * until a sweep moves no coordinate by more than 1e-12 of the largest.
 */
function descend(gram: usize, rhs: usize, x: usize, params: usize, count: f64, rank: i32): void {
  const block = <usize>rank << SHIFT;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0.0;
    let size = 0.0;
    for (let a = 0; a < rank; a++) {
      const offset = <usize>a << SHIFT;
      if (get(params + offset) == 0) continue;
      let z = get(rhs + offset);
      for (let b = 0; b < rank; b++) {
        if (b != a) z -= get(at(gram, rank, a, b)) * get(x + (<usize>b << SHIFT));
      }
      const threshold = get(params + 2 * block + offset) * count;
      if (threshold > 0) z = z > threshold ? z - threshold : z < -threshold ? z + threshold : 0.0;
      let next = z / get(at(gram, rank, a, a));
      const low = get(params + 3 * block + offset);
      if (next < low) next = low;
      change = Math.max(change, Math.abs(next - get(x + offset)));
      size = Math.max(size, Math.abs(next));
      put(x + offset, next);
    }
    if (change <= 1e-12 * size) break;
  }
}
