// The benchmark problems, generated from a seed with the package's own generator so that every
// process (and every backend) sees the same data.
import { Random } from '../dist/math/rng.js';

export const CASES = {
  'seed-5x6': { rows: 5, cols: 6, rank: 2, observed: 0.6, label: '5×6, rank 2, 60% observed' },
  'dense-300': { rows: 300, cols: 300, rank: 10, observed: 0.6, label: '300×300, rank 10, 60% observed' },
  'dense-1000': { rows: 1000, cols: 1000, rank: 20, observed: 0.6, label: '1000×1000, rank 20, 60% observed' },
  'sparse-2000': { rows: 2000, cols: 2000, rank: 32, observed: 0.05, label: '2000×2000, rank 32, 5% observed' },
};

/** A rank-`rank` matrix plus noise, with about `observed` of its entries kept: { rows, cols, data } with NaN for missing. */
export function makeProblem({ rows, cols, rank, observed }, seed = 1) {
  const random = new Random(seed);
  const U = Float64Array.from({ length: rows * rank }, () => random.normal());
  const V = Float64Array.from({ length: rank * cols }, () => random.normal());
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (random.uniform() >= observed) {
        data[i * cols + j] = NaN;
        continue;
      }
      let x = 0.1 * random.normal();
      for (let k = 0; k < rank; k++) x += U[i * rank + k] * V[k * cols + j];
      data[i * cols + j] = x / Math.sqrt(rank);
    }
  }
  return { rows, cols, data };
}

/**
 * `count` ratings 1…5 in half steps at distinct (row, column) pairs drawn uniformly from rows × cols, seeded:
 * { rows, cols, rowIndices, colIndices, values } as typed arrays, in the order drawn.
 */
export function distinctRatings(count, rows, cols, seed) {
  const random = new Random(seed);
  const X = { rows, cols, rowIndices: new Int32Array(count), colIndices: new Int32Array(count), values: new Float64Array(count) };
  const seen = new Set();
  for (let p = 0; p < count; ) {
    const [i, j] = [random.uint32() % rows, random.uint32() % cols];
    if (seen.has(i * cols + j)) continue;
    seen.add(i * cols + j);
    [X.rowIndices[p], X.colIndices[p], X.values[p]] = [i, j, 1 + (random.uint32() % 9) / 2];
    p++;
  }
  return { X, random };
}
