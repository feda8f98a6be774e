// The seeded generator's draws of the initial factors, written straight into a factor in the build's precision:
// src/math/rng.ts Random, word for word — xoshiro128** on 32-bit integers, 53-bit uniforms from two words, normals
// by Marsaglia's polar method (one per accepted pair of uniforms) with fdlibm's logarithm — so the same seed gives the
// same bits as Random.fill, its twin, in every engine (Math.log is not specified to the last bit; this log is).
//
// Layout: state u32[4] (read, then left where the draws end), target: `lines` lines of `count` values, value c of
// line l at index l·lineStride + c·step (a factor's rows, or H's rows written into the columns of Hᵀ).

import { SHIFT, put } from "./real";

/** Fills the target with scale × (the next draw), line by line; the state goes on from where the last call left it. */
export function drawInto(state: usize, target: usize, lines: i32, count: i32, lineStride: i32, step: i32, scale: f64, normal: bool): void {
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  for (let line = 0; line < lines; line++) {
    for (let c = 0; c < count; c++) {
      let value: f64 = 0;
      for (;;) {
        // Four words an attempt for a normal, two for a uniform: the order Random draws them in.
        const w0 = rotl<u32>(s1 * 5, 7) * 9;
        let t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const w1 = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const first = uniform(w0, w1);
        if (!normal) {
          value = first;
          break;
        }
        const w2 = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const w3 = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const u = 2 * first - 1;
        const v = 2 * uniform(w2, w3) - 1;
        const r = u * u + v * v;
        if (r > 0 && r < 1) {
          value = u * Math.sqrt((-2 * log(r)) / r);
          break;
        }
      }
      put(target + ((<usize>line * <usize>lineStride + <usize>c * <usize>step) << SHIFT), scale * value);
    }
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/** 53 random bits from two words: 27 of the first, 26 of the second. */
// @ts-ignore: decorator
@inline
function uniform(first: u32, second: u32): f64 {
  return (<f64>(first >>> 5) * 67108864 + <f64>(second >>> 6)) / 9007199254740992;
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** fdlibm's __ieee754_log for finite x > 0: src/math/rng.ts log, operation for operation. */
export function log(x: f64): f64 {
  let hx = <i32>(reinterpret<u64>(x) >>> 32);
  let k = 0;
  if (hx < 0x00100000) {
    // Subnormal: scale into the normal range.
    k -= 54;
    x *= TWO54;
    hx = <i32>(reinterpret<u64>(x) >>> 32);
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  // Normalise x into [sqrt(2)/2, sqrt(2)): its high word replaced.
  x = reinterpret<f64>((reinterpret<u64>(x) & 0xffffffff) | (<u64><u32>(hx | (i ^ 0x3ff00000)) << 32));
  k += i >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}
