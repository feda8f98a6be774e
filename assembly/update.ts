// The parameter update every solver shares, and the penalty it descends.
//
// A factor matrix has `rank` coordinates per row (the latent factors, then, with biases, a bias
// and a constant 1). Its settings are one block of 4·rank f64: step[rank] (0 freezes a coordinate),
// l2[rank], l1[rank], low[rank] (0 for non-negative factors, -Infinity otherwise). The penalty of a
// row observed `count` times is count·Σ_k (½·l2[k]·v² + l1[k]·|v|): regularization per observation,
// as LIBMF and Spark's ALS weight it, so one λ means the same in every solver.

import { SHIFT, get, put } from "./real";
import { axpy } from "./vector";

/**
 * value + η·step·(gradient − l2·count·value), then the L1 proximal step and the lower bound.
 * `gradient` is the descent direction of the data term (R·Hᵀ for W). With step 1 and no
 * penalty this is exactly value + η·gradient, the seed's update.
 */
// @ts-ignore: decorator
@inline
export function updated(value: f64, gradient: f64, count: f64, eta: f64, params: usize, k: i32, rank: i32): f64 {
  const at = params + (<usize>k << SHIFT);
  const block = <usize>rank << SHIFT;
  const rate = eta * get(at);
  let next = value + rate * (gradient - get(at + block) * count * value);
  const l1 = get(at + 2 * block);
  if (l1 > 0) {
    const threshold = rate * l1 * count;
    next = next > threshold ? next - threshold : next < -threshold ? next + threshold : 0.0;
  }
  const low = get(at + 3 * block);
  return next < low ? low : next;
}

/**
 * Updates an n×rank row-major factor from its n×rank gradient; row i counts counts[i] observations.
 * `plain` (every step 1, no penalty, no bound: the seed's case) is one SIMD axpy, which gives exactly what
 * updated() gives then: value + η·(gradient − 0) = value + η·gradient.
 */
export function stepRows(factor: usize, gradient: usize, counts: usize, params: usize, n: i32, rank: i32, eta: f64, plain: bool): void {
  if (plain) {
    axpy(factor, eta, gradient, n * rank);
    return;
  }
  for (let i = 0; i < n; i++) {
    const count = get(counts + (<usize>i << SHIFT));
    const row = <usize>i * rank;
    for (let k = 0; k < rank; k++) {
      const at = (row + k) << SHIFT;
      put(factor + at, updated(get(factor + at), get(gradient + at), count, eta, params, k, rank));
    }
  }
}

/** The same for n columns of a factor stored transposed, rank rows `stride` entries apart (the dense kernel's H). */
export function stepColumns(factor: usize, gradient: usize, counts: usize, params: usize, n: i32, stride: i32, rank: i32, eta: f64, plain: bool): void {
  if (plain) {
    // Element by element, so row by row gives the bits one pass over rank·n would.
    if (stride == n) axpy(factor, eta, gradient, n * rank);
    else for (let k = 0; k < rank; k++) axpy(factor + ((<usize>k * stride) << SHIFT), eta, gradient + ((<usize>k * stride) << SHIFT), n);
    return;
  }
  for (let k = 0; k < rank; k++) {
    const row = <usize>k * stride;
    for (let j = 0; j < n; j++) {
      const at = (row + j) << SHIFT;
      const count = get(counts + (<usize>j << SHIFT));
      put(factor + at, updated(get(factor + at), get(gradient + at), count, eta, params, k, rank));
    }
  }
}

/**
 * Σ_i counts[i]·Σ_k (½·l2[k]·v² + l1[k]·|v|), for an n×rank factor, or rank×n when `transposed`: each row's sum over
 * k in order, the rows' weighted sums added in order. Four rows' sums at a time, as independent chains: one row's is
 * a chain of dependent additions, which left the pipeline idle.
 */
export function penalty(factor: usize, counts: usize, params: usize, n: i32, rank: i32, transposed: bool): f64 {
  const block = <usize>rank << SHIFT;
  // Entry (i, k) of the factor, and the step from one row to the next.
  const rowStep: usize = transposed ? 1 : <usize>rank;
  const kStep: usize = transposed ? <usize>n : 1;
  let sum = 0.0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let row0 = 0.0;
    let row1 = 0.0;
    let row2 = 0.0;
    let row3 = 0.0;
    const first = factor + ((<usize>i * rowStep) << SHIFT);
    for (let k = 0; k < rank; k++) {
      const at = params + (<usize>k << SHIFT);
      const half = 0.5 * get(at + block);
      const l1 = get(at + 2 * block);
      const entry = first + ((<usize>k * kStep) << SHIFT);
      const v0 = get(entry);
      const v1 = get(entry, rowStep);
      const v2 = get(entry, 2 * rowStep);
      const v3 = get(entry, 3 * rowStep);
      row0 += half * v0 * v0 + l1 * Math.abs(v0);
      row1 += half * v1 * v1 + l1 * Math.abs(v1);
      row2 += half * v2 * v2 + l1 * Math.abs(v2);
      row3 += half * v3 * v3 + l1 * Math.abs(v3);
    }
    sum += get(counts, <usize>i) * row0;
    sum += get(counts, <usize>i + 1) * row1;
    sum += get(counts, <usize>i + 2) * row2;
    sum += get(counts, <usize>i + 3) * row3;
  }
  for (; i < n; i++) {
    let row = 0.0;
    for (let k = 0; k < rank; k++) {
      const v = get(factor + ((<usize>i * rowStep + <usize>k * kStep) << SHIFT));
      const at = params + (<usize>k << SHIFT);
      row += 0.5 * get(at + block) * v * v + get(at + 2 * block) * Math.abs(v);
    }
    sum += get(counts + (<usize>i << SHIFT)) * row;
  }
  return sum;
}
