// Shared by the test files: the backends to run every suite against, the reference fixture and
// the three input forms of one problem.
import { readFileSync } from 'node:fs';

export const BACKENDS = ['wasm', 'js'];

export const reference = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8'));

/** The three input forms of a fixture case: dense X with a mask, X with NaN for missing, COO. */
export function inputForms(c) {
  const withNaN = c.X.map((row, i) => row.map((x, j) => (c.mask[i][j] ? x : NaN)));
  const rowIndices = [];
  const colIndices = [];
  const values = [];
  c.X.forEach((row, i) =>
    row.forEach((x, j) => {
      if (c.mask[i][j]) {
        rowIndices.push(i);
        colIndices.push(j);
        values.push(x);
      }
    }),
  );
  return {
    mask: [c.X, { mask: c.mask }],
    nan: [withNaN, {}],
    coo: [{ rows: c.rows, cols: c.cols, rowIndices, colIndices, values }, {}],
  };
}

export function maxRelativeError(actual, expected) {
  let worst = 0;
  for (let e = 0; e < expected.length; e++) {
    const error = Math.abs(actual[e] - expected[e]) / Math.abs(expected[e]);
    if (!(error <= worst)) worst = error; // NaN propagates as the worst
  }
  return worst;
}

/** A seeded xorshift for test data, independent of the package's own generator. */
export function testRandom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** A rows×cols rank-`rank` matrix plus noise, as number[][], with about `observed` of it kept (rest NaN). */
export function lowRankWithMissing(rows, cols, rank, observed, seed) {
  const random = testRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const A = Array.from({ length: rows }, () => Array.from({ length: rank }, gaussian));
  const B = Array.from({ length: rank }, () => Array.from({ length: cols }, gaussian));
  return A.map((a) =>
    B[0].map((_, j) => {
      if (random() >= observed) return NaN;
      let x = 0.05 * gaussian();
      for (let k = 0; k < rank; k++) x += a[k] * B[k][j];
      return x;
    }),
  );
}

/**
 * A test's sgd visit: each observation a block of its own, in CSR order, the epochs' orders given (a fixture's
 * orders of the observations), rows and columns stored in order. Set on a plan's spec (plan.spec.visit,
 * plan.shape.blocks) before start().
 */
export function singleObservations(count, orders = [], rows = 0, cols = 0) {
  let epoch = 0;
  return {
    blockStart: Int32Array.from({ length: count + 1 }, (_, b) => b),
    blockOf: (_, p) => p,
    nextOrder: () => Int32Array.from(orders[epoch++]),
    // Every row and column in bin 0: stored in their own order.
    rowBin: new Int32Array(rows),
    colBin: new Int32Array(cols),
    inRounds: false,
  };
}
