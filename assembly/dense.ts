// Full-batch masked gradient descent on a dense M×N matrix, fused row by row.
//
// numpy's seed code materialises M⊙(X−WH) as an M×N temporary several times per epoch;
// here one residual row (N values) is formed, used and overwritten, so each half-epoch
// reads X once and keeps H hot in cache. Missing entries are NaN in X: the residual is
// masked with (x == x), which needs no separate mask array.
//
// One epoch is split in two calls so that the loss after epoch e costs no extra pass: denseGradientW
// computes the residual of the current factors (hence their loss) and W's gradient; the next epoch
// applies that gradient (update.ts stepRows) and then denseStepH.
//
// Layout (row-major f64): x M×N, w M×rank, h rank×N, residual 4×N + rank, gradientW M×rank, gradientH rank×N.

import { REAL, SHIFT, get, get2, put, put2, splatAt, kept, kept2 } from "./real";
import { stepColumns, stepRows } from "./update";
import { axpy, zero } from "./vector";

/** Masks a residual pair: x − product where x is observed, 0 where x is NaN. */
// @ts-ignore: decorator
@inline
function maskedResidual(observed: v128, product: v128): v128 {
  return v128.and(f64x2.sub(observed, product), f64x2.eq(observed, observed));
}

/** The second row's Σr² from the last residualPair call (a function returns one value). */
let secondSquares: f64 = 0;

/**
 * residual[j] = x[j] − Σ_k w[k]·h[k][j] where x[j] is observed, 0 where it is NaN, for two rows
 * (x, w → residual and x1, w1 → residual1) at once: every load of H serves both, in eight independent
 * f64x2 chains per eight columns. Each product is summed over k in ascending order; each row's Σr² in
 * the two-lane order of vector.ts. Returns the first row's Σr², leaves the second's in secondSquares.
 * A lone row is passed as both rows (its twin written to a scratch row).
 */
function residualPair(x: usize, x1: usize, w: usize, w1: usize, h: usize, residual: usize, residual1: usize, cols: i32, stride: i32, rank: i32): f64 {
  const rowBytes = <usize>stride << SHIFT; // between rows of H
  let squares0 = f64x2.splat(0);
  let squares1 = f64x2.splat(0);
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const offset = <usize>j << SHIFT;
    let p0 = f64x2.splat(0);
    let p1 = f64x2.splat(0);
    let p2 = f64x2.splat(0);
    let p3 = f64x2.splat(0);
    let q0 = f64x2.splat(0);
    let q1 = f64x2.splat(0);
    let q2 = f64x2.splat(0);
    let q3 = f64x2.splat(0);
    let hk = h + offset;
    for (let k = 0; k < rank; k++) {
      const kOffset = <usize>k << SHIFT;
      // Each vector of H is loaded just before its two uses, so that eight accumulators, two w's and
      // one H vector fit x64's sixteen vector registers (loading all four first measured ~15% slower).
      const a = splatAt(w + kOffset);
      const b = splatAt(w1 + kOffset);
      const h0 = get2(hk);
      p0 = f64x2.add(p0, f64x2.mul(a, h0));
      q0 = f64x2.add(q0, f64x2.mul(b, h0));
      const h1 = get2(hk, 2);
      p1 = f64x2.add(p1, f64x2.mul(a, h1));
      q1 = f64x2.add(q1, f64x2.mul(b, h1));
      const h2 = get2(hk, 4);
      p2 = f64x2.add(p2, f64x2.mul(a, h2));
      q2 = f64x2.add(q2, f64x2.mul(b, h2));
      const h3 = get2(hk, 6);
      p3 = f64x2.add(p3, f64x2.mul(a, h3));
      q3 = f64x2.add(q3, f64x2.mul(b, h3));
      hk += rowBytes;
    }
    squares0 = storeResiduals(x + offset, residual + offset, p0, p1, p2, p3, squares0);
    squares1 = storeResiduals(x1 + offset, residual1 + offset, q0, q1, q2, q3, squares1);
  }
  for (; j + 2 <= cols; j += 2) {
    const offset = <usize>j << SHIFT;
    let p = f64x2.splat(0);
    let q = f64x2.splat(0);
    let hk = h + offset;
    for (let k = 0; k < rank; k++) {
      const kOffset = <usize>k << SHIFT;
      const hv = get2(hk);
      p = f64x2.add(p, f64x2.mul(splatAt(w + kOffset), hv));
      q = f64x2.add(q, f64x2.mul(splatAt(w1 + kOffset), hv));
      hk += rowBytes;
    }
    const r = maskedResidual(get2(x + offset), p);
    const s = maskedResidual(get2(x1 + offset), q);
    put2(residual + offset, r);
    put2(residual1 + offset, s);
    squares0 = f64x2.add(squares0, f64x2.mul(r, r));
    squares1 = f64x2.add(squares1, f64x2.mul(s, s));
  }
  let sum0 = f64x2.extract_lane(squares0, 0) + f64x2.extract_lane(squares0, 1);
  let sum1 = f64x2.extract_lane(squares1, 0) + f64x2.extract_lane(squares1, 1);
  if (j < cols) {
    const offset = <usize>j << SHIFT;
    let p = 0.0;
    let q = 0.0;
    for (let k = 0; k < rank; k++) {
      const hv = get(h + <usize>k * rowBytes + offset);
      p += get(w + (<usize>k << SHIFT)) * hv;
      q += get(w1 + (<usize>k << SHIFT)) * hv;
    }
    const observed0 = get(x + offset);
    const observed1 = get(x1 + offset);
    const r = observed0 == observed0 ? observed0 - p : 0.0;
    const s = observed1 == observed1 ? observed1 - q : 0.0;
    put(residual + offset, r);
    put(residual1 + offset, s);
    sum0 += r * r;
    sum1 += s * s;
  }
  secondSquares = sum1;
  return sum0;
}

