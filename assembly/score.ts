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
 * The same over Hᵀ stored as float32 (half the bytes to stream, which is what bounds this pass): each
 * pair of f32 factors is promoted to f64 on load, so products and sums are f64 as above.
 */
export function scoreColumnsF32(w: usize, ht: usize, cols: i32, width: i32, offset: f64, out: usize): void {
  const rowBytes = <usize>width << 2;
  for (let j = 0; j < cols; j++) {
    const a = ht + <usize>j * rowBytes;
    let acc = f64x2.splat(0);
    let k = 0;
    for (; k + 2 <= width; k += 2) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(w + (<usize>k << 3)), f64x2.promote_low_f32x4(v128.load64_zero(a + (<usize>k << 2)))));
    }
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (k < width) sum += load<f64>(w + (<usize>k << 3)) * <f64>load<f32>(a + (<usize>k << 2));
    store<f64>(out + (<usize>j << 3), offset + sum);
  }
}
