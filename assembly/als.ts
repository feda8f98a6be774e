// Alternating least squares: with one side's factors fixed, each row of the other side is the exact
// minimiser of its regularized least-squares problem. One function solves either half: rows of W
// from CSR order with Hᵀ fixed, or rows of Hᵀ from CSC order with W fixed.
//
// For a row with observations (j, x): minimise ½ Σ (x − w·f_j)² + count·Σ_k (½·l2[k]·w_k² + l1[k]·|w_k|)
// subject to w_k ≥ low[k], with frozen coordinates (step 0: the constant 1 beside a bias) held.
// Without L1 or bounds that is one Cholesky solve of (Σ f fᵀ + count·diag(l2)) w = Σ x f; with them,
// coordinate descent on the same quadratic (non-negative least squares and the lasso in one loop).
//
// Scratch: gram rank×rank (lower triangle used) then CHUNK factor rows, and rhs rank, f64 in both builds: the normal
// equations' sums and their solve are not rounded to float32 as they go, only the solution as it is stored (the
// twin's Float64Array scratch, src/backends/js/als.ts). Nothing is allocated. The kernels are generic in R, the
// build's storage of the factors and parameters (f64, or f32 in the single-precision build), and V, the values' (R,
// or f32 where every value is a float32 value: half the memory of a float64 run's two copies of them).

import { centred, get2Of, getOf, put2Of, putOf } from "./real";
import { axpyOf, dotOf } from "./vector";

/** Entry (a, b) of a symmetric rank×rank matrix of T, by its lower triangle. */
// @ts-ignore: decorator
@inline
function at<T>(matrix: usize, rank: i32, a: i32, b: i32): usize {
  return matrix + ((a >= b ? <usize>a * rank + b : <usize>b * rank + a) << alignof<T>());
}

const MAX_SWEEPS = 2000;

/**
 * Solves rows 0…n−1 of one half. Each observation's target is its value less `center` (μ with biases), rounded as
 * the build stores a value (assembly/real.ts centred); the values are float32 where `singleValues`, else of the build.
 */
export function alsHalf(
  start: usize, index: usize, values: usize, counts: usize, fixed: usize, solved: usize, params: usize,
  n: i32, rank: i32, gram: usize, rhs: usize, coordinateDescent: bool, center: f64, singleValues: bool,
): void {
  // @ts-ignore: SINGLE
  if (SINGLE) alsRows<f32, f32>(start, index, values, counts, fixed, solved, params, n, rank, gram, rhs, coordinateDescent, center);
  else if (singleValues) alsRows<f64, f32>(start, index, values, counts, fixed, solved, params, n, rank, gram, rhs, coordinateDescent, center);
  else alsRows<f64, f64>(start, index, values, counts, fixed, solved, params, n, rank, gram, rhs, coordinateDescent, center);
}

