// A random low-rank matrix with noise and missing entries, from a seed: shared by the demo page and the
// browser test (which checks the page's result against Node's on the same matrix).

/** A small seeded generator (mulberry32) with normal draws by Box–Muller. */
function generator(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** { truth, mask, observed }: truth rows×cols of rank `rank` plus noise; observed has NaN where mask is 0. */
export function lowRankProblem({ rows, cols, rank, observed, noise, seed }) {
  const random = generator(seed);
  const U = Array.from({ length: rows }, () => Array.from({ length: rank }, random.normal));
  const V = Array.from({ length: rank }, () => Array.from({ length: cols }, random.normal));
  const truth = U.map((u) => V[0].map((_, j) => u.reduce((s, x, k) => s + x * V[k][j], 0) / Math.sqrt(rank) + noise * random.normal()));
  const mask = truth.map((row) => row.map(() => (random.uniform() < observed ? 1 : 0)));
  const observedX = truth.map((row, i) => row.map((x, j) => (mask[i][j] ? x : NaN)));
  return { truth, mask, observed: observedX };
}
