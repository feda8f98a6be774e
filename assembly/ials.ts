// Implicit-feedback ALS (Hu, Koren and Volinsky 2008) over the whole matrix: preference 1 where a row has
// an event, 0 elsewhere, confidence c = 1 + α·value (1 elsewhere). With the other side's factors Y fixed
// and G = YᵀY precomputed once per half, row u's exact minimiser of
//   ½ Σ_j c_uj (p_uj − x·y_j)² + ½λ‖x‖²
// solves (G + λI + Σ_events (c−1) y yᵀ) x = Σ_events c·y: O(n_u·k² + k³) per row, not O(cols·k²). Or, as
// Takács et al. (2011) and the implicit library do, a few conjugate-gradient steps warm-started from the
// current x, O(n_u·k + k²) per step. `confidence` holds α·value (c − 1) per event.
//
// Scratch: gram width×width, rhs width, cg 3·width. Nothing is allocated.

import { SHIFT, get, put } from "./real";
import { choleskySolve } from "./als";
import { axpy, dot, zero } from "./vector";

/**
 * Rows first…first+count−1 of out (width×width, both triangles) = Σ_i f_i f_iᵀ over the n rows of F
 * (n×width). Each entry sums over i in order whatever rows a call takes, so threads given disjoint rows
 * of out compute exactly what one call over all of them computes.
 */
export function gramian(factors: usize, n: i32, width: i32, out: usize, first: i32, count: i32): void {
  const rowBytes = <usize>width << SHIFT;
  zero(out + <usize>first * rowBytes, count * width);
  const end = first + count;
  for (let i = 0; i < n; i++) {
    const f = factors + <usize>i * rowBytes;
    for (let a = first; a < end; a++) axpy(out + <usize>a * rowBytes, get(f + (<usize>a << SHIFT)), f, width);
  }
}

/** target = (G + λI)·v + Σ_events conf·(y·v)·y over events first…end−1. */
// @ts-ignore: decorator
@inline
function product(
  gramianOfFixed: usize, lambda: f64, v: usize, first: i32, end: i32, index: usize, confidence: usize, fixed: usize,
  width: i32, target: usize,
): void {
  const rowBytes = <usize>width << SHIFT;
  for (let a = 0; a < width; a++) {
    put(target + (<usize>a << SHIFT), dot(gramianOfFixed + <usize>a * rowBytes, v, width) + lambda * get(v + (<usize>a << SHIFT)));
  }
  for (let p = first; p < end; p++) {
    const y = fixed + <usize>load<i32>(index + (<usize>p << 2)) * rowBytes;
    axpy(target, get(confidence + (<usize>p << SHIFT)) * dot(y, v, width), y, width);
  }
}

export function ialsHalf(
  start: usize, index: usize, confidence: usize, fixed: usize, solved: usize, gramianOfFixed: usize,
  n: i32, width: i32, lambda: f64, gram: usize, rhs: usize, cg: usize, cgSteps: i32,
): void {
  const rowBytes = <usize>width << SHIFT;
  const r = cg;
  const p = cg + rowBytes;
  const ap = cg + 2 * rowBytes;
  for (let u = 0; u < n; u++) {
    const first = load<i32>(start + (<usize>u << 2));
    const end = load<i32>(start + (<usize>(u + 1) << 2));
    const x = solved + <usize>u * rowBytes;
    // No events: (G + λI)x = 0, so x = 0 exactly.
    if (first == end) {
      zero(x, width);
      continue;
    }
    if (cgSteps == 0) {
      memory.copy(gram, gramianOfFixed, <usize>width * rowBytes);
      zero(rhs, width);
      for (let a = 0; a < width; a++) {
        const diagonal = gram + <usize>a * rowBytes + (<usize>a << SHIFT);
        put(diagonal, get(diagonal) + lambda);
      }
      for (let q = first; q < end; q++) {
        const y = fixed + <usize>load<i32>(index + (<usize>q << 2)) * rowBytes;
        const extra = get(confidence + (<usize>q << SHIFT));
        axpy(rhs, 1 + extra, y, width);
        // Lower triangle of the rank-one update (c − 1)·y·yᵀ, a row at a time.
        for (let a = 0; a < width; a++) axpy(gram + <usize>a * rowBytes, extra * get(y + (<usize>a << SHIFT)), y, a + 1);
      }
      choleskySolve(gram, rhs, x, width);
      continue;
    }
    // r = b − A·x, with b = Σ c·y.
    product(gramianOfFixed, lambda, x, first, end, index, confidence, fixed, width, ap);
    zero(r, width);
    for (let q = first; q < end; q++) {
      const y = fixed + <usize>load<i32>(index + (<usize>q << 2)) * rowBytes;
      axpy(r, 1 + get(confidence + (<usize>q << SHIFT)), y, width);
    }
    axpy(r, -1, ap, width);
    memory.copy(p, r, rowBytes);
    let rsOld = dot(r, r, width);
    for (let step = 0; step < cgSteps; step++) {
      if (rsOld < 1e-20) break;
      product(gramianOfFixed, lambda, p, first, end, index, confidence, fixed, width, ap);
      const alpha = rsOld / dot(p, ap, width);
      axpy(x, alpha, p, width);
      axpy(r, -alpha, ap, width);
      const rsNew = dot(r, r, width);
      const beta = rsNew / rsOld;
      // p = r + β·p
      for (let a = 0; a < width; a++) {
        const offset = <usize>a << SHIFT;
        put(p + offset, get(r + offset) + beta * get(p + offset));
      }
      rsOld = rsNew;
    }
  }
}

/**
 * ½ Σ over every entry of c (p − x·y)², by the same trick: Σ_all (x·y)² = Σ_u x_uᵀ G x_u (G the gramian of
 * Y), and each event replaces its (x·y)² by c(1 − x·y)². `scratch` holds width numbers.
 */
export function ialsLoss(
  start: usize, index: usize, confidence: usize, w: usize, ht: usize, gramianOfH: usize, rows: i32, width: i32, scratch: usize,
): f64 {
  const rowBytes = <usize>width << SHIFT;
  let total = 0.0;
  for (let u = 0; u < rows; u++) {
    const x = w + <usize>u * rowBytes;
    for (let a = 0; a < width; a++) put(scratch + (<usize>a << SHIFT), dot(gramianOfH + <usize>a * rowBytes, x, width));
    let row = dot(x, scratch, width);
    const end = load<i32>(start + (<usize>(u + 1) << 2));
    for (let q = load<i32>(start + (<usize>u << 2)); q < end; q++) {
      const s = dot(x, ht + <usize>load<i32>(index + (<usize>q << 2)) * rowBytes, width);
      const miss = 1 - s;
      row += (1 + get(confidence + (<usize>q << SHIFT))) * miss * miss - s * s;
    }
    total += row;
  }
  return 0.5 * total;
}