function alsRows<R, V>(
  start: usize, index: usize, values: usize, counts: usize, fixed: usize, solved: usize, params: usize,
  n: i32, rank: i32, gram: usize, rhs: usize, coordinateDescent: bool, center: f64,
): void {
  const rowBytes = <usize>rank << alignof<R>();
  const l2 = params + rowBytes;
  // The observation-space solve needs every trainable coordinate penalised (its D must be invertible).
  let trainable = 0;
  let invertible = true;
  for (let a = 0; a < rank; a++) {
    if (getOf<R>(params, a) == 0) continue;
    trainable++;
    if (!(getOf<R>(l2, a) > 0)) invertible = false;
  }
  for (let i = 0; i < n; i++) {
    const first = load<i32>(start + (<usize>i << 2));
    const end = load<i32>(start + (<usize>(i + 1) << 2));
    // A row with no observations keeps its factors: predictions fall back to the mean and biases.
    if (first == end) continue;
    const count = getOf<R>(counts, i);
    const w = solved + <usize>i * rowBytes;
    if (!coordinateDescent && invertible && end - first < trainable) {
      solveFewObserved<R, V>(first, end, index, values, center, fixed, w, params, count, rank, gram, rhs);
      continue;
    }
    memory.fill(gram, 0, <usize>rank * rank << 3);
    memory.fill(rhs, 0, <usize>rank << 3);
    for (let p = first; p < end; p++) {
      axpyOf<f64, R>(rhs, centred<V>(values, p, center), fixed + <usize>load<i32>(index + (<usize>p << 2)) * rowBytes, rank);
    }
    accumulateGram<R>(gram, index, fixed, first, end, rank);
    for (let a = 0; a < rank; a++) {
      const diagonal = at<f64>(gram, rank, a, a);
      store<f64>(diagonal, load<f64>(diagonal) + getOf<R>(l2, a) * count);
    }
    // Frozen coordinates: move their (fixed) contribution to the right-hand side, then make their
    // equation w_a = value, so that both solvers leave them as they are.
    for (let a = 0; a < rank; a++) {
      if (getOf<R>(params, a) != 0) continue;
      const value = getOf<R>(w, a);
      for (let b = 0; b < rank; b++) {
        if (b == a) continue;
        const entry = at<f64>(gram, rank, a, b);
        putOf<f64>(rhs, getOf<f64>(rhs, b) - load<f64>(entry) * value, b);
        store<f64>(entry, 0);
      }
      store<f64>(at<f64>(gram, rank, a, a), 1);
      putOf<f64>(rhs, value, a);
    }
    if (coordinateDescent) descend<R>(gram, rhs, w, params, count, rank);
    else cholesky<f64, R>(gram, rhs, w, rank);
  }
}

/**
 * Observations a pass of accumulateGram's tiles takes at a time: their factor rows stay in cache from tile to tile.
 * Float32 rows are widened into alsHalf's `gram` scratch after the matrix: src/solvers/als.ts normalEquations sizes
 * it for this many.
 */
const CHUNK = 8;

/** The factor row of the chunk's observation q (from + q), in f64: widened (float32 rows), or where it is. */
// @ts-ignore: decorator
@inline
function chunkRow<R>(widened: usize, fixed: usize, index: usize, from: i32, q: i32, rowBytes: usize, gramRowBytes: usize): usize {
  return sizeof<R>() == 4 ? widened + <usize>q * gramRowBytes : fixed + <usize>load<i32>(index + (<usize>(from + q) << 2)) * rowBytes;
}

/**
 * gram += Σ f fᵀ over the observations first…end−1 (f: the fixed factor row of each, of R), in the lower triangle —
 * and in the upper triangle of each 4×4 tile on the diagonal, which nothing reads. Each entry is summed in the
 * observations' order, as the rank-one updates `gram[a] += f[a]·f[0…a]` of the twin sum it, so the same bits; but a
 * tile of 4 rows × 4 columns is held in registers over a chunk of observations instead of every update going
 * through memory (two loads and a store for each multiply-add).
 */
