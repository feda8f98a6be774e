// Vector primitives on raw f64 pointers, shared by every kernel.
//
// Each reduction has ONE documented summation order, which the pure-TypeScript backend
// (src/backends/js/vector.ts) copies exactly: two lanes accumulate the even and the odd
// positions, the lanes are added, then a trailing odd element is added. WebAssembly SIMD
// has no fused multiply-add (relaxed SIMD is not used), so the two backends round every
// operation identically and agree bit for bit.

import { SHIFT, get, get2, get2Of, getOf, put, put2Of, putOf } from "./real";

/** Σ a[t]·b[t] for t < n, in the lane order above. */
// @ts-ignore: decorator
@inline
export function dot(a: usize, b: usize, n: i32): f64 {
  // @ts-ignore: SINGLE
  return SINGLE ? dotOf<f32, f32>(a, b, n) : dotOf<f64, f64>(a, b, n);
}

/** dot() over an array of A and one of B (f32 or f64 each, whatever the build). */
// @ts-ignore: decorator
@inline
export function dotOf<A, B>(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let t = 0;
  for (; t + 2 <= n; t += 2) acc = f64x2.add(acc, f64x2.mul(get2Of<A>(a, <usize>t), get2Of<B>(b, <usize>t)));
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (t < n) sum += getOf<A>(a, <usize>t) * getOf<B>(b, <usize>t);
  return sum;
}

/**
 * target[0] = r·a, target[1] = r·b: two dot products of length n sharing the loads of r
 * (two independent chains), each summed exactly as dot() sums it. Kept beside dots4: scoring
 * columns through dots4 instead measured 7.5–11.9 ms against 5.9–7.1 ms per recommend (bench:recommend),
 * four column streams at once being worse for that memory-bound pass.
 */
export function dot2(r: usize, a: usize, b: usize, n: i32, target: usize): void {
  let accA = f64x2.splat(0);
  let accB = f64x2.splat(0);
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    const offset = <usize>t << SHIFT;
    const rt = get2(r + offset);
    accA = f64x2.add(accA, f64x2.mul(rt, get2(a + offset)));
    accB = f64x2.add(accB, f64x2.mul(rt, get2(b + offset)));
  }
  let sumA = f64x2.extract_lane(accA, 0) + f64x2.extract_lane(accA, 1);
  let sumB = f64x2.extract_lane(accB, 0) + f64x2.extract_lane(accB, 1);
  if (t < n) {
    const offset = <usize>t << SHIFT;
    const rt = get(r + offset);
    sumA += rt * get(a + offset);
    sumB += rt * get(b + offset);
  }
  put(target, sumA);
  put(target, sumB, 1);
}

// The four dot products of the last dots4 call.
export let dotA: f64 = 0;
export let dotB: f64 = 0;
export let dotC: f64 = 0;
export let dotD: f64 = 0;

/**
 * w·a, w·b, w·c, w·d, each summed exactly as dot() sums it, as four independent chains: one dot
 * product is one long dependent chain of adds, four fill the pipeline. Results in dotA…dotD.
 */
// @ts-ignore: decorator
@inline
export function dots4(w: usize, a: usize, b: usize, c: usize, d: usize, n: i32): void {
  let sa = f64x2.splat(0);
  let sb = f64x2.splat(0);
  let sc = f64x2.splat(0);
  let sd = f64x2.splat(0);
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    const offset = <usize>t << SHIFT;
    const wt = get2(w + offset);
    sa = f64x2.add(sa, f64x2.mul(wt, get2(a + offset)));
    sb = f64x2.add(sb, f64x2.mul(wt, get2(b + offset)));
    sc = f64x2.add(sc, f64x2.mul(wt, get2(c + offset)));
    sd = f64x2.add(sd, f64x2.mul(wt, get2(d + offset)));
  }
  finishDots4(sa, sb, sc, sd);
  if (t < n) {
    const offset = <usize>t << SHIFT;
    const wt = get(w + offset);
    dotA += wt * get(a + offset);
    dotB += wt * get(b + offset);
    dotC += wt * get(c + offset);
    dotD += wt * get(d + offset);
  }
}

/**
 * a0·b0, a1·b1, a2·b2, a3·b3 likewise, for four different rows. dots4 is kept apart for one shared row:
 * loading it once instead of four times measured 12–13 ms against 16–17 ms an epoch of the sparse gd kernel.
 */
