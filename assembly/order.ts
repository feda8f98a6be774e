// sgd's observations stored in its visiting order (src/solvers/order.ts; the twin is src/backends/js/order.ts):
// from the CSR of X in the run's memory (two-byte column indices, float32 values), block by block, each block's in
// CSR order — a stable counting scatter over the blocks of `bins` × `bins`.
//
// Each row's and column's place comes as a code: its bin << 26 | its offset from its bin's first slot (a bin holds
// at most 2^26 rows: a run's memory holds fewer than 2^30 factor rows, in 20 bins). Layout: rowStart i32[end − first +
// 1] and rowCodes i32[end − first] (the call's rows), columns u16[] (the call's rows' column indices: observation p's
// at p − columnBase), colCodes i32[cols], blockCursor i32[bins² + 1], given f32[nnz], values real[nnz], cells u32[nnz]
// (or u64: `words` 2).

import { put } from "./real";

/** A code's bin. */
// @ts-ignore: decorator
@inline
function binOf(code: u32): u32 {
  return code >>> 26;
}

/** A code's offset within its bin. */
// @ts-ignore: decorator
@inline
function offsetOf(code: u32): u32 {
  return code & 0x3ffffff;
}

/**
 * Rows first…end−1's observations: `pass` 0 counts each block's into blockCursor[block + 1]; 1 stores each value
 * at its block's next place (blockCursor[block], moved on; `center` taken from it); 2 stores each cell so.
 */
export function blockCells(
  rowStart: usize, columns: usize, columnBase: i32, rowCodes: usize, colCodes: usize, first: i32, end: i32, bins: i32,
  blockCursor: usize, given: usize, center: f64, values: usize, cells: usize, colBits: i32, words: i32, pass: i32,
): void {
  for (let i = first; i < end; i++) {
    const rowCode = load<u32>(rowCodes + (<usize>i << 2));
    const rowBlocks = <i32>binOf(rowCode) * bins;
    const rowOffset = offsetOf(rowCode);
    const from = load<i32>(rowStart + (<usize>i << 2));
    const to = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let p = from; p < to; p++) {
      const colCode = load<u32>(colCodes + (<usize>load<u16>(columns + (<usize>(p - columnBase) << 1)) << 2));
      const at = blockCursor + (<usize>(rowBlocks + <i32>binOf(colCode) + (pass == 0 ? 1 : 0)) << 2);
      const t = load<i32>(at);
      store<i32>(at, t + 1);
      if (pass == 1) put(values, <f64>load<f32>(given + (<usize>p << 2)) - center, <usize>t);
      else if (pass == 2) {
        if (words == 2) {
          // A u64 on a little-endian memory: the column offset in the low word.
          store<u32>(cells + (<usize>t << 3), offsetOf(colCode));
          store<u32>(cells + (<usize>t << 3), rowOffset, 4);
        } else {
          store<u32>(cells + (<usize>t << 2), (rowOffset << colBits) | offsetOf(colCode));
        }
      }
    }
  }
}