/** Masks and stores eight residuals of one row; returns `squares` with their squares added in order. */
// @ts-ignore: decorator
@inline
function storeResiduals(x: usize, residual: usize, p0: v128, p1: v128, p2: v128, p3: v128, squares: v128): v128 {
  const r0 = maskedResidual(get2(x), p0);
  const r1 = maskedResidual(get2(x, 2), p1);
  const r2 = maskedResidual(get2(x, 4), p2);
  const r3 = maskedResidual(get2(x, 6), p3);
  put2(residual, r0);
  put2(residual, r1, 2);
  put2(residual, r2, 4);
  put2(residual, r3, 6);
  squares = f64x2.add(squares, f64x2.mul(r0, r0));
  squares = f64x2.add(squares, f64x2.mul(r1, r1));
  squares = f64x2.add(squares, f64x2.mul(r2, r2));
  return f64x2.add(squares, f64x2.mul(r3, r3));
}

/**
 * g0[k] = r0·h_k and g1[k] = r1·h_k for every k: four k at a time, so each load of a residual pair
 * serves four products and each load of H two. Every product is summed in dot()'s order.
 */
function gradientPair(r0: usize, r1: usize, h: usize, g0: usize, g1: usize, cols: i32, rank: i32): void {
  const rowBytes = <usize>cols << SHIFT;
  let k = 0;
  for (; k + 4 <= rank; k += 4) {
    const h0 = h + <usize>k * rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let b3 = f64x2.splat(0);
    let t = 0;
    for (; t + 2 <= cols; t += 2) {
      const offset = <usize>t << SHIFT;
      // Loads just before their uses, as in residualPair.
      const u = get2(r0 + offset);
      const v = get2(r1 + offset);
      const hv0 = get2(h0 + offset);
      a0 = f64x2.add(a0, f64x2.mul(u, hv0));
      b0 = f64x2.add(b0, f64x2.mul(v, hv0));
      const hv1 = get2(h0 + rowBytes + offset);
      a1 = f64x2.add(a1, f64x2.mul(u, hv1));
      b1 = f64x2.add(b1, f64x2.mul(v, hv1));
      const hv2 = get2(h0 + 2 * rowBytes + offset);
      a2 = f64x2.add(a2, f64x2.mul(u, hv2));
      b2 = f64x2.add(b2, f64x2.mul(v, hv2));
      const hv3 = get2(h0 + 3 * rowBytes + offset);
      a3 = f64x2.add(a3, f64x2.mul(u, hv3));
      b3 = f64x2.add(b3, f64x2.mul(v, hv3));
    }
    const kOffset = <usize>k << SHIFT;
    finishDot(a0, r0, h0, t, cols, g0 + kOffset);
    finishDot(a1, r0, h0 + rowBytes, t, cols, g0 + kOffset + REAL);
    finishDot(a2, r0, h0 + 2 * rowBytes, t, cols, g0 + kOffset + 2 * REAL);
    finishDot(a3, r0, h0 + 3 * rowBytes, t, cols, g0 + kOffset + 3 * REAL);
    finishDot(b0, r1, h0, t, cols, g1 + kOffset);
    finishDot(b1, r1, h0 + rowBytes, t, cols, g1 + kOffset + REAL);
    finishDot(b2, r1, h0 + 2 * rowBytes, t, cols, g1 + kOffset + 2 * REAL);
    finishDot(b3, r1, h0 + 3 * rowBytes, t, cols, g1 + kOffset + 3 * REAL);
  }
  for (; k < rank; k++) {
    const hk = h + <usize>k * rowBytes;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let t = 0;
    for (; t + 2 <= cols; t += 2) {
      const offset = <usize>t << SHIFT;
      const hv = get2(hk + offset);
      a = f64x2.add(a, f64x2.mul(get2(r0 + offset), hv));
      b = f64x2.add(b, f64x2.mul(get2(r1 + offset), hv));
    }
    finishDot(a, r0, hk, t, cols, g0 + (<usize>k << SHIFT));
    finishDot(b, r1, hk, t, cols, g1 + (<usize>k << SHIFT));
  }
}

