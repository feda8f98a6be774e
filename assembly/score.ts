// Serving: the score of every column for one row, out[j] = offset + w·h_j, with Hᵀ (cols×width)
// resident in linear memory. Two columns at a time share the loads of w.

export function scoreColumns(w: usize, ht: usize, cols: i32, width: i32, offset: f64, out: usize): void {
  const rowBytes = <usize>width << 3;
  let j = 0;
  for (; j + 2 <= cols; j += 2) {
    const a = ht + <usize>j * rowBytes;
    const b = a + rowBytes;
    let accA = f64x2.splat(0);
    let accB = f64x2.splat(0);
    let k = 0;
    for (; k + 2 <= width; k += 2) {
      const offsetK = <usize>k << 3;
      const wk = v128.load(w + offsetK);
      accA = f64x2.add(accA, f64x2.mul(wk, v128.load(a + offsetK)));
      accB = f64x2.add(accB, f64x2.mul(wk, v128.load(b + offsetK)));
    }
    let sumA = f64x2.extract_lane(accA, 0) + f64x2.extract_lane(accA, 1);
    let sumB = f64x2.extract_lane(accB, 0) + f64x2.extract_lane(accB, 1);
    if (k < width) {
      const offsetK = <usize>k << 3;
      const wk = load<f64>(w + offsetK);
      sumA += wk * load<f64>(a + offsetK);
      sumB += wk * load<f64>(b + offsetK);
    }
    store<f64>(out + (<usize>j << 3), offset + sumA);
    store<f64>(out + (<usize>(j + 1) << 3), offset + sumB);
  }
  if (j < cols) {
    const a = ht + <usize>j * rowBytes;
    let sum = 0.0;
    let acc = f64x2.splat(0);
    let k = 0;
    for (; k + 2 <= width; k += 2) {
      const offsetK = <usize>k << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(w + offsetK), v128.load(a + offsetK)));
    }
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (k < width) sum += load<f64>(w + (<usize>k << 3)) * load<f64>(a + (<usize>k << 3));
    store<f64>(out + (<usize>j << 3), offset + sum);
  }
}
