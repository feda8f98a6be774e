// One pass over a dense X as it arrives (NaN = missing): everything factorize() needs to know about
// the values before training, so that no other pass over the M×N entries is made in JavaScript, where
// the data-dependent branch on NaN costs ~7 ns an entry (it mispredicts); here the mask is a SIMD compare.
//
// Sums follow one order, which src/backends/js/scan.ts copies: within a row, two lanes take the
// observed values of the even and the odd columns of each pair, the lanes are added, then a trailing
// odd column is added; row sums are added in row order.
//
// X may come a block of rows at a time (src/backends/wasm.ts copies it in so, through a small buffer): the
// passes carry their totals from one call to the next, so any cut of the rows gives the same bits.
//
// Layout: x rows×cols f64, rowCounts f64[rows], colCounts f64[cols] (added to: zero them first),
// bits u32[rows × wordsPerRow] (bit j%32 of word j/32 of row i set when x[i][j] is observed),
// out f64[8]: count, Σx, Σx² over the observed entries, min and max in the two lanes that make them (even
// and odd columns: the caller takes the smaller and the larger), and 1 once an observed entry is not a
// float32 value (0 before it). Calls go on from out: set it to 0, 0, 0, +∞, +∞, −∞, −∞, 0 before the first.

// @ts-ignore: decorator
@inline
export function wordsPerRow(cols: i32): i32 {
  return (cols + 31) >>> 5;
}

/**
 * Fills rowCounts, colCounts, bits and adds to out; returns the flat index (in this call's rows) of the first
 * observed entry that is ±Infinity, or −1 when there is none (then out is complete for these rows).
 */
export function summarize(x: usize, rows: i32, cols: i32, rowCounts: usize, colCounts: usize, bits: usize, out: usize): i32 {
  const rowBytes = <usize>cols << 3;
  const words = wordsPerRow(cols);
  const one = f64x2.splat(1);
  let minimum = v128.load(out, 24);
  let maximum = v128.load(out, 40);
  let count = load<f64>(out);
  let sum = load<f64>(out, 8);
  let squares = load<f64>(out, 16);
  // Lanes holding an observed value that float32 does not hold exactly; once one does, no row looks again.
  let inexact = load<f64>(out, 56) != 0 ? i64x2.splat(-1) : i64x2.splat(0);
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * rowBytes;
    const rowBits = bits + (<usize>(i * words) << 2);
    let sums = f64x2.splat(0);
    let squareSums = f64x2.splat(0);
    let seen: u32 = 0;
    let word: u32 = 0;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const offset = <usize>j << 3;
      const v = v128.load(row + offset);
      const observed = f64x2.eq(v, v);
      v128.store(colCounts + offset, f64x2.add(v128.load(colCounts + offset), v128.and(observed, one)));
      const value = v128.and(v, observed);
      sums = f64x2.add(sums, value);
      squareSums = f64x2.add(squareSums, f64x2.mul(value, value));
      // pmin/pmax keep the accumulator when v is NaN (the comparison is false); an infinite value shows in them.
      minimum = f64x2.pmin(minimum, v);
      maximum = f64x2.pmax(maximum, v);
      word |= <u32>i64x2.bitmask(observed) << (<u32>j & 31);
      if (((j + 2) & 31) == 0) {
        store<u32>(rowBits + (<usize>(j >>> 5) << 2), word);
        seen += popcnt(word);
        word = 0;
      }
    }
    if (!v128.any_true(inexact)) {
      for (let t = 0; t + 2 <= cols; t += 2) {
        const v = v128.load(row + (<usize>t << 3));
        const rounded = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
        inexact = v128.or(inexact, v128.andnot(f64x2.eq(v, v), f64x2.eq(rounded, v)));
      }
    }
    let rowSum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
    let rowSquares = f64x2.extract_lane(squareSums, 0) + f64x2.extract_lane(squareSums, 1);
    if (j < cols) {
      const v = load<f64>(row + (<usize>j << 3));
      if (v == v) {
        store<f64>(colCounts + (<usize>j << 3), load<f64>(colCounts + (<usize>j << 3)) + 1);
        rowSum += v;
        rowSquares += v * v;
        if (v < f64x2.extract_lane(minimum, 0)) minimum = f64x2.replace_lane(minimum, 0, v);
        if (v > f64x2.extract_lane(maximum, 0)) maximum = f64x2.replace_lane(maximum, 0, v);
        if (<f64><f32>v != v) inexact = i64x2.splat(-1);
        word |= <u32>1 << (<u32>j & 31);
      }
      j++;
    }
    if (j & 31) {
      store<u32>(rowBits + (<usize>((j - 1) >>> 5) << 2), word);
      seen += popcnt(word);
    }
    // Every earlier row was finite: an infinite value in the extremes is in this row.
    if (v128.any_true(v128.or(f64x2.eq(minimum, f64x2.splat(-Infinity)), f64x2.eq(maximum, f64x2.splat(Infinity))))) {
      for (let t = 0; t < cols; t++) {
        if (Math.abs(load<f64>(row + (<usize>t << 3))) == Infinity) return i * cols + t;
      }
    }
    const rowCount = <f64>seen;
    store<f64>(rowCounts + (<usize>i << 3), rowCount);
    count += rowCount;
    sum += rowSum;
    squares += rowSquares;
  }
  store<f64>(out, count);
  store<f64>(out, sum, 8);
  store<f64>(out, squares, 16);
  v128.store(out, minimum, 24);
  v128.store(out, maximum, 40);
  store<f64>(out, v128.any_true(inexact) ? 1 : 0, 56);
  return -1;
}

/** `total` + Σ (x − center)² over the observed entries of a dense X, in summarize()'s order. */
export function squaredDeviation(x: usize, rows: i32, cols: i32, center: f64, total: f64): f64 {
  const rowBytes = <usize>cols << 3;
  const centers = f64x2.splat(center);
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * rowBytes;
    let lanes = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const v = v128.load(row + (<usize>j << 3));
      // NaN − center is NaN; the mask turns it into 0.
      const deviation = v128.and(f64x2.sub(v, centers), f64x2.eq(v, v));
      lanes = f64x2.add(lanes, f64x2.mul(deviation, deviation));
    }
    let rowSum = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
    if (j < cols) {
      const v = load<f64>(row + (<usize>j << 3));
      if (v == v) rowSum += (v - center) * (v - center);
    }
    total += rowSum;
  }
  return total;
}

/**
 * Copies the observed entries of x (rows×cols) to out in order and returns how many, from the observed bits
 * summarize() wrote: each word's set bits are visited lowest first, so an entry's place in out is known from
 * the bits alone. out may be x itself: an entry is never written past where it was read. (A branchless pass moving a cursor by x == x measured 5.6 ms for 1000×1000: each store's
 * address waited on the previous entry's load and compare.)
 */
export function compactObserved(x: usize, rows: i32, cols: i32, bits: usize, out: usize): i32 {
  const words = wordsPerRow(cols);
  let t: usize = 0;
  for (let i = 0; i < rows; i++) {
    const row = x + ((<usize>i * cols) << 3);
    const rowBits = bits + (<usize>(i * words) << 2);
    for (let w = 0; w < words; w++) {
      let word = load<u32>(rowBits + (<usize>w << 2));
      const first = row + (<usize>(w << 5) << 3);
      while (word != 0) {
        store<f64>(out + (t << 3), load<f64>(first + (<usize>ctz(word) << 3)));
        t++;
        word &= word - 1;
      }
    }
  }
  return <i32>t;
}
