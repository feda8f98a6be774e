// mfwasm/worker in Node (worker_threads): the same model as factorize(), progress, stop, abort, errors.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, Factorization, search } from 'mfwasm';
import { factorizeInWorker, searchInWorker } from 'mfwasm/worker';
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

test('onEpoch returning false stops a long run exactly where it does in-thread; a signal aborts one', async () => {
  const stopped = await factorizeInWorker(X, { rank: 3, epochs: 10_000_000, learningRate: 0.001, onEpoch: (r) => r.epoch < 10 });
  assert.is(stopped.stoppedBy, 'callback');
  assert.is(stopped.epochs, 11);
  const here = await factorize(X, { rank: 3, epochs: 10_000_000, learningRate: 0.001, onEpoch: (r) => r.epoch < 10 });
  assert.equal([...stopped.lossHistory], [...here.lossHistory]);
  const early = await factorizeInWorker(X, { solver: 'sgd', rank: 3, epochs: 1000, onEpoch: async (r) => r.epoch !== 4 });
  assert.is(early.epochs, 5);
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

test('typed arrays are copied (the caller keeps them) unless transfer: true hands them over', async () => {
  const make = () => ({ rows: 30, cols: 20, data: Float64Array.from(X.flat()) });
  const kept = make();
  await factorizeInWorker(kept, { rank: 2, epochs: 3, learningRate: 0.01 });
  assert.is(kept.data.length, 600);
  const handed = make();
  await factorizeInWorker(handed, { rank: 2, epochs: 3, learningRate: 0.01, transfer: true });
  assert.is(handed.data.length, 0);
});

// Each case runs in a child process with a time limit, so that a crash or a hang fails the test
// instead of the suite. The child prints one JSON line: what the promise did.
function scenario(body, timeoutMs = 20000) {
  const script = `
    import { factorizeInWorker, searchInWorker } from 'mfwasm/worker';
    import { DivergenceError } from 'mfwasm';
    const X = Array.from({ length: 30 }, (_, i) => Array.from({ length: 20 }, (_, j) => ((i * 7 + j * 3) % 5 === 0 ? NaN : Math.sin(i + 2 * j))));
    const outcome = (p) => p.then((m) => ({ resolved: m.epochs }), (e) => ({ rejected: e.name, message: e.message, divergence: e instanceof DivergenceError, epoch: e.epoch, learningRate: e.learningRate }));
    const result = await (async () => { ${body} })();
    console.log(JSON.stringify(result));
  `;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: timeoutMs, encoding: 'utf8' });
  assert.is(run.signal, null, `the child hung (killed after ${timeoutMs} ms): ${run.stderr}`);
  assert.is(run.status, 0, `the child crashed: ${run.stderr}`);
  return { ...JSON.parse(run.stdout.trim().split('\n').at(-1)), ms: performance.now() - started };
}

test('a throwing onEpoch rejects (no crash), and the process exits', () => {
  const r = scenario(`return outcome(factorizeInWorker(X, { rank: 2, epochs: 50, learningRate: 0.01, onEpoch: () => { throw new RangeError('mine'); } }));`);
  assert.equal([r.rejected, r.message], ['RangeError', 'mine']);
});

test('a worker that dies mid-run rejects with a clear error instead of hanging', () => {
  const r = scenario(`
    const { Worker } = await import('node:worker_threads');
    const original = Worker.prototype.postMessage;
    let worker;
    Worker.prototype.postMessage = function (...args) { worker = this; return original.apply(this, args); };
    const p = factorizeInWorker(X, { rank: 2, epochs: 1e7, learningRate: 0.001, onEpoch: (r) => { if (r.epoch === 3) worker.terminate(); } });
    return outcome(p);`);
  assert.is(r.rejected, 'Error');
  assert.match(r.message, /factorizeInWorker: the worker exited \(code \d+\) before training finished/);
});

test('input that cannot be cloned rejects and leaves no worker running', () => {
  const r = scenario(`return outcome(factorizeInWorker({ rows: 1, cols: 1, rowIndices: [0], colIndices: [0], values: [1], extra: () => 1 }, { rank: 1 }));`);
  assert.is(r.rejected, 'TypeError');
  assert.match(r.message, /factorizeInWorker: the input cannot be sent to a worker/);
});

