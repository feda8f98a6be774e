// Entries of an array picked by position into a typed array of their own. A plain loop: TypedArray.from with a
// mapping function builds an intermediate list on V8's heap (tens of megabytes a million entries), and a heap
// grown so stays grown while the kernels train.

/** A new `Type` of values[at[0]], values[at[1]], …. */
export function picked<T extends Int32Array | Float32Array | Float64Array>(Type: new (length: number) => T, values: ArrayLike<number>, at: ArrayLike<number>): T {
  const out = new Type(at.length);
  for (let k = 0; k < at.length; k++) out[k] = values[at[k]];
  return out;
}

/** The positions t < count where `keep(t)` holds, ascending, in an Int32Array (no list grown entry by entry). */
export function positionsWhere(count: number, keep: (t: number) => boolean): Int32Array {
  let kept = 0;
  for (let t = 0; t < count; t++) if (keep(t)) kept++;
  const at = new Int32Array(kept);
  for (let t = 0, k = 0; k < kept; t++) if (keep(t)) at[k++] = t;
  return at;
}
