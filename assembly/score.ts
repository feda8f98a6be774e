// Serving: the score of every column for one row, out[j] = offset + w·h_j, with Hᵀ (cols×width)
// resident in linear memory. Two columns at a time share the loads of w (vector.ts dot2).

import { dot, dot2 } from "./vector";
import { SHIFT, get, put } from "./real";

export function scoreColumns(w: usize, ht: usize, cols: i32, width: i32, offset: f64, out: usize): void {
  const rowBytes = <usize>width << 3;
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const a = ht + <usize>j * rowBytes;
    const at = out + (<usize>j << 3);
    dot2(w, a, a + rowBytes, width, at);
    store<f64>(at, load<f64>(at) + offset);
    store<f64>(at, load<f64>(at, 8) + offset, 8);
  }
  if (j < cols) store<f64>(out + (<usize>j << 3), offset + dot(w, ht + <usize>j * rowBytes, width));
}

/**
 * The same over Hᵀ and w stored as float32, in f32x4 arithmetic: two columns at a time, each with four lanes
 * taking coordinates k mod 4, the lanes added in f64 as (0 + 1) + (2 + 3), then the width mod 4 trailing
 * coordinates in f64 (src/backends/js/score.ts copies this order with Math.fround). At 1M columns and rank
 * 64 the kernel alone runs at about 1.2× one plain pass over the same bytes (bench:recommend -- --large);
 * widening every pair to f64x2 instead was 21.1 ms against 16–18 ms for the pass, and four or eight columns
 * at a time measured no better than two (ad hoc, stop 20).
 */
export function scoreColumnsF32(w: usize, ht: usize, cols: i32, width: i32, offset: f64, out: usize): void {
  const rowBytes = <usize>width << 2;
  const quads = width & ~3;
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const a = ht + <usize>j * rowBytes;
    const b = a + rowBytes;
    let accA = f32x4.splat(0);
    let accB = f32x4.splat(0);
    for (let k = 0; k < quads; k += 4) {
      const offsetK = <usize>k << 2;
      const wk = v128.load(w + offsetK);
      accA = f32x4.add(accA, f32x4.mul(wk, v128.load(a + offsetK)));
      accB = f32x4.add(accB, f32x4.mul(wk, v128.load(b + offsetK)));
    }
    const at = out + (<usize>j << 3);
    store<f64>(at, offset + finishF32(accA, w, a, quads, width));
    store<f64>(at, offset + finishF32(accB, w, b, quads, width), 8);
  }
  for (; j < cols; j++) {
    const a = ht + <usize>j * rowBytes;
    let acc = f32x4.splat(0);
    for (let k = 0; k < quads; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(w + (<usize>k << 2)), v128.load(a + (<usize>k << 2))));
    store<f64>(out + (<usize>j << 3), offset + finishF32(acc, w, a, quads, width));
  }
}

/** A column's four lanes added in f64, then its coordinates from `first` on in f64. */
// @ts-ignore: decorator
@inline
function finishF32(lanes: v128, w: usize, column: usize, first: i32, width: i32): f64 {
  let sum = (<f64>f32x4.extract_lane(lanes, 0) + <f64>f32x4.extract_lane(lanes, 1)) + (<f64>f32x4.extract_lane(lanes, 2) + <f64>f32x4.extract_lane(lanes, 3));
  for (let k = first; k < width; k++) sum += <f64>load<f32>(w + (<usize>k << 2)) * <f64>load<f32>(column + (<usize>k << 2));
  return sum;
}

/**
 * Σ of `count` float32 values in four f32x4 accumulators: not a kernel of the library, but the plain
 * pass over the same bytes that bench:recommend times beside scoreColumnsF32 (the memory-bandwidth limit).
 */
export function sumFloat32(at: usize, count: i32): f64 {
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let c = f32x4.splat(0);
  let d = f32x4.splat(0);
  let p = 0;
  for (; p + 16 <= count; p += 16) {
    const base = at + (<usize>p << 2);
    a = f32x4.add(a, v128.load(base));
    b = f32x4.add(b, v128.load(base, 16));
    c = f32x4.add(c, v128.load(base, 32));
    d = f32x4.add(d, v128.load(base, 48));
  }
  const lanes = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  let sum = <f64>f32x4.extract_lane(lanes, 0) + <f64>f32x4.extract_lane(lanes, 1) + <f64>f32x4.extract_lane(lanes, 2) + <f64>f32x4.extract_lane(lanes, 3);
  for (; p < count; p++) sum += <f64>load<f32>(at + (<usize>p << 2));
  return sum;
}

