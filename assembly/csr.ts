// The CSR of a caller's ratings, built in a run's memory (src/input/observations.ts; the twin is
// src/backends/js/csr.ts): its entries already moved to bins of 2^shift consecutive rows, each a packed word (its
// row within the bin << colBits | its column) and a float32 value. Each bin's entries are put in column order by a
// counting sort, then moved to their rows' stretches in that order, so that each row comes out in column order: the
// bin's entries are a few tens of kilobytes, and every write stays in cache.
//
// Layout: words u32[nnz] and values f32[nnz] (in bins; values is overwritten with the CSR's), binStart i32[bins+1],
// cursor i32[rows] (each row's first place on entry; used up), colStart i32[cols+1] and sortedWords, sortedValues
// (the largest bin's count) as scratch, columns u16[nnz] (out). colBits ≤ 16.

/**
 * Bins first…end−1 into rows. `byColumn` 0: each bin's entries go to their rows in the order they are in (a sort of
 * each row follows), where a counting sort over every column once a bin would cost more than the entries.
 */
export function csrFromBins(
  words: usize, values: usize, binStart: usize, first: i32, end: i32, shift: i32, colBits: i32,
  cursor: usize, colStart: usize, cols: i32, sortedWords: usize, sortedValues: usize, columns: usize, byColumn: i32,
): void {
  const colMask: u32 = (1 << colBits) - 1;
  for (let b = first; b < end; b++) {
    const start = load<i32>(binStart + (<usize>b << 2));
    const count = load<i32>(binStart + (<usize>(b + 1) << 2)) - start;
    const binWords = words + (<usize>start << 2);
    const binValues = values + (<usize>start << 2);
    if (byColumn) {
      memory.fill(colStart, 0, <usize>(cols + 1) << 2);
      for (let u = 0; u < count; u++) {
        const at = colStart + ((<usize>(load<u32>(binWords + (<usize>u << 2)) & colMask) + 1) << 2);
        store<i32>(at, load<i32>(at) + 1);
      }
      let total = 0;
      for (let j = 0; j <= cols; j++) {
        const at = colStart + (<usize>j << 2);
        total += load<i32>(at);
        store<i32>(at, total);
      }
      for (let u = 0; u < count; u++) {
        const word = load<u32>(binWords + (<usize>u << 2));
        const at = colStart + (<usize>(word & colMask) << 2);
        const v = load<i32>(at);
        store<i32>(at, v + 1);
        store<u32>(sortedWords + (<usize>v << 2), word);
        store<f32>(sortedValues + (<usize>v << 2), load<f32>(binValues + (<usize>u << 2)));
      }
    } else {
      memory.copy(sortedWords, binWords, <usize>count << 2);
      memory.copy(sortedValues, binValues, <usize>count << 2);
    }
    const firstRow = cursor + (<usize>(b << shift) << 2);
    for (let u = 0; u < count; u++) {
      const word = load<u32>(sortedWords + (<usize>u << 2));
      const rowAt = firstRow + (<usize>(word >>> colBits) << 2);
      const t = load<i32>(rowAt);
      store<i32>(rowAt, t + 1);
      store<u16>(columns + (<usize>t << 1), <u16>(word & colMask));
      store<f32>(values + (<usize>t << 2), load<f32>(sortedValues + (<usize>u << 2)));
    }
  }
}

// The statistics of X's values from its CSR in a run's memory, in the order src/input/problem.ts sums them (the twin
// there is rowSums and rowDeviations, src/backends/js/csr.ts): within a row, the even columns, the odd ones and a
// trailing odd column (`trailingColumn`, or −1) in three sums, each entry to its lane by a factor of 1 (0 elsewhere),
// the lanes added, rows in order. totals: f64[5] — Σx, Σx², min, max, then Σ(x − mean)² — carried from call to call.

/**
 * Rows first…end−1 into totals[0…3]; each observation's column counted into colCounts (i32[cols]). Values f32[nnz],
 * columns u16[nnz], rowStart i32[rows+1].
 */
