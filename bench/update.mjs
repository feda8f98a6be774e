// Absorbing new ratings without retraining from scratch (the tuning issue's target 2): a model trained on
// the first 99% of MovieLens latest-small's training split (by the file's order) absorbs the last 1% with
// model.update(), against a full retrain on all of it: test RMSE on the held-out split and wall time.
//   npm run bench:update -- [data folder]
import { factorize, rmse } from 'mfwasm';
import { loadSplitOrSkip } from './movielens.mjs';

const { train, test, rows, cols } = loadSplitOrSkip();
const n = train.values.length;
const cut = Math.round(n * 0.99);
const part = (a, b) => ({ rows, cols, rowIndices: train.rowIndices.slice(a, b), colIndices: train.colIndices.slice(a, b), values: train.values.slice(a, b) });
const heldOut = { rowIndices: test.rowIndices, colIndices: test.colIndices, values: test.values };

console.log(`MovieLens latest-small: ${cut} training ratings, then ${n - cut} new ones (the last 1% by file order). One run.\n`);
console.log('| model | full retrain: test RMSE, time | update: epochs, test RMSE, time | RMSE difference | time / retrain |');
console.log('|---|---|---|---|---|');
// als: the default re-solves only the rows and columns the new ratings touch (epochs 0), then full passes if asked.
for (const [label, options, epochs] of [['als, rank 50, biases', { solver: 'als', rank: 50, biases: true }, [undefined, 1]], ['sgd, rank 40, biases', { solver: 'sgd', rank: 40, biases: true }, [undefined, 5]]]) {
  await factorize(part(0, 1000), { ...options, epochs: 1 }); // warm-up
  const old = await factorize(part(0, cut), options);
  let started = performance.now();
  const full = await factorize(part(0, n), options);
  const fullSeconds = (performance.now() - started) / 1000;
  const fullRmse = rmse(full, heldOut);
  for (const e of epochs) {
    started = performance.now();
    const updated = await old.update(part(cut, n), e === undefined ? {} : { epochs: e });
    const seconds = (performance.now() - started) / 1000;
    const error = rmse(updated, heldOut);
    const how = e === undefined ? (options.solver === 'als' ? 'touched rows/cols only (default)' : '1 (default)') : `touched + ${e}`;
    console.log(`| ${label} | ${fullRmse.toFixed(4)}, ${fullSeconds.toFixed(2)} s | ${options.solver === 'als' ? how : e ?? '1 (default)'}, ${error.toFixed(4)}, ${seconds.toFixed(3)} s | ${(error - fullRmse).toFixed(4)} | ${((100 * seconds) / fullSeconds).toFixed(1)}% |`);
  }
}
