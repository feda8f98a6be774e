// The seeded generator's draws of the initial factors, written straight into a factor in the build's precision:
// src/math/rng.ts Random, word for word — xoshiro128** on 32-bit integers, 53-bit uniforms from two words, normals
// by Marsaglia's polar method (one per accepted pair of uniforms) with fdlibm's logarithm — so the same seed gives the
// same bits as Random.fill, its twin, in every engine (Math.log is not specified to the last bit; this log is).
//
// Layout: state u32[4] (read, then left where the draws end), target: `lines` lines of `count` values, value c of
// line l at index l·lineStride + c·step (a factor's rows, or H's rows written into the columns of Hᵀ).

import { SHIFT, put } from "./real";
import { logOf } from "./fdlibm";

/** Fills the target with scale × (the next draw), line by line; the state goes on from where the last call left it. */
export function drawInto(state: usize, target: usize, lines: i32, count: i32, lineStride: i32, step: i32, scale: f64, normal: bool): void {
  // The state in locals, each word's step written out here: V8 keeps locals in registers, and a module's globals in
  // memory, loaded and stored at every step.
  let s0 = load<u32>(state);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  // A normal's accepted attempt waits for the next one's: their logarithms, independent of each other, then run side
  // by side (most of a normal's time is its logarithm's chain of dependent operations).
  let waiting = false;
  let waitingAt: usize = 0;
  let waitingU: f64 = 0;
  let waitingR: f64 = 0;
  for (let line = 0; line < lines; line++) {
    let at = target + ((<usize>line * <usize>lineStride) << SHIFT);
    const stride = <usize>step << SHIFT;
    for (let c = 0; c < count; c++, at += stride) {
      let value: f64 = 0;
      // A normal's attempt takes two uniforms, u's then v's: the order Random draws them in.
      let u: f64 = 0;
      let haveU = false;
      for (;;) {
        // Two words a uniform, each xoshiro128**'s output of the state, then the state's step.
        const high = rotl<u32>(s1 * 5, 7) * 9;
        let t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const low = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        const drawn = uniform(high, low);
        if (!normal) {
          value = drawn;
          break;
        }
        if (!haveU) {
          u = 2 * drawn - 1;
          haveU = true;
          continue;
        }
        haveU = false;
        const v = 2 * drawn - 1;
        const r = u * u + v * v;
        if (r > 0 && r < 1) {
          if (!waiting) {
            waiting = true;
            waitingAt = at;
            waitingU = u;
            waitingR = r;
          } else {
            const waitingLog = logOf(waitingR);
            const log = logOf(r);
            put(waitingAt, scale * polar(waitingU, waitingR, waitingLog));
            put(at, scale * polar(u, r, log));
            waiting = false;
          }
          break;
        }
      }
      if (!normal) put(at, scale * value);
    }
  }
  if (waiting) put(waitingAt, scale * polar(waitingU, waitingR, logOf(waitingR)));
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/** The polar method's normal from an accepted attempt: its u, r = u² + v² and log r. */
// @ts-ignore: decorator
@inline
function polar(u: f64, r: f64, log: f64): f64 {
  return u * Math.sqrt((-2 * log) / r);
}

/** 53 random bits from two words: 27 of the first, 26 of the second. */
// @ts-ignore: decorator
@inline
function uniform(first: u32, second: u32): f64 {
  return (<f64>(first >>> 5) * 67108864 + <f64>(second >>> 6)) / 9007199254740992;
}
