// npm run bench:dask [-- --ratings 1000000 --rank 32 --epochs 5 --workers 2]
//
// ALS on a Dask LocalCluster (examples/dask/als.py: worker processes on this machine, each with its Node
// solver) against one factorize() call on one thread, same ratings and settings: the epoch times side by side
// (medians; the Dask epoch includes broadcasting the fixed side and gathering the solved blocks), and the
// factors checked to be the same bits. Generated ratings (seeded, distinct pairs), in a temporary folder.
// Skips, saying so, without a python3 that has Dask's distributed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { factorize } from '../dist/index.js';
import { distinctRatings } from './problems.mjs';

const { values: flags } = parseArgs({ options: {
  ratings: { type: 'string', default: '1000000' }, rank: { type: 'string', default: '32' }, epochs: { type: 'string', default: '5' }, workers: { type: 'string', default: '2' },
} });
const python = ['python3', '/usr/bin/python3'].find((command) => spawnSync(command, ['-c', 'import distributed'], { encoding: 'utf8' }).status === 0);
if (!python) {
  console.log('bench:dask skipped: no python3 with distributed (apt-get install python3-distributed)');
  process.exit(0);
}
const [count, rank, epochs] = [Number(flags.ratings), Number(flags.rank), Number(flags.epochs)];
const [users, items] = [Math.round(count / 50), Math.round(count / 200)];
const { X } = distinctRatings(count, users, items, 5);
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-dask-bench-'));
try {
  const lines = Array.from({ length: count }, (_, p) => `${X.rowIndices[p]} ${X.colIndices[p]} ${X.values[p]}`);
  writeFileSync(join(folder, 'ratings.txt'), lines.join('\n') + '\n');
  const options = { solver: 'als', rank, epochs, regularization: 0.1, seed: 42, biases: true };
  const run = spawnSync(python, [fileURLToPath(new URL('../examples/dask/als.py', import.meta.url)), join(folder, 'ratings.txt'), '--rank', String(rank), '--epochs', String(epochs),
    '--regularization', '0.1', '--seed', '42', '--biases', '--workers', flags.workers, '--out', join(folder, 'out')], { encoding: 'utf8', timeout: 3_600_000 });
  if (run.status !== 0) throw new Error(`the Dask driver failed: ${run.stderr}`);
  const meta = JSON.parse(readFileSync(join(folder, 'out', 'meta.json'), 'utf8'));
  const single = [];
  let last = performance.now();
  const model = await factorize(X, { ...options, threads: 1, onEpoch: () => {
    const now = performance.now();
    single.push(now - last);
    last = now;
  } });
  single.shift(); // the first report comes after setup and the initial loss, not an epoch
  const read = (name) => new Float64Array(new Uint8Array(readFileSync(join(folder, 'out', name))).buffer);
  const same = read('W.f64').every((x, t) => x === model.info.parameters.W[t]) && read('H.f64').every((x, t) => x === model.info.parameters.H[t]);
  const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
  const dask = median(meta.epochSeconds) * 1000;
  const one = median(single);
  console.log(`${count.toLocaleString('en')} ratings (${users.toLocaleString('en')} × ${items.toLocaleString('en')}), ALS rank ${rank} with biases, ${epochs} epochs:`);
  console.log(`  Dask LocalCluster, ${flags.workers} workers   ${dask.toFixed(0).padStart(6)} ms an epoch (median)`);
  console.log(`  factorize, one thread         ${one.toFixed(0).padStart(6)} ms an epoch (median; its loss pass included)`);
  console.log(`  ratio ${(dask / one).toFixed(2)}× the single-machine one-thread epoch; factors ${same ? 'the same bits' : 'DIFFERENT'}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
