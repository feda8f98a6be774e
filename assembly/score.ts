// Serving: the score of every column for one row, out[j] = offset + w·h_j, with Hᵀ (cols×width)
// resident in linear memory. Two columns at a time share the loads of w (vector.ts dot2).

import { dot, dot2 } from "./vector";

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
