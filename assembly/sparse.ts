// Gradient descent on the observed entries only, O(nnz·rank) instead of O(M·N·rank): the same
// two calls as dense.ts.
//
// Observations come in CSR order (rows ascending, columns ascending within a row). H is kept
// transposed (N×rank) so that the rank-long factor of a column is contiguous: every
// observation is then one dot product and one axpy over two contiguous rank-vectors.
//
// Layout: rowStart i32[M+1], colIndex i32[nnz], values f64[nnz], w M×rank, ht N×rank,
// gradientW M×rank, gradientH N×rank.

import { SHIFT, get, get2, put, put2, kept, kept2 } from "./real";
import { stepRows } from "./update";
import { axpy, dot, dots4, dotA, dotB, dotC, dotD, zero } from "./vector";

/** The factor row of the column of observation p. */
// @ts-ignore: decorator
@inline
function factorOf(ht: usize, colIndex: usize, p: i32, rankBytes: usize): usize {
  return ht + <usize>load<i32>(colIndex + (<usize>p << 2)) * rankBytes;
}

// What the last residuals4 call found: the four observations' column factor rows and residuals.
export let factorA: usize = 0;
export let factorB: usize = 0;
export let factorC: usize = 0;
export let factorD: usize = 0;
export let residualA: f64 = 0;
export let residualB: f64 = 0;
export let residualC: f64 = 0;
export let residualD: f64 = 0;

/**
 * x − w·h for observations p…p+3 of row w (vector.ts dots4: four independent dot chains). Within a
 * row these products are independent: no pass writes w or ht while it reads them.
 */
// @ts-ignore: decorator
@inline
export function residuals4(w: usize, ht: usize, colIndex: usize, values: usize, p: i32, rank: i32): void {
  const rankBytes = <usize>rank << SHIFT;
  factorA = factorOf(ht, colIndex, p, rankBytes);
  factorB = factorOf(ht, colIndex, p + 1, rankBytes);
  factorC = factorOf(ht, colIndex, p + 2, rankBytes);
  factorD = factorOf(ht, colIndex, p + 3, rankBytes);
  dots4(w, factorA, factorB, factorC, factorD, rank);
  const at = values + (<usize>p << SHIFT);
  residualA = get(at) - dotA;
  residualB = get(at, 1) - dotB;
  residualC = get(at, 2) - dotC;
  residualD = get(at, 3) - dotD;
}

/** Fills gradientW with the data term's descent direction and returns ½ Σ (x − w·h)² over observations. */
export function sparseGradientW(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize, gradientW: usize,
  rows: i32, rank: i32,
): f64 {
  const rankBytes = <usize>rank << SHIFT;
  let loss = 0.0;
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const gi = gradientW + <usize>i * rankBytes;
    zero(gi, rank);
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    let p = load<i32>(rowStart + (<usize>i << 2));
    for (; p + 4 <= end; p += 4) {
      residuals4(wi, ht, colIndex, values, p, rank);
      loss = addSquares4(loss);
      axpy4(gi, residualA, factorA, residualB, factorB, residualC, factorC, residualD, factorD, rank);
    }
    for (; p < end; p++) {
      const hj = factorOf(ht, colIndex, p, rankBytes);
      const r = get(values + (<usize>p << SHIFT)) - dot(wi, hj, rank);
      loss += r * r;
      axpy(gi, r, hj, rank);
    }
  }
  return 0.5 * loss;
}

/** loss + r_A² + r_B² + r_C² + r_D², added in that order. */
// @ts-ignore: decorator
@inline
export function addSquares4(loss: f64): f64 {
  loss += residualA * residualA;
  loss += residualB * residualB;
  loss += residualC * residualC;
  return loss + residualD * residualD;
}

/** y += a·ha, then += b·hb, += c·hc, += d·hd, element by element in that order (four axpy calls in one pass). */
function axpy4(y: usize, a: f64, ha: usize, b: f64, hb: usize, c: f64, hc: usize, d: f64, hd: usize, n: i32): void {
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  const vc = f64x2.splat(c);
  const vd = f64x2.splat(d);
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    const offset = <usize>t << SHIFT;
    let acc = get2(y + offset);
    acc = kept2(f64x2.add(acc, f64x2.mul(va, get2(ha + offset))));
    acc = kept2(f64x2.add(acc, f64x2.mul(vb, get2(hb + offset))));
    acc = kept2(f64x2.add(acc, f64x2.mul(vc, get2(hc + offset))));
    acc = kept2(f64x2.add(acc, f64x2.mul(vd, get2(hd + offset))));
    put2(y + offset, acc);
  }
  if (t < n) {
    const offset = <usize>t << SHIFT;
    let acc = get(y + offset);
    acc = kept(acc + a * get(ha + offset));
    acc = kept(acc + b * get(hb + offset));
    acc = kept(acc + c * get(hc + offset));
    acc = kept(acc + d * get(hd + offset));
    put(y + offset, acc);
  }
}

/**
 * H's half-epoch against the current (new) W, for columns colFrom…colTo−1: their gradient rows, then
 * their steps. Each column receives its observations' terms in CSR order whatever the range (dots4 sums
 * each product as dot() does), so threads given disjoint column ranges compute exactly what one call
 * over every column computes; each reads all of the CSR index, but only its own columns' work is done.
 */
export function sparseStepH(
  rowStart: usize, colIndex: usize, values: usize, w: usize, ht: usize, gradientH: usize,
  colCounts: usize, hParams: usize, rows: i32, colFrom: i32, colTo: i32, cols: i32, rank: i32, learningRate: f64, plain: bool,
): void {
  const rankBytes = <usize>rank << SHIFT;
  const first = <usize>colFrom * rankBytes;
  zero(gradientH + first, (colTo - colFrom) * rank);
  const shift = gradientH - ht; // column j's gradient row sits this far from its factor row
  const everyColumn = colFrom == 0 && colTo == cols;
  for (let i = 0; i < rows; i++) {
    const wi = w + <usize>i * rankBytes;
    const end = load<i32>(rowStart + (<usize>(i + 1) << 2));
    let p = load<i32>(rowStart + (<usize>i << 2));
    if (everyColumn) {
      for (; p + 4 <= end; p += 4) {
        residuals4(wi, ht, colIndex, values, p, rank);
        axpy(factorA + shift, residualA, wi, rank);
        axpy(factorB + shift, residualB, wi, rank);
        axpy(factorC + shift, residualC, wi, rank);
        axpy(factorD + shift, residualD, wi, rank);
      }
    }
    for (; p < end; p++) {
      const j = load<i32>(colIndex + (<usize>p << 2));
      if (j < colFrom || j >= colTo) continue;
      const hj = ht + <usize>j * rankBytes;
      axpy(hj + shift, get(values + (<usize>p << SHIFT)) - dot(wi, hj, rank), wi, rank);
    }
  }
  stepRows(ht + first, gradientH + first, colCounts + (<usize>colFrom << SHIFT), hParams, colTo - colFrom, rank, learningRate, plain);
}