function accumulateGram<R>(gram: usize, index: usize, fixed: usize, first: i32, end: i32, rank: i32): void {
  const rowBytes = <usize>rank << alignof<R>();
  const gramRowBytes = <usize>rank << 3;
  // Float32 factor rows are widened once a chunk into the scratch after the Gram matrix: in the tiles, every load
  // would be a conversion. Float64 rows are read where they are.
  const widened = gram + <usize>rank * gramRowBytes;
  for (let from = first; from < end; from += CHUNK) {
    const to = min(from + CHUNK, end);
    const chunk = to - from;
    if (sizeof<R>() == 4) {
      for (let q = 0; q < chunk; q++) {
        const f = fixed + <usize>load<i32>(index + (<usize>(from + q) << 2)) * rowBytes;
        const row = widened + <usize>q * gramRowBytes;
        for (let k = 0; k < rank; k++) putOf<f64>(row, getOf<R>(f, k), k);
      }
    }

    let a = 0;
    for (; a + 4 <= rank; a += 4) {
      const row0 = gram + <usize>a * gramRowBytes;
      const row1 = row0 + gramRowBytes;
      const row2 = row1 + gramRowBytes;
      const row3 = row2 + gramRowBytes;
      const ua = <usize>a;
      // Columns 0…a+3, four at a time: row a + 3's lower triangle.
      for (let k = 0; k < a + 4; k += 4) {
        const uk = <usize>k;
        let g00 = get2Of<f64>(row0, uk);
        let g01 = get2Of<f64>(row0, uk + 2);
        let g10 = get2Of<f64>(row1, uk);
        let g11 = get2Of<f64>(row1, uk + 2);
        let g20 = get2Of<f64>(row2, uk);
        let g21 = get2Of<f64>(row2, uk + 2);
        let g30 = get2Of<f64>(row3, uk);
        let g31 = get2Of<f64>(row3, uk + 2);
        for (let q = 0; q < chunk; q++) {
          const f = chunkRow<R>(widened, fixed, index, from, q, rowBytes, gramRowBytes);
          const x0 = get2Of<f64>(f, uk);
          const x1 = get2Of<f64>(f, uk + 2);
          let s = f64x2.splat(getOf<f64>(f, ua));
          g00 = f64x2.add(g00, f64x2.mul(s, x0));
          g01 = f64x2.add(g01, f64x2.mul(s, x1));
          s = f64x2.splat(getOf<f64>(f, ua + 1));
          g10 = f64x2.add(g10, f64x2.mul(s, x0));
          g11 = f64x2.add(g11, f64x2.mul(s, x1));
          s = f64x2.splat(getOf<f64>(f, ua + 2));
          g20 = f64x2.add(g20, f64x2.mul(s, x0));
          g21 = f64x2.add(g21, f64x2.mul(s, x1));
          s = f64x2.splat(getOf<f64>(f, ua + 3));
          g30 = f64x2.add(g30, f64x2.mul(s, x0));
          g31 = f64x2.add(g31, f64x2.mul(s, x1));
        }
        put2Of<f64>(row0, g00, uk);
        put2Of<f64>(row0, g01, uk + 2);
        put2Of<f64>(row1, g10, uk);
        put2Of<f64>(row1, g11, uk + 2);
        put2Of<f64>(row2, g20, uk);
        put2Of<f64>(row2, g21, uk + 2);
        put2Of<f64>(row3, g30, uk);
        put2Of<f64>(row3, g31, uk + 2);
      }
    }
    // The last rows (rank mod 4), as the rank-one updates make them.
    for (; a < rank; a++) {
      const row = gram + <usize>a * gramRowBytes;
      for (let q = 0; q < chunk; q++) {
        const f = chunkRow<R>(widened, fixed, index, from, q, rowBytes, gramRowBytes);
        axpyOf<f64, f64>(row, getOf<f64>(f, a), f, a + 1);
      }
    }
  }
}

/**
 * The same solve for a row with fewer observations (m) than trainable coordinates, in observation space
 * (Woodbury): with D = count·diag(l2) over the trainable coordinates and F their m×T features,
 * w = D⁻¹Fᵀz where (I + F·D⁻¹·Fᵀ)·z = y − (the frozen coordinates' part). An m×m solve instead of T×T:
 * on rating data most columns have a handful of observations. `system` and `z`: f64 scratch.
 */
function solveFewObserved<R, V>(
  first: i32, end: i32, index: usize, values: usize, center: f64, fixed: usize, w: usize, params: usize, count: f64,
  rank: i32, system: usize, z: usize,
): void {
  const rowBytes = <usize>rank << alignof<R>();
  const l2 = params + rowBytes;
  const m = end - first;
  const systemRowBytes = <usize>m << 3;
  for (let p = 0; p < m; p++) {
    const f = fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rowBytes;
    let y = centred<V>(values, first + p, center);
    for (let a = 0; a < rank; a++) {
      if (getOf<R>(params, a) == 0) y -= getOf<R>(f, a) * getOf<R>(w, a);
    }
    putOf<f64>(z, y, p);
    for (let q = 0; q <= p; q++) {
      const g = fixed + <usize>load<i32>(index + (<usize>(first + q) << 2)) * rowBytes;
      let sum = p == q ? 1.0 : 0.0;
      for (let a = 0; a < rank; a++) {
        if (getOf<R>(params, a) == 0) continue;
        sum += getOf<R>(f, a) * (getOf<R>(g, a) / (getOf<R>(l2, a) * count));
      }
      putOf<f64>(system + <usize>p * systemRowBytes, sum, q);
    }
  }
  cholesky<f64, f64>(system, z, z, m);
  for (let a = 0; a < rank; a++) {
    if (getOf<R>(params, a) == 0) continue;
    let sum = 0.0;
    for (let p = 0; p < m; p++) {
      sum += getOf<R>(fixed + <usize>load<i32>(index + (<usize>(first + p) << 2)) * rowBytes, a) * getOf<f64>(z, p);
    }
    putOf<R>(w, sum / (getOf<R>(l2, a) * count), a);
  }
}

