// The storage type of every f64 buffer a solver kernel touches (factors, values, settings, scratch):
// f64 in the default build, f32 in the single-precision builds, chosen at compile time by asconfig.json
// (`use: SINGLE=0|1`). Arithmetic stays in f64 either way: a value is widened as it is loaded and
// rounded once as it is stored, in the same places in both builds, so one kernel source serves both,
// the sums keep their documented order, and the pure-TS backend over Float32Arrays (which also
// computes in doubles and rounds on store) is the single-precision build's twin. Scratch that a kernel
// keeps running sums in may be declared f64 in both builds (Buffers.scratch64: ALS's normal equations),
// read and written through getOf<f64> and the like, as the twin's Float64Array scratch.
//
// Pointers stay byte offsets; `<< SHIFT` turns an element index into one.

// @ts-ignore: SINGLE is defined by the compiler's --use flag
export const SHIFT: usize = SINGLE ? 2 : 3;
/** Bytes per stored value. */
export const REAL: usize = 1 << SHIFT;

/** The value `index` entries after `at`. */
// @ts-ignore: decorator
@inline
export function get(at: usize, index: usize = 0): f64 {
  // @ts-ignore: SINGLE
  return SINGLE ? getOf<f32>(at, index) : getOf<f64>(at, index);
}

/** Stores `value` (rounded to the build's precision) `index` entries after `at`. */
// @ts-ignore: decorator
@inline
export function put(at: usize, value: f64, index: usize = 0): void {
  // @ts-ignore: SINGLE
  if (SINGLE) putOf<f32>(at, value, index);
  else putOf<f64>(at, value, index);
}

/** Two consecutive values as one f64x2. */
// @ts-ignore: decorator
@inline
export function get2(at: usize, index: usize = 0): v128 {
  // @ts-ignore: SINGLE
  return SINGLE ? get2Of<f32>(at, index) : get2Of<f64>(at, index);
}

/** Stores an f64x2 as two consecutive values. */
// @ts-ignore: decorator
@inline
export function put2(at: usize, pair: v128, index: usize = 0): void {
  // @ts-ignore: SINGLE
  if (SINGLE) put2Of<f32>(at, pair, index);
  else put2Of<f64>(at, pair, index);
}

// The same over an array of T (f32 or f64) whatever the build: for scratch a kernel keeps in f64 in both builds.

/** Entry `index` of an array of T at `at`, widened. */
// @ts-ignore: decorator
@inline
export function getOf<T>(at: usize, index: usize = 0): f64 {
  return <f64>load<T>(at + (index << alignof<T>()));
}

/** Stores `value`, rounded to T, as entry `index` of an array of T. */
// @ts-ignore: decorator
@inline
export function putOf<T>(at: usize, value: f64, index: usize = 0): void {
  store<T>(at + (index << alignof<T>()), <T>value);
}

/** Entries index and index + 1 of an array of T as one f64x2. */
// @ts-ignore: decorator
@inline
export function get2Of<T>(at: usize, index: usize = 0): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(at + (index << 2)));
  return v128.load(at + (index << 3));
}

/** Stores an f64x2 as entries index and index + 1 of an array of T. */
// @ts-ignore: decorator
@inline
export function put2Of<T>(at: usize, pair: v128, index: usize = 0): void {
  if (sizeof<T>() == 4) v128.store64_lane(at + (index << 2), f32x4.demote_f64x2_zero(pair), 0);
  else v128.store(at + (index << 3), pair);
}

/** One value in both lanes. */
// @ts-ignore: decorator
@inline
export function splatAt(at: usize, index: usize = 0): v128 {
  return f64x2.splat(get(at, index));
}

/**
 * `value` as a store would leave it: rounded to f32 in the single-precision build, unchanged in f64. A
 * kernel that keeps a sum in a register across several additions the twin stores one by one (axpy4,
 * dense.ts accumulate4) rounds each partial sum, so both builds give the twin's bits.
 */
// @ts-ignore: decorator
@inline
export function kept(value: f64): f64 {
  // @ts-ignore: SINGLE
  if (SINGLE) return <f64><f32>value;
  return value;
}

/**
 * Entry `index` of an array of V (the build's storage, or f32) less `center`, rounded as a store of this build
 * rounds: a run may store its values as given and centre them as it reads them (sgd, so that the model can take them
 * back; ALS, so that they can be float32 in a float64 run), which gives the bits a value centred before it was stored
 * has. A center of 0 leaves a stored value as it is.
 */
// @ts-ignore: decorator
@inline
export function centred<V>(at: usize, index: usize, center: f64): f64 {
  return kept(getOf<V>(at, index) - center);
}

/** kept() for both lanes. */
// @ts-ignore: decorator
@inline
export function kept2(pair: v128): v128 {
  // @ts-ignore: SINGLE
  if (SINGLE) return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(pair));
  return pair;
}
