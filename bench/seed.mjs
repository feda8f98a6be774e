// npm run bench:seed [-- --epochs 20000 --rounds 5]
//
// The seed's own problem end to end: a 5×6 rank-2 fit through factorize() with its loss history, on the
// WASM backend and on the pure-JS one, beside the notebook's numpy loop (bench/seed_reference.py) on the
// same matrix and initial factors. Rounds alternate between the three; the median of each is kept, and
// the losses are checked to agree (to rounding: near the perfect fit they are ~1e-15).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { factorize } from '../dist/index.js';
import { Random } from '../dist/math/rng.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
const epochs = Number(values.epochs);
const rounds = Number(values.rounds);

// The notebook's setting: a rank-2 product plus noise, 60% observed, a step of 0.05.
const random = new Random(3);
const [rows, cols, rank] = [5, 6, 2];
const X = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random.uniform() < 0.6 ? random.normal() : NaN)));
const W = Array.from({ length: rows }, () => Array.from({ length: rank }, () => random.normal()));
const H = Array.from({ length: rank }, () => Array.from({ length: cols }, () => random.normal()));
const learningRate = 0.05;

async function mfwasm(backend, layout) {
  const started = performance.now();
  const model = await factorize(X, { rank, epochs, learningRate, backend, layout, init: { W, H }, threads: 1 });
  return { secondsPerEpoch: (performance.now() - started) / 1e3 / epochs, lastLoss: model.lossHistory.at(-1), initialLoss: model.initialLoss };
}

const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-seed-'));
const problemFile = join(folder, 'problem.json');
writeFileSync(problemFile, JSON.stringify({ rows, cols, rank, learningRate, X: X.flat().map((x) => (Number.isNaN(x) ? null : x)), W: W.flat(), H: H.flat() }));
const numpy = () => JSON.parse(execFileSync('python3', [fileURLToPath(new URL('./seed_reference.py', import.meta.url)), problemFile, String(epochs)], { encoding: 'utf8' }));

const samples = { wasm: [], js: [], jsDense: [], numpy: [] };
let last;
try {
  await mfwasm('wasm');
  await mfwasm('js');
  await mfwasm('js', 'dense');
  for (let round = 0; round < rounds; round++) {
    const wasm = await mfwasm('wasm');
    const js = await mfwasm('js');
    samples.jsDense.push((await mfwasm('js', 'dense')).secondsPerEpoch);
    // Near a perfect fit the last losses are ~1e-15: they agree to rounding of the initial loss.
    if (Math.abs(wasm.lastLoss - js.lastLoss) > 1e-12 * wasm.initialLoss) throw new Error(`the backends disagree: ${wasm.lastLoss} vs ${js.lastLoss}`);
    samples.wasm.push(wasm.secondsPerEpoch);
    samples.js.push(js.secondsPerEpoch);
    if (python) {
      const reference = numpy();
      if (Math.abs(reference.lastLoss - wasm.lastLoss) > 1e-12 * wasm.initialLoss) throw new Error(`numpy disagrees: ${reference.lastLoss} vs ${wasm.lastLoss}`);
      samples.numpy.push(reference.secondsPerEpoch);
    }
    last = wasm.lastLoss;
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
const median = (list) => list.slice().sort((a, b) => a - b)[list.length >> 1];
const us = (seconds) => `${(seconds * 1e6).toFixed(2)} µs`;
const [wasm, js, jsDense, reference] = [median(samples.wasm), median(samples.js), median(samples.jsDense), python ? median(samples.numpy) : NaN];
console.log(`mfwasm bench:seed — ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${epochs} epochs, median of ${rounds} alternating rounds; last loss ${last}\n`);
console.log('| 5×6 rank 2, loss every epoch | µs per epoch | WASM is … faster |');
console.log('|---|---|---|');
console.log(`| factorize, backend 'wasm' (its layout: dense) | ${us(wasm)} | |`);
console.log(`| factorize, backend 'js' (its layout: sparse) | ${us(js)} | ${(js / wasm).toFixed(2)}× |`);
console.log(`| factorize, backend 'js', layout 'dense' | ${us(jsDense)} | ${(jsDense / wasm).toFixed(2)}× |`);
console.log(python ? `| numpy, the notebook's loop | ${us(reference)} | ${(reference / wasm).toFixed(2)}× |` : '| numpy | skipped: python3 with numpy not found | |');
