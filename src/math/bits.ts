// How many bits an index needs, where indices are packed into the bits of a word or narrowed to two bytes.

/** Bits that hold 0…count−1 (0 for a count of 0 or 1). */
export const bitsFor = (count: number): number => (count <= 1 ? 0 : 32 - Math.clz32(count - 1));

/** How many indices two bytes hold (a Uint16Array's 0…65,535). */
export const TWO_BYTE_INDICES = 2 ** 16;
