// Pure-TypeScript twin of assembly/order.ts: sgd's observations stored block by block from the CSR.
import type { RealArray } from '../../runtime/kernels.js';

/** A row's or column's code (assembly/order.ts): its bin << 26 | its offset from its bin's first slot. */
export const codeOf = (bin: number, offset: number): number => ((bin << 26) | offset) >>> 0;

/** assembly/order.ts blockCells over typed arrays (columns two bytes each and given float32s, in i32 buffers). */
export function blockCells(
  rowStart: Int32Array, columns: Int32Array, columnBase: number, rowCodes: Int32Array, colCodes: Int32Array, first: number, end: number, bins: number,
  blockCursor: Int32Array, given: Int32Array, center: number, values: RealArray, cells: Int32Array, colBits: number, words: number, pass: number,
): void {
  const columnIndex = new Uint16Array(columns.buffer, columns.byteOffset, 2 * columns.length);
  const givenValues = new Float32Array(given.buffer, given.byteOffset, given.length);
  for (let i = first; i < end; i++) {
    const rowCode = rowCodes[i];
    const rowBlocks = (rowCode >>> 26) * bins;
    const rowOffset = rowCode & 0x3ffffff;
    for (let p = rowStart[i]; p < rowStart[i + 1]; p++) {
      const colCode = colCodes[columnIndex[p - columnBase]];
      const block = rowBlocks + (colCode >>> 26) + (pass === 0 ? 1 : 0);
      const t = blockCursor[block]++;
      if (pass === 1) values[t] = givenValues[p] - center;
      else if (pass === 2) {
        if (words === 2) {
          cells[2 * t] = colCode & 0x3ffffff;
          cells[2 * t + 1] = rowOffset;
        } else {
          cells[t] = (rowOffset << colBits) | (colCode & 0x3ffffff);
        }
      }
    }
  }
}
