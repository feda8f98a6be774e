// Top-10 recommendations on MovieLens latest-small's fixed split: precision@10 and nDCG@10 against each
// user's held-out ratings ≥ 4, and how many of the listed movies had fewer than 5 training ratings, for
// recommend() with its default shrinkage, without it (shrinkage 0, the plain predictions) and at other β,
// beside a most-popular list. Candidates: every movie seen in training less the user's own training ratings.
//   npm run bench:ranking -- [data folder]    (default: ../shared/data/ml-latest-small)
// Skips cleanly when the data is absent: the ratings are never copied into this repository.
import { factorize } from 'mfwasm';
import { loadSplitOrSkip } from './movielens.mjs';

const K = 10;
const RARE = 5;
const { train, test, rows, cols } = loadSplitOrSkip();

const counts = new Float64Array(cols);
for (const j of train.colIndices) counts[j]++;
const seenBy = Array.from({ length: rows }, () => new Set());
for (let t = 0; t < train.values.length; t++) seenBy[train.rowIndices[t]].add(train.colIndices[t]);
const liked = new Map();
for (let t = 0; t < test.values.length; t++) {
  if (test.values[t] < 4) continue;
  const u = test.rowIndices[t];
  if (!liked.has(u)) liked.set(u, new Set());
  liked.get(u).add(test.colIndices[t]);
}

/** Averages over users with held-out ratings ≥ 4 of a function giving each user's top-K columns. */
function score(topFor) {
  let precision = 0;
  let ndcg = 0;
  let rare = 0;
  let listed = 0;
  for (const [u, relevant] of liked) {
    const top = topFor(u);
    let dcg = 0;
    let ideal = 0;
    top.forEach((j, r) => {
      if (relevant.has(j)) dcg += 1 / Math.log2(r + 2);
      if (counts[j] < RARE) rare++;
    });
    for (let r = 0; r < Math.min(K, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
    precision += top.filter((j) => relevant.has(j)).length / K;
    ndcg += dcg / ideal;
    listed += top.length;
  }
  return { precision: precision / liked.size, ndcg: ndcg / liked.size, rare: rare / listed };
}

const byPopularity = Array.from({ length: cols }, (_, j) => j).filter((j) => counts[j] > 0).sort((a, b) => counts[b] - counts[a] || a - b);
const popular = score((u) => byPopularity.filter((j) => !seenBy[u].has(j)).slice(0, K));

function rmse(model) {
  let sum = 0;
  for (let t = 0; t < test.values.length; t++) sum += (model.predict(test.rowIndices[t], test.colIndices[t]) - test.values[t]) ** 2;
  return Math.sqrt(sum / test.values.length);
}

const row = (label, r, extra = '') =>
  console.log(`| ${label} | ${r.precision.toFixed(4)} | ${r.ndcg.toFixed(4)} | ${(100 * r.rare).toFixed(1)}% | ${extra} |`);
console.log(`MovieLens latest-small, fixed split: ${liked.size} users with held-out ratings ≥ 4; top ${K}\n`);
console.log(`| model, ranking | precision@${K} | nDCG@${K} | top-${K} entries with < ${RARE} training ratings | test RMSE |`);
console.log('|---|---|---|---|---|');
row('most popular (training rating counts)', popular, '—');
const models = [
  ['als, rank 40, biases', { solver: 'als', rank: 40, biases: true }],
  ['sgd, rank 40, biases', { solver: 'sgd', rank: 40, biases: true }],
];
const betas = (process.argv[3] ?? '0,5,10,20,50').split(',').map(Number);
for (const [label, options] of models) {
  const model = await factorize({ rows, cols, ...train }, options);
  const error = rmse(model).toFixed(4);
  for (const beta of betas) {
    const top = (u) => model.recommend(u, K, { shrinkage: beta }).map((r) => r.col);
    row(`${label}, shrinkage ${beta}${beta === 20 ? ' (default)' : beta === 0 ? ' (plain predictions)' : ''}`, score(top), error);
  }
}
