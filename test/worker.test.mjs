// mfwasm/worker in Node (worker_threads): the same model as factorize(), progress, stop, abort, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, Factorization } from 'mfwasm';
import { factorizeInWorker } from 'mfwasm/worker';
import { lowRankWithMissing } from './helpers.mjs';

const X = lowRankWithMissing(30, 20, 3, 0.6, 8);

test('same options, same model as factorize() on this thread, with every epoch reported', async () => {
  const reports = [];
  const options = { solver: 'als', rank: 3, epochs: 12, biases: true };
  const inWorker = await factorizeInWorker(X, { ...options, onEpoch: (report) => void reports.push(report) });
  const here = await factorize(X, options);
  assert.instance(inWorker, Factorization);
  assert.equal([...inWorker.lossHistory], [...here.lossHistory]);
  assert.equal([...inWorker.W.data], [...here.W.data]);
  assert.equal(reports.map((r) => r.loss), [...here.lossHistory]);
});

test('onEpoch returning false stops a long run; a signal aborts one', async () => {
  const stopped = await factorizeInWorker(X, { rank: 3, epochs: 10_000_000, learningRate: 0.001, onEpoch: (r) => r.epoch < 10 });
  assert.is(stopped.stoppedBy, 'callback');
  assert.ok(stopped.epochs < 10_000_000);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await factorizeInWorker(X, { rank: 3, epochs: 10_000_000, learningRate: 0.001, signal: controller.signal }).then(
    () => assert.unreachable('resolved'),
    (error) => assert.is(error.name, 'AbortError'),
  );
});

test('errors come back with their class and message', async () => {
  await factorizeInWorker(X, { rank: 0 }).then(
    () => assert.unreachable('resolved'),
    (error) => {
      assert.instance(error, RangeError);
      assert.match(error.message, /options\.rank: expected an integer ≥ 1, got 0/);
    },
  );
});

test('typed arrays are handed over (detached here) unless transfer: false', async () => {
  const make = () => ({ rows: 30, cols: 20, data: Float64Array.from(X.flat()) });
  const handed = make();
  await factorizeInWorker(handed, { rank: 2, epochs: 3, learningRate: 0.01 });
  assert.is(handed.data.length, 0);
  const kept = make();
  await factorizeInWorker(kept, { rank: 2, epochs: 3, learningRate: 0.01, transfer: false });
  assert.is(kept.data.length, 600);
});

test.run();
