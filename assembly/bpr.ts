// Bayesian personalised ranking (Rendle et al. 2009) for events: SGD over sampled triples (u, i, j) — an
// observation (u, i) drawn uniformly, a column j drawn uniformly among those u has no event for — that
// raises x = w_u·h_i − w_u·h_j, i.e. descends −ln σ(x) + ½λ_W‖w_u‖² + ½λ_H(‖h_i‖² + ‖h_j‖²) (+ ½λ_b(c_i² + c_j²)). With biases, H's
// coordinate rank+1 is the column's bias c_j and W's rank+1 the constant 1, so x includes c_i − c_j; W's
// own bias cancels in x and stays 0.
//
// The draws come from a 32-bit xorshift whose state lives in `state` (one i32), so an epoch cut into blocks
// draws what it draws whole; exp and log are fdlibm.ts's, in plain arithmetic (no library call), which the
// TS twin repeats operation for operation: the same bits on both backends.
//
// Layout: rowStart i32[rows+1], colIndex i32[count] (CSR, columns ascending within a row), rowOf i32[count],
// w rows×width, ht cols×width, state i32[1].

import { SHIFT, get, put } from "./real";
import { dot } from "./vector";
import { expOf, logOf } from "./fdlibm";

/** The score differences beyond which σ is 0 or 1 to double precision; x is held within them. */
const LIMIT: f64 = 40;


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
