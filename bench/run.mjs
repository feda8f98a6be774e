// npm run bench                 per-epoch time of the seed's gradient descent, pure JS vs WASM
// npm run bench -- --density    dense vs sparse kernel across densities, and what 'auto' picks
//
// Each measurement runs in a fresh process (bench/epoch.mjs, benchmark.js inside). Before timing,
// both backends' losses after 3 epochs are compared: a fast wrong answer is not a result.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { factorArrays, initialFactors } from '../dist/fit/init.js';
import { readObservations } from '../dist/input/observations.js';
import { Random } from '../dist/math/rng.js';
import { fileURLToPath } from 'node:url';
import { backends } from '../dist/backends/index.js';
import { CASES, makeProblem } from './problems.mjs';

const epochScript = fileURLToPath(new URL('./epoch.mjs', import.meta.url));

function measure(name, backend, kernel = 'auto', observed = '', threads = 1) {
  const args = [epochScript, name, backend, kernel, String(observed), String(threads)];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').pop());
}

const tfjsScript = fileURLToPath(new URL('./tfjs_epoch.mjs', import.meta.url));

/** TF.js (WASM backend, float32) on the same problem. */
function measureTfjs(name) {
  return JSON.parse(execFileSync(process.execPath, [tfjsScript, name], { encoding: 'utf8' }).trim().split('\n').pop());
}

const referenceScript = fileURLToPath(new URL('./reference_epoch.py', import.meta.url));
const python = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' }).status === 0;

/**
 * numpy (the notebook's code) or scipy.sparse on the same problem and initial factors as bench/epoch.mjs,
 * in a python3 process with glibc's trim and mmap thresholds raised, so that numpy's temporaries are not
 * returned to the OS and faulted back in every epoch.
 */
async function measureReference(name, implementation) {
  const shape = CASES[name];
  const folder = mkdtempSync(join(tmpdir(), 'mfwasm-bench-'));
  try {
    const given = await readObservations(makeProblem(shape), undefined, backends.js.summarize);
    const initial = initialFactors(given, shape.rank, false, new Random(42), {}, 'normal', undefined, shape.rank);
    const { W, H } = factorArrays(initial, shape.rows, shape.cols, shape.rank);
    writeFileSync(join(folder, 'meta.json'), JSON.stringify({ rows: shape.rows, cols: shape.cols, rank: shape.rank, learningRate: 1e-4 }));
    writeFileSync(join(folder, 'X.f64'), given.problem.values);
    writeFileSync(join(folder, 'W.f64'), W);
    writeFileSync(join(folder, 'H.f64'), H);
    const env = { ...process.env, MALLOC_TRIM_THRESHOLD_: String(2 ** 30), MALLOC_MMAP_THRESHOLD_: String(2 ** 30) };
    const out = execFileSync('python3', [referenceScript, folder, implementation], { encoding: 'utf8', env });
    return { case: name, backend: implementation, finite: true, ...JSON.parse(out.trim().split('\n').pop()) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function time(seconds) {
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(2)} µs`;
  return `${(seconds * 1e3).toFixed(2)} ms`;
}

function agree(a, b, tolerance = 1e-12) {
  const error = Math.abs(a.lossAfter3 - b.lossAfter3) / Math.abs(b.lossAfter3);
  if (!(error <= tolerance) || !a.finite || !b.finite) {
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
  const tfjs = await import('@tensorflow/tfjs-backend-wasm').then(() => true, () => false);
  const threads = availableParallelism();
  const header = ["problem", "pure JS ('auto' kernel)", "WASM ('auto' kernel)", 'WASM vs JS', `WASM ${threads} threads`];
  if (python) header.push('numpy (seed code)', 'scipy.sparse', 'WASM vs numpy', 'WASM vs scipy', `WASM ${threads} threads vs numpy`);
  if (tfjs) header.push('TF.js WASM (f32)', 'WASM vs TF.js');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const [name, shape] of Object.entries(CASES)) {
    const js = measure(name, 'js');
    const wasm = measure(name, 'wasm');
    const threaded = measure(name, 'wasm', 'auto', '', threads);
    agree(wasm, js);
    // Threads change nothing in the arithmetic: the same loss to the bit.
    agree(threaded, wasm, 0);
    const cells = [
      shape.label,
      `${time(js.secondsPerEpoch)} ±${js.rme.toFixed(1)}% (${js.kernel})`,
      `${time(wasm.secondsPerEpoch)} ±${wasm.rme.toFixed(1)}% (${wasm.kernel})`,
      `${(js.secondsPerEpoch / wasm.secondsPerEpoch).toFixed(1)}×`,
      `${time(threaded.secondsPerEpoch)} ±${threaded.rme.toFixed(1)}%`,
    ];
    if (python) {
      const numpy = await measureReference(name, 'numpy');
      const scipy = await measureReference(name, 'scipy');
      // BLAS sums in its own order: agreement to rounding, not to the bit.
      agree(numpy, wasm, 1e-9);
      agree(scipy, wasm, 1e-9);
      cells.push(time(numpy.secondsPerEpoch), time(scipy.secondsPerEpoch),
        `${(numpy.secondsPerEpoch / wasm.secondsPerEpoch).toFixed(2)}×`, `${(scipy.secondsPerEpoch / wasm.secondsPerEpoch).toFixed(2)}×`,
        `${(numpy.secondsPerEpoch / threaded.secondsPerEpoch).toFixed(2)}×`);
    }
    if (tfjs) {
      const tf = measureTfjs(name);
      // float32 against float64: agreement to float32's rounding over three epochs.
      agree(tf, wasm, 1e-4);
      cells.push(`${time(tf.secondsPerEpoch)} ±${tf.rme.toFixed(1)}%`, `${(tf.secondsPerEpoch / wasm.secondsPerEpoch).toFixed(1)}×`);
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (tfjs) console.log('\nTF.js: @tensorflow/tfjs-backend-wasm 4.22 (SIMD, no threads in Node), float32 — it has no float64 — the notebook\'s ops (bench/tfjs_epoch.mjs).');
  console.log(python
    ? '\nnumpy and scipy: python3 bench/reference_epoch.py, same problem and initial factors, MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ raised to 1 GiB; numpy uses its OpenBLAS with its default threads.'
    : '\nnumpy/scipy columns skipped: python3 with numpy and scipy not found.');
}