test('options refused before anything is sent reject and leave no worker running (the process exits)', () => {
  for (const [options, type, pattern] of [
    ['null', 'TypeError', /^options: expected an object with at least \{ rank \}, got null$/],
    ["{ rank: 1, transfr: true }", 'TypeError', /^options: unknown option 'transfr' \(did you mean 'transfer'\?\)/],
  ]) {
    const r = scenario(`return outcome(factorizeInWorker(X, ${options}));`);
    assert.is(r.rejected, type);
    assert.match(r.message, pattern);
  }
  const r = scenario(`return outcome(searchInWorker(X, null));`);
  assert.match(r.message, /^search: options: expected/);
});

test('a DivergenceError keeps its class, epoch and learning rate', () => {
  const r = scenario(`return outcome(factorizeInWorker(X, { rank: 2, epochs: 200, learningRate: 50 }));`);
  assert.ok(r.divergence, JSON.stringify(r));
  assert.is(r.rejected, 'DivergenceError');
  assert.ok(Number.isInteger(r.epoch) && r.epoch >= 0);
  assert.is(r.learningRate, 50);
});

test('an abort settles at once, even inside a long epoch', () => {
  const r = scenario(`
    const rows = 3000, cols = 2000, n = 600000;
    const rowIndices = new Int32Array(n), colIndices = new Int32Array(n), values = new Float64Array(n);
    for (let t = 0; t < n; t++) { rowIndices[t] = t % rows; colIndices[t] = (t * 7919) % cols; values[t] = (t % 5) + 1; }
    const seen = new Set(); let m = 0;
    for (let t = 0; t < n; t++) { const key = rowIndices[t] * cols + colIndices[t]; if (!seen.has(key)) { seen.add(key); rowIndices[m] = rowIndices[t]; colIndices[m] = colIndices[t]; values[m++] = values[t]; } }
    const controller = new AbortController();
    const p = factorizeInWorker({ rows, cols, rowIndices: rowIndices.slice(0, m), colIndices: colIndices.slice(0, m), values: values.slice(0, m) }, { solver: 'als', rank: 100, epochs: 50, signal: controller.signal, onEpoch: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const aborted = performance.now();
    controller.abort();
    const result = await outcome(p);
    return { ...result, afterAbortMs: performance.now() - aborted };`);
  assert.is(r.rejected, 'AbortError');
  assert.ok(r.afterAbortMs < 50, `${r.afterAbortMs} ms from abort to rejection`);
});

test('the worker answers a null, unknown or second message with a clear error and stays alive', async () => {
  const { serve } = await import('../dist/worker/protocol.js');
  const sent = [];
  let handler;
  serve({ postMessage: (m) => sent.push(m), listen: (h) => (handler = h), close: () => {} });
  await handler(null);
  await handler(undefined);
  await handler({ type: 'launch' });
  assert.is(sent.length, 3);
  for (const m of sent) assert.match(m.error.message, /mfwasm worker: expected a message \{ type: 'fit' \| 'search' \| 'verdict' \| 'abort' \}/);
  await handler({ type: 'fit', X: [[1, 2], [3, NaN]], options: { rank: 1, epochs: 2, learningRate: 0.01 }, reports: false });
  assert.is(sent.at(-1).type, 'done');
});


test('searches run in a worker too, each trial reported as it ends, with the same result', async () => {
  const data = { rows: 30, cols: 20, rowIndices: [], colIndices: [], values: [] };
  X.forEach((row, i) => row.forEach((x, j) => Number.isNaN(x) || (data.rowIndices.push(i), data.colIndices.push(j), data.values.push(x))));
  const options = { base: { solver: 'als', epochs: 4 }, grid: { rank: [1, 2, 3] }, folds: 3, seed: 4 };
  const reported = [];
  const inWorker = await searchInWorker(data, { ...options, onTrial: (trial) => void reported.push(trial) });
  const here = await search(data, options);
  assert.equal(inWorker.trials, here.trials.map((t) => ({ ...t, seconds: inWorker.trials[here.trials.indexOf(t)].seconds })));
  assert.equal(inWorker.best, here.best);
  assert.is(reported.length, 3);
  assert.instance(inWorker.refit, Factorization);
  assert.equal([...inWorker.refit.W.data], [...here.refit.W.data]);
});

test.run();
