// SGD, ALS and GD with biases and penalties against independent numpy references
// (test/fixtures/make_solver_reference.py), on each backend.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { plan, start } from '../dist/fit/plan.js';
import { BACKENDS, maxRelativeError, singleObservations } from './helpers.mjs';

const reference = JSON.parse(readFileSync(new URL('./fixtures/solvers.json', import.meta.url), 'utf8'));
const nanX = (c) => c.X.map((row) => row.map((x) => (x === null ? NaN : x)));
// L-BFGS-B, the L1 reference's optimiser, stops near 1e-10; every other reference is exact to rounding.
const tolerance = (c) => (c.options.l1 ? { loss: 1e-8, factors: 1e-5 } : { loss: 1e-9, factors: 1e-7 });

function assertFactors(c, W, H, rowBias, colBias, factorsTolerance) {
  assert.ok(maxRelativeError(W, c.W.flat()) <= factorsTolerance, `W: ${maxRelativeError(W, c.W.flat())}`);
  assert.ok(maxRelativeError(H, c.H.flat()) <= factorsTolerance, `H: ${maxRelativeError(H, c.H.flat())}`);
  if (c.options.biases) {
    assert.ok(maxRelativeError(rowBias.slice(0, -1), c.rowBias.slice(0, -1)) <= factorsTolerance, 'row biases');
    assert.ok(maxRelativeError(colBias, c.colBias) <= factorsTolerance, 'column biases');
  }
}

for (const backend of BACKENDS) {
  const test = suite(`solvers vs numpy [${backend}]`);

  for (const c of reference.cases.filter((c) => c.solver !== 'sgd')) {
    test(`${c.name}: objective after every epoch and final factors match numpy`, async () => {
      const fit = await factorize(nanX(c), {
        ...c.options, solver: c.solver, rank: c.rank, init: { W: c.W0, H: c.H0 }, backend, clip: false,
      });
      const { loss, factors } = tolerance(c);
      const error = maxRelativeError(fit.lossHistory, c.losses);
      assert.ok(error <= loss, `worst relative error of the objective: ${error}`);
      assertFactors(c, fit.W.data, fit.H.data, fit.rowBias, fit.colBias, factors);
      if (c.options.nonnegative) assert.ok([...fit.W.data, ...fit.H.data].every((v) => v >= 0));
    });
  }

  // SGD's visiting order comes from the fixture, so the test drives a run directly.
  for (const c of reference.cases.filter((c) => c.solver === 'sgd')) {
    test(`${c.name}: objective after every epoch and final factors match numpy`, async () => {
      const X = nanX(c);
      const observed = X.flat().filter((x) => !Number.isNaN(x)).length;
      // One observation per block, so that each epoch's block order is the fixture's order of observations.
      const planned = await plan(X, { ...c.options, solver: 'sgd', rank: c.rank, backend, init: { W: c.W0, H: c.H0 } });
      planned.spec.visit = singleObservations(observed, c.orders, c.rows, c.cols);
      planned.shape.blocks = observed;
      const { run, width } = await start(planned);
      try {
        const losses = [];
        for (let epoch = 0; epoch < c.orders.length; epoch++) {
          await run.epoch();
          losses.push(await run.loss());
        }
        assert.ok(maxRelativeError(losses, c.losses) <= 1e-9, `worst relative error: ${maxRelativeError(losses, c.losses)}`);
        const { W, H } = run.view(); // W rows×width, H cols×width
        const pick = (data, n, k) => data[n * width + k];
        const latentW = Array.from({ length: c.rows * c.rank }, (_, p) => pick(W, Math.floor(p / c.rank), p % c.rank));
        const latentH = Array.from({ length: c.rank * c.cols }, (_, p) => pick(H, p % c.cols, Math.floor(p / c.cols)));
        const rowBias = Array.from({ length: c.rows }, (_, i) => pick(W, i, c.rank));
        const colBias = Array.from({ length: c.cols }, (_, j) => pick(H, j, c.rank + 1));
        assertFactors(c, latentW, latentH, rowBias, colBias, 1e-7);
      } finally {
        run.close();
      }
    });
  }

  test.run();
}
