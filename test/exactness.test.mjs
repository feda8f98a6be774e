// The seed's numpy trajectory, reproduced to 1e-9 relative at every epoch, on each backend, in each
// input form and with each kernel (references: test/fixtures/make_reference.py).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { backends } from '../dist/backends/index.js';
import { BACKENDS, inputForms, maxRelativeError, reference } from './helpers.mjs';

const TOLERANCE = 1e-9;

for (const backend of BACKENDS) {
  const test = suite(`seed exactness [${backend}]`);

  for (const c of reference.cases) {
    for (const [form, [X, extra]] of Object.entries(inputForms(c))) {
      for (const kernel of ['auto', 'dense', 'sparse']) {
        test(`${c.name}, ${form} form, ${kernel} kernel: loss after every epoch matches numpy`, async () => {
          const fit = await factorize(X, {
            rank: c.rank, epochs: c.epochs, learningRate: c.eta, init: { W: c.W0, H: c.H0 }, backend, layout: kernel, ...extra,
          });
          assert.is(fit.lossHistory.length, c.epochs);
          assert.is(fit.backend, backend);
          const error = maxRelativeError(fit.lossHistory, c.losses);
          assert.ok(error <= TOLERANCE, `worst relative error over ${c.epochs} epochs: ${error}`);
          assert.ok(Math.abs(fit.initialLoss - c.initialLoss) <= TOLERANCE * c.initialLoss);
          assert.ok(maxRelativeError(fit.W.data, c.W.flat()) <= 1e-7, 'final W');
          assert.ok(maxRelativeError(fit.H.data, c.H.flat()) <= 1e-7, 'final H');
        });
      }
    }
  }

  test(`auto picks sparse below ${backends[backend].sparseBelowDensity * 100}% observed, dense above`, async () => {
    for (const c of reference.cases) {
      const [X, extra] = inputForms(c).nan;
      const fit = await factorize(X, { rank: c.rank, epochs: 1, learningRate: c.eta, backend, ...extra });
      const density = c.mask.flat().filter(Boolean).length / (c.rows * c.cols);
      assert.is(fit.layout, density < backends[backend].sparseBelowDensity ? 'sparse' : 'dense', `${c.name}: density ${density}`);
    }
  });

  test.run();
}
