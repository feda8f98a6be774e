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
