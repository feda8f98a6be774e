// An abort lands within tens of milliseconds even inside one long epoch: with a signal, every solver's
// epoch works in blocks of rows (of SGD blocks) and yields between them. Without one nothing changes:
// the results with and without a signal are the same to the bit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { BACKENDS } from './helpers.mjs';

/** 1500 × 3000 with 150,000 ratings: one rank-100 ALS epoch takes far longer than 50 ms on either backend. */
function ratings() {
  const rows = 1500;
  const cols = 3000;
  const rowIndices = new Int32Array(150000);
  const colIndices = new Int32Array(150000);
  const values = new Float64Array(150000);
  for (let t = 0; t < 150000; t++) {
    rowIndices[t] = t % rows;
    colIndices[t] = (Math.floor(t / rows) * 31 + (t % rows) * 7) % cols;
    values[t] = 1 + ((t * 2654435761) % 5);
  }
  return { rows, cols, rowIndices, colIndices, values };
}

for (const backend of BACKENDS) {
  const test = suite(`abort inside an epoch [${backend}]`);

  for (const [solver, rank] of [['als', 100], ['sgd', 100]]) {
    test(`${solver} rank ${rank}: an abort 30 ms into the second epoch rejects within 50 ms`, async () => {
      const X = ratings();
      const controller = new AbortController();
      let started = 0;
      let aborted = 0;
      // Once the first epoch is reported, the abort is set for 30 ms into the second.
      const onEpoch = ({ epoch }) => {
        if (epoch !== 0) return;
        started = performance.now();
        setTimeout(() => {
          aborted = performance.now();
          controller.abort();
        }, 30);
      };
      const fit = factorize(X, { solver, rank, epochs: 1000, backend, signal: controller.signal, onEpoch });
      const error = await fit.then(() => undefined, (e) => e);
      const settled = performance.now();
      assert.is(error?.name, 'AbortError', String(error));
      assert.ok(aborted > 0, 'the timer ran: training yielded');
      // The timer is due 30 ms in: it runs late by as long as training holds the event loop.
      const late = aborted - started - 30;
      assert.ok(late < 50, `the abort's timer ran ${late.toFixed(1)} ms late: training held the event loop`);
      assert.ok(settled - aborted < 50, `${(settled - aborted).toFixed(1)} ms from the abort to the rejection (${(settled - started).toFixed(0)} ms in all)`);
    });
  }

  test('a signal that is never aborted changes nothing: bit-identical to a fit without one', async () => {
    const small = { rows: 40, cols: 30, rowIndices: [], colIndices: [], values: [] };
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) if ((i * 3 + j * 5) % 4) {
      small.rowIndices.push(i);
      small.colIndices.push(j);
      small.values.push(1 + ((i + 2 * j) % 5));
    }
    for (const solver of ['als', 'sgd', 'gd']) {
      const options = { solver, rank: 4, epochs: 5, backend, ...(solver === 'gd' ? { learningRate: 0.001 } : {}) };
      const plain = await factorize(small, options);
      const signalled = await factorize(small, { ...options, signal: new AbortController().signal });
      assert.equal([...signalled.lossHistory], [...plain.lossHistory], solver);
      assert.equal([...signalled.W.data], [...plain.W.data], solver);
    }
  });

  test.run();
}