/**
 * recommend() for `count` rows at once — each listed row's scores, the ranking's shrinkage, minCount and
 * exclusions (src/model/ranking.ts scoreAll), then its top n — so that many rows can be ranked on threads.
 * `w` holds the listed rows' factors, in list order (rowList names the rows, for their training columns).
 * `order` is the order the model's scorer sums in, for the same bits as one recommend() per row: 0 the
 * pure-JS scorer's (four columns at a time, k ascending, src/backends/js/score.ts), 1 scoreColumns'. Row r's
 * columns go to outIndex[r·n …] (−1 past the last candidate) and their scores to outScore, best first, ties
 * to the lower column; `scores` is scratch of `cols` entries.
 */
export function recommendRows(
  rowList: usize, count: i32, w: usize, ht: usize, cols: i32, width: i32, biasAt: i32, offset: f64,
  colCounts: usize, shrinkage: f64, minCount: f64, rowStart: usize, colIndex: usize, excludeObserved: i32,
  excluded: usize, excludedCount: i32, n: i32, order: i32, scores: usize, outIndex: usize, outScore: usize,
): void {
  const rowBytes = <usize>width << SHIFT;
  for (let r = 0; r < count; r++) {
    const row = load<i32>(rowList + (<usize>r << 2));
    const wi = w + <usize>r * rowBytes;
    if (order == 0) scoreInJsOrder(wi, ht, cols, width, offset, scores);
    else scoreColumns(wi, ht, cols, width, offset, scores);
    const base = offset + (biasAt >= 0 ? get(wi, <usize>biasAt) : 0.0);
    for (let c = 0; c < cols; c++) {
      const seen = get(colCounts, c);
      if (seen < minCount) put(scores, NaN, c);
      else if (shrinkage > 0) put(scores, base + (seen / (seen + shrinkage)) * (get(scores, c) - base), c);
    }
    if (excludeObserved) {
      const end = load<i32>(rowStart + (<usize>(row + 1) << 2));
      for (let t = load<i32>(rowStart + (<usize>row << 2)); t < end; t++) put(scores, NaN, load<i32>(colIndex + (<usize>t << 2)));
    }
    for (let t = 0; t < excludedCount; t++) put(scores, NaN, load<i32>(excluded + (<usize>t << 2)));
    topColumns(scores, cols, n, outIndex + (<usize>(r * n) << 2), outScore + (<usize>(r * n) << SHIFT));
  }
}

/** The pure-JS scorer's sums (src/backends/js/score.ts jsScorer): four columns at a time, each k ascending. */
function scoreInJsOrder(w: usize, ht: usize, cols: i32, width: i32, offset: f64, out: usize): void {
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const a = <usize>j * width;
    let s0 = 0.0;
    let s1 = 0.0;
    let s2 = 0.0;
    let s3 = 0.0;
    for (let k = 0; k < width; k++) {
      const wk = get(w, k);
      s0 += wk * get(ht, a + k);
      s1 += wk * get(ht, a + width + k);
      s2 += wk * get(ht, a + 2 * width + k);
      s3 += wk * get(ht, a + 3 * width + k);
    }
    put(out, offset + s0, j);
    put(out, offset + s1, j + 1);
    put(out, offset + s2, j + 2);
    put(out, offset + s3, j + 3);
  }
  for (; j < cols; j++) {
    let sum = 0.0;
    for (let k = 0; k < width; k++) sum += get(w, k) * get(ht, <usize>j * width + k);
    put(out, offset + sum, j);
  }
}

/**
 * The n best of `scores` (NaN left out), best first, equal scores by the lower index: an insertion into a
 * sorted list of n, each score compared once with the list's last. The order is total, so the list is the
 * one math/select.ts topN makes.
 */
function topColumns(scores: usize, cols: i32, n: i32, outIndex: usize, outScore: usize): void {
  if (n <= 0) return;
  let filled = 0;
  for (let c = 0; c < cols; c++) {
    const s = get(scores, c);
    if (s != s) continue;
    // Ahead of the last kept entry: a higher score (an equal one comes later in column order, so after it).
    if (filled == n && !(s > get(outScore, filled - 1))) continue;
    let at = filled < n ? filled++ : n - 1;
    while (at > 0 && s > get(outScore, at - 1)) {
      put(outScore, get(outScore, at - 1), at);
      store<i32>(outIndex + (<usize>at << 2), load<i32>(outIndex + (<usize>(at - 1) << 2)));
      at--;
    }
    put(outScore, s, at);
    store<i32>(outIndex + (<usize>at << 2), c);
  }
  for (let t = filled; t < n; t++) {
    store<i32>(outIndex + (<usize>t << 2), -1);
    put(outScore, NaN, t);
  }
}