/** Stores dot()'s result from its lane accumulator: lanes added, then the odd trailing element. */
// @ts-ignore: decorator
@inline
function finishDot(lanes: v128, a: usize, b: usize, t: i32, n: i32, target: usize): void {
  let sum = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
  if (t < n) sum += get(a + (<usize>t << SHIFT)) * get(b + (<usize>t << SHIFT));
  put(target, sum);
}

/**
 * Fills gradientW with M⊙(X−WH)·Hᵀ and returns ½‖M⊙(X−WH)‖². `residual` holds 4 rows of cols plus
 * `rank` entries of scratch (a lone last row's twin gradient).
 */
export function denseGradientW(
  x: usize, w: usize, h: usize, residual: usize, gradientW: usize, rows: i32, cols: i32, rank: i32,
): f64 {
  const rowBytes = <usize>cols << SHIFT;
  const rankBytes = <usize>rank << SHIFT;
  const residual1 = residual + rowBytes;
  const scratch = residual + 4 * rowBytes;
  let loss = 0.0;
  for (let i = 0; i < rows; i += 2) {
    const x0 = x + <usize>i * rowBytes;
    const w0 = w + <usize>i * rankBytes;
    const g0 = gradientW + <usize>i * rankBytes;
    if (i + 1 < rows) {
      loss += residualPair(x0, x0 + rowBytes, w0, w0 + rankBytes, h, residual, residual1, cols, cols, rank);
      loss += secondSquares;
      gradientPair(residual, residual1, h, g0, g0 + rankBytes, cols, rank);
    } else {
      loss += residualPair(x0, x0, w0, w0, h, residual, residual1, cols, cols, rank);
      gradientPair(residual, residual1, h, g0, scratch, cols, rank);
    }
  }
  return 0.5 * loss;
}

/**
 * H's half-epoch over `cols` columns of X, H and gradientH (rows `stride` entries apart): with the
 * current (new) W, gradientH = Wᵀ·(M⊙(X−WH)), then H steps. Every column's arithmetic is its own, so
 * threads given disjoint column blocks compute exactly what one call over all columns computes.
 */
