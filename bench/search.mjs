// Cross-validated search on MovieLens latest-small's training split, then test RMSE of the refit model on
// the held-out split (the tuning issue's target: ≤ 0.840 within 120 s of wall time), with the trials, how
// much successive halving saved, and the same search's result on the other backend (reproducibility).
//   npm run bench:search -- [data folder]
import { rmse, search } from 'mfwasm';
import { loadSplitOrSkip } from './movielens.mjs';

const { train, test, rows, cols } = loadSplitOrSkip();
const data = { rows, cols, ...train };
const heldOut = { rowIndices: test.rowIndices, colIndices: test.colIndices, values: test.values };

const searches = [
  ['sgd', { base: { solver: 'sgd', biases: true, epochs: 25, learningRate: 0.05 }, grid: { rank: [150, 300], regularization: [0.05, 0.08, 0.12] } }],
  ['als', { base: { solver: 'als', biases: true, epochs: 15 }, grid: { rank: [50], regularization: [0.08, 0.12] } }],
];
const started = performance.now();
const results = [];
for (const [name, options] of searches) {
  const result = await search(data, { ...options, folds: 5, seed: 1 });
  results.push([name, result]);
  console.log(`\n${name}: ${result.trials.length} trials, ${result.saved.fits} fits run, ${result.saved.skipped} skipped by halving (≈ ${result.saved.seconds.toFixed(1)} s saved)`);
  console.log('| settings | CV RMSE (mean ± std) | folds run | seconds |');
  console.log('|---|---|---|---|');
  for (const trial of result.trials) {
    console.log(`| ${JSON.stringify(trial.settings)} | ${trial.mean.toFixed(4)} ± ${trial.std.toFixed(4)} | ${trial.folds.length}${trial.stopped ? ' (stopped)' : ''} | ${trial.seconds.toFixed(1)} |`);
  }
}
const [name, best] = results.reduce((a, b) => (b[1].trials.find((t) => t.settings === b[1].best)?.mean ?? Infinity) < (a[1].trials.find((t) => t.settings === a[1].best)?.mean ?? Infinity) ? b : a);
const seconds = (performance.now() - started) / 1000;
console.log(`\nBest: ${name} ${JSON.stringify(best.best)}; test RMSE of the refit model ${rmse(best.refit, heldOut).toFixed(4)}; whole search ${seconds.toFixed(1)} s (both searches and refits).`);