export function csrSums(rowStart: usize, columns: usize, values: usize, first: i32, end: i32, trailingColumn: i32, colCounts: usize, totals: usize): void {
  let sum = load<f64>(totals);
  let squares = load<f64>(totals, 8);
  let min = load<f64>(totals, 16);
  let max = load<f64>(totals, 24);
  for (let i = first; i < end; i++) {
    let sumEven = 0.0;
    let sumOdd = 0.0;
    let sumTrailing = 0.0;
    let squaresEven = 0.0;
    let squaresOdd = 0.0;
    let squaresTrailing = 0.0;
    const to = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let t = load<i32>(rowStart + (<usize>i << 2)); t < to; t++) {
      const x = <f64>load<f32>(values + (<usize>t << 2));
      const j = <i32>load<u16>(columns + (<usize>t << 1));
      const at = colCounts + (<usize>j << 2);
      store<i32>(at, load<i32>(at) + 1);
      if (x < min) min = x;
      if (x > max) max = x;
      const odd = <f64>(j & 1);
      const trailing = <f64>(j == trailingColumn);
      const even = 1 - odd - trailing;
      const square = x * x;
      sumEven += even * x;
      sumOdd += odd * x;
      sumTrailing += trailing * x;
      squaresEven += even * square;
      squaresOdd += odd * square;
      squaresTrailing += trailing * square;
    }
    sum += sumEven + sumOdd + sumTrailing;
    squares += squaresEven + squaresOdd + squaresTrailing;
  }
  store<f64>(totals, sum);
  store<f64>(totals, squares, 8);
  store<f64>(totals, min, 16);
  store<f64>(totals, max, 24);
}

/** Rows first…end−1's Σ(x − mean)² into totals[4], in csrSums' lanes. */
export function csrDeviations(rowStart: usize, columns: usize, values: usize, first: i32, end: i32, trailingColumn: i32, mean: f64, totals: usize): void {
  let deviation = load<f64>(totals, 32);
  for (let i = first; i < end; i++) {
    let even = 0.0;
    let odd = 0.0;
    let trailing = 0.0;
    const to = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let t = load<i32>(rowStart + (<usize>i << 2)); t < to; t++) {
      const d = <f64>load<f32>(values + (<usize>t << 2)) - mean;
      const square = d * d;
      const j = <i32>load<u16>(columns + (<usize>t << 1));
      const isOdd = <f64>(j & 1);
      const isTrailing = <f64>(j == trailingColumn);
      even += (1 - isOdd - isTrailing) * square;
      odd += isOdd * square;
      trailing += isTrailing * square;
    }
    deviation += even + odd + trailing;
  }
  store<f64>(totals, deviation, 32);
}

// A caller's entries on their way in, a chunk at a time (copied into the run's staging buffer): rowOf i32[count],
// colOf i32[count], values f32[count].

/**
 * Counts each entry's row into rowCounts[row + 1] (i32[rows + 1]); returns the chunk's first entry whose row or column
 * is out of range or whose value is not finite (nothing of it counted), or −1.
 */
export function csrCount(rowOf: usize, colOf: usize, values: usize, count: i32, rows: i32, cols: i32, rowCounts: usize): i32 {
  for (let p = 0; p < count; p++) {
    const row = load<u32>(rowOf + (<usize>p << 2));
    const x = load<f32>(values + (<usize>p << 2));
    // x − x is 0 for a finite x, NaN for NaN and ±Infinity.
    if (row >= <u32>rows || load<u32>(colOf + (<usize>p << 2)) >= <u32>cols || x - x != 0) return p;
    const at = rowCounts + ((<usize>row + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  return -1;
}

/**
 * Each entry to its bin of 2^shift rows: at the bin's next place (free[bin], moved on) its word (row within the bin
 * << colBits | column) into `words` and its value into `binned`.
 */
export function csrIntoBins(rowOf: usize, colOf: usize, values: usize, count: i32, free: usize, shift: i32, colBits: i32, words: usize, binned: usize): void {
  const low: u32 = (1 << shift) - 1;
  for (let p = 0; p < count; p++) {
    const row = load<u32>(rowOf + (<usize>p << 2));
    const at = free + (<usize>(row >>> shift) << 2);
    const t = load<i32>(at);
    store<i32>(at, t + 1);
    store<u32>(words + (<usize>t << 2), ((row & low) << colBits) | load<u32>(colOf + (<usize>p << 2)));
    store<f32>(binned + (<usize>t << 2), load<f32>(values + (<usize>p << 2)));
  }
}
