// The signature an mfwasm model file begins with (src/model/persist.ts writes it), here so that readers of other
// files can tell a model given in their place and say so.

/** A model file's first four bytes, as the u32 persist.ts writes little-endian: the bytes "MWFM". */
export const MODEL_MAGIC = 0x4d46574d;

/** The signature as text, for messages. */
export const MODEL_SIGNATURE = String.fromCharCode(...[0, 8, 16, 24].map((shift) => (MODEL_MAGIC >>> shift) & 0xff));

/**
 * Whether `bytes` from `at` on begin as a model file does: the signature, then the format version's u16 (whose high
 * byte is 0, which no line of text holds: an id that happens to begin "MWFM" is not taken for it).
 */
export function startsLikeModel(bytes: Uint8Array, at = 0): boolean {
  return bytes.length >= at + 6 && bytes[at + 5] === 0 && [0, 1, 2, 3].every((k) => bytes[at + k] === ((MODEL_MAGIC >>> (8 * k)) & 0xff));
}
