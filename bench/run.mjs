// npm run bench                 per-epoch time of the seed's gradient descent, pure JS vs WASM
// npm run bench -- --density    dense vs sparse kernel across densities, and what 'auto' picks
//
// Each measurement runs in a fresh process (bench/epoch.mjs, benchmark.js inside). Before timing,
// both backends' losses after 3 epochs are compared: a fast wrong answer is not a result.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { backends } from '../dist/backends/index.js';
import { CASES } from './problems.mjs';

const epochScript = fileURLToPath(new URL('./epoch.mjs', import.meta.url));

function measure(name, backend, kernel = 'auto', observed = '') {
  const args = [epochScript, name, backend, kernel];
  if (observed !== '') args.push(String(observed));
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').pop());
}

function time(seconds) {
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(2)} µs`;
  return `${(seconds * 1e3).toFixed(2)} ms`;
}

function agree(a, b) {
  const error = Math.abs(a.lossAfter3 - b.lossAfter3) / Math.abs(b.lossAfter3);
  if (!(error <= 1e-12) || !a.finite || !b.finite) {
    throw new Error(`${a.case}: backends disagree (loss after 3 epochs ${a.lossAfter3} vs ${b.lossAfter3}); not timing a wrong answer`);
  }
}

console.log(`mfwasm bench — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
console.log('One epoch of the seed\'s full-batch gradient descent (W step, then H step), benchmark.js mean ± rme.\n');

if (process.argv.includes('--density')) {
  const thresholds = Object.values(backends).map((b) => `${b.sparseBelowDensity * 100}% on ${b.name}`);
  console.log(`'auto' picks sparse below ${thresholds.join(', ')} observed.\n`);
  console.log('| problem | backend | observed | dense kernel | sparse kernel | faster | auto / faster |');
  console.log('|---|---|---|---|---|---|---|');
  const densities = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0];
  for (const [name, backend] of [['dense-300', 'wasm'], ['dense-300', 'js'], ['dense-1000', 'wasm']]) {
    for (const observed of densities) {
      const dense = measure(name, backend, 'dense', observed);
      const sparse = measure(name, backend, 'sparse', observed);
      agree(dense, sparse);
      const auto = observed < backends[backend].sparseBelowDensity ? sparse : dense;
      const fastest = dense.secondsPerEpoch <= sparse.secondsPerEpoch ? dense : sparse;
      console.log(
        `| ${CASES[name].rows}×${CASES[name].cols} rank ${CASES[name].rank} | ${backend} | ${observed * 100}% | ` +
          `${time(dense.secondsPerEpoch)} | ${time(sparse.secondsPerEpoch)} | ${fastest.kernel} | ` +
          `${(auto.secondsPerEpoch / fastest.secondsPerEpoch).toFixed(2)} |`,
      );
    }
  }
} else {
  console.log("| problem | pure JS ('auto' kernel) | WASM ('auto' kernel) | WASM speed-up |");
  console.log('|---|---|---|---|');
  for (const [name, shape] of Object.entries(CASES)) {
    const js = measure(name, 'js');
    const wasm = measure(name, 'wasm');
    agree(wasm, js);
    console.log(
      `| ${shape.label} | ${time(js.secondsPerEpoch)} ±${js.rme.toFixed(1)}% (${js.kernel}) | ` +
        `${time(wasm.secondsPerEpoch)} ±${wasm.rme.toFixed(1)}% (${wasm.kernel}) | ${(js.secondsPerEpoch / wasm.secondsPerEpoch).toFixed(1)}× |`,
    );
  }
}
