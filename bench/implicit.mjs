// Implicit feedback on MovieLens latest-small's fixed split, by the protocol in ../shared/data/README.md:
// ratings ≥ 4 are the events (training events from train.txt, held-out events from test.txt), every other
// movie a candidate, each user's training events left out; precision@10, nDCG@10 and AUC over the users
// with held-out events, for most-popular, iALS and BPR at documented settings, and als/sgd with biases (trained
// on every training rating). Also the time of the whole factorize() call to reach LIBMF's precision@10.
//   npm run bench:implicit -- [data folder]    (default: ../shared/data/ml-latest-small)
import { factorize, mostPopular, rankingMetrics } from 'mfwasm';
import { loadSplitOrSkip } from './movielens.mjs';

const { train, test, rows, cols } = loadSplitOrSkip();
const only = process.argv[3];
const events = (split) => {
  const keep = [...split.values.keys()].filter((t) => split.values[t] >= 4);
  return { rows, cols, rowIndices: Int32Array.from(keep, (t) => split.rowIndices[t]), colIndices: Int32Array.from(keep, (t) => split.colIndices[t]), values: new Float64Array(keep.length).fill(1) };
};
const trainEvents = events(train);
const testEvents = events(test);
// Every movie a candidate (minCount 0), the user's training events left out.
const protocol = { k: 10, minCount: 0, excludeObserved: false, exclude: trainEvents };
const row = (label, m, seconds) =>
  console.log(`| ${label} | ${m.precision.toFixed(4)} | ${m.ndcg.toFixed(4)} | ${m.auc.toFixed(3)} | ${m.recall.toFixed(4)} | ${m.map.toFixed(4)} | ${m.coverage.toFixed(3)} | ${seconds === undefined ? '—' : `${seconds.toFixed(2)} s`} |`);

console.log(`MovieLens latest-small, events = ratings ≥ 4: ${trainEvents.values.length} training, ${testEvents.values.length} held out; ${rows}×${cols}\n`);
console.log('| model | precision@10 | nDCG@10 | AUC | recall@10 | MAP@10 | coverage | factorize() |');
console.log('|---|---|---|---|---|---|---|---|');
row('most popular (training event counts)', rankingMetrics(mostPopular(trainEvents), testEvents, protocol));

const configurations = [
  ['ials, rank 32, α 5, λ 0.1, 15 epochs, exact (cgSteps 0)', { solver: 'ials', rank: 32, alpha: 5, regularization: 0.1, epochs: 15, cgSteps: 0 }],
  ['ials, rank 32, α 5, λ 0.1, 15 epochs, CG 3', { solver: 'ials', rank: 32, alpha: 5, regularization: 0.1, epochs: 15 }],
  ['ials, rank 32, defaults (α 2, λ 1, 15 epochs, CG 3)', { solver: 'ials', rank: 32 }],
  ['ials, rank 32, defaults, 3 epochs', { solver: 'ials', rank: 32, epochs: 3 }],
  ['ials, rank 32, defaults, 4 epochs', { solver: 'ials', rank: 32, epochs: 4 }],
  ['bpr, rank 32, defaults (learningRate 0.05, λ 0.01, 40 epochs, column biases)', { solver: 'bpr', rank: 32 }],
  ['bpr, rank 64, learningRate 0.1, 100 epochs', { solver: 'bpr', rank: 64, learningRate: 0.1, epochs: 100 }],
];
for (const [label, options] of configurations) {
  if (only && !label.includes(only)) continue;
  await factorize(trainEvents, { ...options, epochs: 1 }); // warm-up: V8 compiling the code is not counted
  const started = performance.now();
  const model = await factorize(trainEvents, options);
  const seconds = (performance.now() - started) / 1000;
  row(label, rankingMetrics(model, testEvents, protocol), seconds);
}

// The explicit models, trained on every training rating, ranked by recommend() (never-seen movies left out:
// their factors are the initial draws), against the same held-out events.
const ratings = { rows, cols, ...train };
for (const [label, options] of [['als, rank 40, biases', { solver: 'als', rank: 40, biases: true }], ['sgd, rank 40, biases', { solver: 'sgd', rank: 40, biases: true }]]) {
  if (only && !label.includes(only)) continue;
  const started = performance.now();
  const model = await factorize(ratings, options);
  const seconds = (performance.now() - started) / 1000;
  for (const shrinkage of [20, 0]) {
    row(`${label} (explicit ratings), shrinkage ${shrinkage}${shrinkage ? ' (default)' : ''}`, rankingMetrics(model, testEvents, { k: 10, excludeObserved: false, exclude: trainEvents, shrinkage }), seconds);
  }
}

// What scoring a validation set after every epoch costs: the same ials fit with and without `validation`
// (the held-out events; precision@10 on a fixed sample of rows), alternating, median of 3 each.
if (!only || 'validation'.includes(only)) {
  const options = { solver: 'ials', rank: 32 };
  const times = { without: [], with: [] };
  for (let round = 0; round < 3; round++) {
    for (const kind of ['without', 'with']) {
      const started = performance.now();
      await factorize(trainEvents, kind === 'with' ? { ...options, validation: testEvents } : options);
      times[kind].push((performance.now() - started) / 1000);
    }
  }
  const median = (list) => list.slice().sort((a, b) => a - b)[1];
  const [without, withValidation] = [median(times.without), median(times.with)];
  console.log(`\nials rank 32, defaults: factorize() ${without.toFixed(2)} s without validation, ${withValidation.toFixed(2)} s with it scored every epoch (${(withValidation / without).toFixed(2)}×; validation ${((1 - without / withValidation) * 100).toFixed(0)}% of the fit)`);
}