export function denseStepH(
  x: usize, w: usize, h: usize, residual: usize, gradientH: usize, colCounts: usize, hParams: usize,
  rows: i32, cols: i32, stride: i32, rank: i32, learningRate: f64, plain: bool,
): void {
  const rowBytes = <usize>stride << SHIFT;
  const residualBytes = <usize>cols << SHIFT;
  const rankBytes = <usize>rank << SHIFT;
  // Every row's residual is taken against the old H: accumulate all of them, then step. Four rows at a
  // time: each gradient entry is loaded and stored once per four rows instead of once per row, and still
  // receives w_ik·r_ij in row order, as the one-row-at-a-time twin adds them.
  for (let k = 0; k < rank; k++) zero(gradientH + <usize>k * rowBytes, cols);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const w0 = w + <usize>i * rankBytes;
    const x0 = x + <usize>i * rowBytes;
    residualPair(x0, x0 + rowBytes, w0, w0 + rankBytes, h, residual, residual + residualBytes, cols, stride, rank);
    residualPair(
      x0 + 2 * rowBytes, x0 + 3 * rowBytes, w0 + 2 * rankBytes, w0 + 3 * rankBytes, h,
      residual + 2 * residualBytes, residual + 3 * residualBytes, cols, stride, rank,
    );
    let k = 0;
    for (; k + 2 <= rank; k += 2) {
      accumulate4Pair(gradientH + <usize>k * rowBytes, rowBytes, residual, residualBytes, cols, w0 + (<usize>k << SHIFT), rankBytes);
    }
    for (; k < rank; k++) {
      const offsetK = <usize>k << SHIFT;
      accumulate4(
        gradientH + <usize>k * rowBytes, residual, residualBytes, cols,
        get(w0 + offsetK), get(w0 + rankBytes + offsetK),
        get(w0 + 2 * rankBytes + offsetK), get(w0 + 3 * rankBytes + offsetK),
      );
    }
  }
  for (; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const xi = x + <usize>i * rowBytes;
    residualPair(xi, xi, wi, wi, h, residual, residual + residualBytes, cols, stride, rank);
    for (let k = 0; k < rank; k++) {
      axpy(gradientH + <usize>k * rowBytes, get(wi + (<usize>k << SHIFT)), residual, cols);
    }
  }
  stepColumns(h, gradientH, colCounts, hParams, cols, stride, rank, learningRate, plain);
}

/** g[j] = (((g[j] + a0·r0[j]) + a1·r1[j]) + a2·r2[j]) + a3·r3[j], for four residual rows `stride` apart. */
function accumulate4(g: usize, r: usize, stride: usize, n: i32, a0: f64, a1: f64, a2: f64, a3: f64): void {
  const v0 = f64x2.splat(a0);
  const v1 = f64x2.splat(a1);
  const v2 = f64x2.splat(a2);
  const v3 = f64x2.splat(a3);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const offset = <usize>j << SHIFT;
    const rj = r + offset;
    let acc = get2(g + offset);
    acc = kept2(f64x2.add(acc, f64x2.mul(v0, get2(rj))));
    acc = kept2(f64x2.add(acc, f64x2.mul(v1, get2(rj + stride))));
    acc = kept2(f64x2.add(acc, f64x2.mul(v2, get2(rj + 2 * stride))));
    acc = kept2(f64x2.add(acc, f64x2.mul(v3, get2(rj + 3 * stride))));
    put2(g + offset, acc);
  }
  if (j < n) {
    const offset = <usize>j << SHIFT;
    const rj = r + offset;
    let acc = get(g + offset);
    acc = kept(acc + a0 * get(rj));
    acc = kept(acc + a1 * get(rj + stride));
    acc = kept(acc + a2 * get(rj + 2 * stride));
    acc = kept(acc + a3 * get(rj + 3 * stride));
    put(g + offset, acc);
  }
}