// @ts-ignore: decorator
@inline
export function pairDots4(a0: usize, b0: usize, a1: usize, b1: usize, a2: usize, b2: usize, a3: usize, b3: usize, n: i32): void {
  let sa = f64x2.splat(0);
  let sb = f64x2.splat(0);
  let sc = f64x2.splat(0);
  let sd = f64x2.splat(0);
  let t = 0;
  for (; t + 2 <= n; t += 2) {
    const offset = <usize>t << SHIFT;
    sa = f64x2.add(sa, f64x2.mul(get2(a0 + offset), get2(b0 + offset)));
    sb = f64x2.add(sb, f64x2.mul(get2(a1 + offset), get2(b1 + offset)));
    sc = f64x2.add(sc, f64x2.mul(get2(a2 + offset), get2(b2 + offset)));
    sd = f64x2.add(sd, f64x2.mul(get2(a3 + offset), get2(b3 + offset)));
  }
  finishDots4(sa, sb, sc, sd);
  if (t < n) {
    const offset = <usize>t << SHIFT;
    dotA += get(a0 + offset) * get(b0 + offset);
    dotB += get(a1 + offset) * get(b1 + offset);
    dotC += get(a2 + offset) * get(b2 + offset);
    dotD += get(a3 + offset) * get(b3 + offset);
  }
}

/**
 * pairDots4 over float32 rows (the float32 build), each dot summed as sgd.ts singleDot sums it: the first `quads`
 * coordinates in four f32 lanes (lane k mod 4), the lanes added in f64 as (0 + 1) + (2 + 3), then the rest in f64.
 * Four rows at once only so that their loads overlap: each result has the bits singleDot gives it.
 */
// @ts-ignore: decorator
@inline
export function singleDots4(a0: usize, b0: usize, a1: usize, b1: usize, a2: usize, b2: usize, a3: usize, b3: usize, quads: i32, n: i32): void {
  let sa = f32x4.splat(0);
  let sb = f32x4.splat(0);
  let sc = f32x4.splat(0);
  let sd = f32x4.splat(0);
  for (let k = 0; k < quads; k += 4) {
    const offset = <usize>k << 2;
    sa = f32x4.add(sa, f32x4.mul(v128.load(a0 + offset), v128.load(b0 + offset)));
    sb = f32x4.add(sb, f32x4.mul(v128.load(a1 + offset), v128.load(b1 + offset)));
    sc = f32x4.add(sc, f32x4.mul(v128.load(a2 + offset), v128.load(b2 + offset)));
    sd = f32x4.add(sd, f32x4.mul(v128.load(a3 + offset), v128.load(b3 + offset)));
  }
  dotA = singleLanes(sa);
  dotB = singleLanes(sb);
  dotC = singleLanes(sc);
  dotD = singleLanes(sd);
  for (let k = quads; k < n; k++) {
    dotA += get(a0, k) * get(b0, k);
    dotB += get(a1, k) * get(b1, k);
    dotC += get(a2, k) * get(b2, k);
    dotD += get(a3, k) * get(b3, k);
  }
}

/** An f32x4's lanes summed in f64, as (0 + 1) + (2 + 3). */
// @ts-ignore: decorator
@inline
export function singleLanes(lanes: v128): f64 {
  return (<f64>f32x4.extract_lane(lanes, 0) + <f64>f32x4.extract_lane(lanes, 1)) + (<f64>f32x4.extract_lane(lanes, 2) + <f64>f32x4.extract_lane(lanes, 3));
}

// @ts-ignore: decorator
@inline
function finishDots4(sa: v128, sb: v128, sc: v128, sd: v128): void {
  dotA = f64x2.extract_lane(sa, 0) + f64x2.extract_lane(sa, 1);
  dotB = f64x2.extract_lane(sb, 0) + f64x2.extract_lane(sb, 1);
  dotC = f64x2.extract_lane(sc, 0) + f64x2.extract_lane(sc, 1);
  dotD = f64x2.extract_lane(sd, 0) + f64x2.extract_lane(sd, 1);
}

/** y[t] += alpha·x[t] for t < n (element-wise, so no order question). */
// @ts-ignore: decorator
@inline
export function axpy(y: usize, alpha: f64, x: usize, n: i32): void {
  // @ts-ignore: SINGLE
  if (SINGLE) axpyOf<f32, f32>(y, alpha, x, n);
  else axpyOf<f64, f64>(y, alpha, x, n);
}

/** axpy() into an array of Y from one of X (f32 or f64 each, whatever the build). */
// @ts-ignore: decorator
@inline
export function axpyOf<Y, X>(y: usize, alpha: f64, x: usize, n: i32): void {
  const alphas = f64x2.splat(alpha);
  let t = 0;
  for (; t + 2 <= n; t += 2) put2Of<Y>(y, f64x2.add(get2Of<Y>(y, <usize>t), f64x2.mul(alphas, get2Of<X>(x, <usize>t))), <usize>t);
  if (t < n) putOf<Y>(y, getOf<Y>(y, <usize>t) + alpha * getOf<X>(x, <usize>t), <usize>t);
}

// @ts-ignore: decorator
@inline
export function zero(y: usize, n: i32): void {
  memory.fill(y, 0, <usize>n << SHIFT);
}
