// What factorize() costs around the training itself: epochs: 0 on a 1000×1000 dense X (60% observed),
// against one plain Float64Array.set of the same 8 MB (npm run bench:marshal).
import Benchmark from 'benchmark';
import { factorize } from 'mfwasm';
import { CASES, makeProblem } from './problems.mjs';

const X = makeProblem(CASES['dense-1000']);
const target = new Float64Array(X.data.length);
const copy = new Benchmark('set', () => target.set(X.data), { minSamples: 20, maxTime: 2 });
copy.run();
let done = 0;
const fit = new Benchmark('factorize epochs 0', {
  defer: true,
  minSamples: 10,
  maxTime: 4,
  fn: (deferred) => factorize(X, { rank: 20, epochs: 0 }).then(() => (done++, deferred.resolve())),
});
await new Promise((resolve) => fit.on('complete', resolve).run());
console.log(`Float64Array.set of X (8 MB): ${(copy.stats.mean * 1e3).toFixed(2)} ms; ` +
  `factorize(X, { rank: 20, epochs: 0 }): ${(fit.stats.mean * 1e3).toFixed(1)} ms ` +
  `(${(fit.stats.mean / copy.stats.mean).toFixed(0)}× the copy; ${done} runs)`);