/**
 * accumulate4 for two adjacent gradient rows g and g + gStride (k and k + 1) at once, so each load of
 * the four residual rows serves both. w points at w[i][k] for the first of the four rows i.
 */
function accumulate4Pair(g: usize, gStride: usize, r: usize, stride: usize, n: i32, w: usize, rankBytes: usize): void {
  const g1 = g + gStride;
  const u0 = splatAt(w);
  const u1 = splatAt(w + rankBytes);
  const u2 = splatAt(w + 2 * rankBytes);
  const u3 = splatAt(w + 3 * rankBytes);
  const v0 = splatAt(w, 1);
  const v1 = splatAt(w + rankBytes, 1);
  const v2 = splatAt(w + 2 * rankBytes, 1);
  const v3 = splatAt(w + 3 * rankBytes, 1);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const offset = <usize>j << SHIFT;
    const rj = r + offset;
    // Loads just before their uses, as in residualPair.
    let acc = get2(g + offset);
    let acc1 = get2(g1 + offset);
    const r0 = get2(rj);
    acc = kept2(f64x2.add(acc, f64x2.mul(u0, r0)));
    acc1 = kept2(f64x2.add(acc1, f64x2.mul(v0, r0)));
    const r1 = get2(rj + stride);
    acc = kept2(f64x2.add(acc, f64x2.mul(u1, r1)));
    acc1 = kept2(f64x2.add(acc1, f64x2.mul(v1, r1)));
    const r2 = get2(rj + 2 * stride);
    acc = kept2(f64x2.add(acc, f64x2.mul(u2, r2)));
    acc1 = kept2(f64x2.add(acc1, f64x2.mul(v2, r2)));
    const r3 = get2(rj + 3 * stride);
    acc = kept2(f64x2.add(acc, f64x2.mul(u3, r3)));
    acc1 = kept2(f64x2.add(acc1, f64x2.mul(v3, r3)));
    put2(g + offset, acc);
    put2(g1 + offset, acc1);
  }
  if (j < n) {
    const offset = <usize>j << SHIFT;
    accumulate4(g + offset, r + offset, stride, 1, f64x2.extract_lane(u0, 0), f64x2.extract_lane(u1, 0), f64x2.extract_lane(u2, 0), f64x2.extract_lane(u3, 0));
    accumulate4(g1 + offset, r + offset, stride, 1, f64x2.extract_lane(v0, 0), f64x2.extract_lane(v1, 0), f64x2.extract_lane(v2, 0), f64x2.extract_lane(v3, 0));
  }
}

/**
 * `epochs` whole epochs on one thread in one call — W's step from gradientW, H's half, then the loss pass
 * that makes the next gradient, the calls of an epoch's phases in their order — for problems too small to
 * cut (one part each): the calls into the module cost more than such an epoch. The objective after each
 * epoch goes to the f64 `losses`; it stops after an epoch whose objective is not finite, passes `limit`, or
 * moves by at most tolerance × the one before (`previous` before the first). Returns the epochs run.
 */
export function denseEpochs(
  x: usize, w: usize, h: usize, residual: usize, gradientW: usize, gradientH: usize, rowCounts: usize, colCounts: usize,
  wParams: usize, hParams: usize, rows: i32, cols: i32, rank: i32, learningRate: f64, plain: bool,
  epochs: i32, losses: usize, previous: f64, limit: f64, tolerance: f64,
): i32 {
  for (let e = 0; e < epochs; e++) {
    stepRows(w, gradientW, rowCounts, wParams, rows, rank, learningRate, plain);
    denseStepH(x, w, h, residual, gradientH, colCounts, hParams, rows, cols, cols, rank, learningRate, plain);
    const loss = denseGradientW(x, w, h, residual, gradientW, rows, cols, rank);
    store<f64>(losses + (<usize>e << 3), loss);
    if (!(loss <= limit) || loss - loss != 0) return e + 1;
    if (tolerance > 0 && Math.abs(previous - loss) <= tolerance * Math.abs(previous)) return e + 1;
    previous = loss;
  }
  return epochs;
}
