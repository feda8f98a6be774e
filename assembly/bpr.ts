// Bayesian personalised ranking (Rendle et al. 2009) for events: SGD over sampled triples (u, i, j) — an
// observation (u, i) drawn uniformly, a column j drawn uniformly among those u has no event for — that
// raises x = w_u·h_i − w_u·h_j, i.e. descends −ln σ(x) + ½λ_W‖w_u‖² + ½λ_H(‖h_i‖² + ‖h_j‖²) (+ ½λ_b(c_i² + c_j²)). With biases, H's
// coordinate rank+1 is the column's bias c_j and W's rank+1 the constant 1, so x includes c_i − c_j; W's
// own bias cancels in x and stays 0.
//
// The draws come from a 32-bit xorshift whose state lives in `state` (one i32), so an epoch cut into blocks
// draws what it draws whole; exp and log are written out in plain arithmetic (no library call), which the
// TS twin repeats operation for operation: the same bits on both backends.
//
// Layout: rowStart i32[rows+1], colIndex i32[count] (CSR, columns ascending within a row), rowOf i32[count],
// w rows×width, ht cols×width, state i32[1].

import { SHIFT, get, put } from "./real";
import { dot } from "./vector";

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const TWO54: f64 = 1.80143985094819840000e+16;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;
/** The score differences beyond which σ is 0 or 1 to double precision; x is held within them. */
const LIMIT: f64 = 40;

/** e^x for |x| ≤ 40: x = n·ln2 + r, |r| ≤ ½ln2, e^r by its Taylor series to r¹², times 2^n. */
export function expOf(x: f64): f64 {
  const n = floor(x * INV_LN2 + 0.5);
  const r = x - n * LN2_HI - n * LN2_LO;
  let p: f64 = 2.08767569878680989792e-09;
  p = p * r + 2.50521083854417187751e-08;
  p = p * r + 2.75573192239858906526e-07;
  p = p * r + 2.75573192239858906526e-06;
  p = p * r + 2.48015873015873015873e-05;
  p = p * r + 1.98412698412698412698e-04;
  p = p * r + 1.38888888888888888889e-03;
  p = p * r + 8.33333333333333333333e-03;
  p = p * r + 4.16666666666666666667e-02;
  p = p * r + 1.66666666666666666667e-01;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  return p * reinterpret<f64>((<i64>n + 1023) << 52);
}

/** The natural logarithm of a finite x > 0: fdlibm's __ieee754_log, as src/math/rng.ts writes it for JS. */
export function logOf(x: f64): f64 {
  let bits = reinterpret<i64>(x);
  let hx = <i32>(bits >> 32);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    k -= 54;
    x *= TWO54;
    bits = reinterpret<i64>(x);
    hx = <i32>(bits >> 32);
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<i64>(hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffff));
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

// @ts-ignore: decorator
@inline
function next(s: u32): u32 {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

/** A draw in 0…n−1 from a state: its 32 bits as a fraction of 2³², times n. */
// @ts-ignore: decorator
@inline
function below(s: u32, n: i32): i32 {
  return <i32>floor(<f64>s * 2.3283064365386963e-10 * <f64>n);
}

/** Whether column j is among colIndex[from…to−1] (ascending). */
function has(colIndex: usize, from: i32, to: i32, j: i32): bool {
  while (from < to) {
    const middle = (from + to) >>> 1;
    const c = load<i32>(colIndex + (<usize>middle << 2));
    if (c == j) return true;
    if (c < j) from = middle + 1;
    else to = middle;
  }
  return false;
}

/**
 * `samples` triples: returns Σ −ln σ(x) over those taken (a drawn j the row has an event for is skipped,
 * as implicit does), each x before its update. mode 0 only measures; 1 updates w_u, h_i and h_j; 2 updates
 * w_u alone (fold-in against trained columns).
 */
export function bprEpoch(
  rowStart: usize, colIndex: usize, rowOf: usize, w: usize, ht: usize, state: usize, count: i32, cols: i32, samples: i32,
  width: i32, rank: i32, learningRate: f64, lambdaW: f64, lambdaH: f64, biasLambda: f64, mode: i32,
): f64 {
  const rowBytes = <usize>width << SHIFT;
  let s = load<u32>(state);
  let loss: f64 = 0;
  for (let t = 0; t < samples; t++) {
    s = next(s);
    const p = below(s, count);
    s = next(s);
    const j = below(s, cols);
    const u = load<i32>(rowOf + (<usize>p << 2));
    if (has(colIndex, load<i32>(rowStart + (<usize>u << 2)), load<i32>(rowStart + (<usize>(u + 1) << 2)), j)) continue;
    const i = load<i32>(colIndex + (<usize>p << 2));
    const wu = w + <usize>u * rowBytes;
    const hi = ht + <usize>i * rowBytes;
    const hj = ht + <usize>j * rowBytes;
    let x = dot(wu, hi, width) - dot(wu, hj, width);
    x = x > LIMIT ? LIMIT : x < -LIMIT ? -LIMIT : x;
    loss += logOf(1.0 + expOf(-x));
    if (mode == 0) continue;
    // ∂(−ln σ(x))/∂x = −σ(−x) = −z.
    const z = 1.0 / (1.0 + expOf(x));
    for (let k = 0; k < rank; k++) {
      const at = <usize>k << SHIFT;
      const a = get(wu + at);
      const b = get(hi + at);
      const c = get(hj + at);
      put(wu + at, a + learningRate * (z * (b - c) - lambdaW * a));
      if (mode == 1) {
        put(hi + at, b + learningRate * (z * a - lambdaH * b));
        put(hj + at, c + learningRate * (-z * a - lambdaH * c));
      }
    }
    if (mode == 1 && width > rank) {
      const at = <usize>(rank + 1) << SHIFT;
      const b = get(hi + at);
      const c = get(hj + at);
      put(hi + at, b + learningRate * (z - biasLambda * b));
      put(hj + at, c + learningRate * (-z - biasLambda * c));
    }
  }
  store<u32>(state, s);
  return loss;
}