/** Solves G·x = rhs for symmetric positive definite G (lower triangle; overwritten by its factor), all in the build's storage. */
export function choleskySolve(gram: usize, rhs: usize, x: usize, rank: i32): void {
  // @ts-ignore: SINGLE
  if (SINGLE) cholesky<f32, f32>(gram, rhs, x, rank);
  else cholesky<f64, f64>(gram, rhs, x, rank);
}

/** choleskySolve with G and rhs stored as G, x as X. */
function cholesky<G, X>(gram: usize, rhs: usize, x: usize, rank: i32): void {
  const rowBytes = <usize>rank << alignof<G>();
  for (let j = 0; j < rank; j++) {
    const rowJ = gram + <usize>j * rowBytes;
    const pivot = Math.sqrt(getOf<G>(rowJ, j) - dotOf<G, G>(rowJ, rowJ, j));
    putOf<G>(rowJ, pivot, j);
    for (let i = j + 1; i < rank; i++) {
      const rowI = gram + <usize>i * rowBytes;
      putOf<G>(rowI, (getOf<G>(rowI, j) - dotOf<G, G>(rowI, rowJ, j)) / pivot, j);
    }
  }
  for (let i = 0; i < rank; i++) {
    const rowI = gram + <usize>i * rowBytes;
    putOf<G>(rhs, (getOf<G>(rhs, i) - dotOf<G, G>(rowI, rhs, i)) / getOf<G>(rowI, i), i);
  }
  for (let i = rank - 1; i >= 0; i--) {
    let v = getOf<G>(rhs, i);
    for (let k = i + 1; k < rank; k++) v -= <f64>load<G>(at<G>(gram, rank, k, i)) * getOf<X>(x, k);
    putOf<X>(x, v / <f64>load<G>(at<G>(gram, rank, i, i)), i);
  }
}

/**
 * Coordinate descent on ½·xᵀGx − rhsᵀx + count·Σ l1[k]·|x_k| with x_k ≥ low[k], from the current x (of R; G and
 * rhs f64), until a sweep moves no coordinate by more than 1e-12 of the largest.
 */
function descend<R>(gram: usize, rhs: usize, x: usize, params: usize, count: f64, rank: i32): void {
  const rowBytes = <usize>rank << alignof<R>();
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0.0;
    let size = 0.0;
    for (let a = 0; a < rank; a++) {
      if (getOf<R>(params, a) == 0) continue;
      let z = getOf<f64>(rhs, a);
      for (let b = 0; b < rank; b++) {
        if (b != a) z -= load<f64>(at<f64>(gram, rank, a, b)) * getOf<R>(x, b);
      }
      const threshold = getOf<R>(params + 2 * rowBytes, a) * count;
      if (threshold > 0) z = z > threshold ? z - threshold : z < -threshold ? z + threshold : 0.0;
      let next = z / load<f64>(at<f64>(gram, rank, a, a));
      const low = getOf<R>(params + 3 * rowBytes, a);
      if (next < low) next = low;
      change = Math.max(change, Math.abs(next - getOf<R>(x, a)));
      size = Math.max(size, Math.abs(next));
      putOf<R>(x, next, a);
    }
    if (change <= 1e-12 * size) break;
  }
}
