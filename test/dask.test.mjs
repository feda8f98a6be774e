// ALS on a Dask cluster (examples/dask): a LocalCluster of two worker processes on 127.0.0.1, each keeping one
// Node process that solves its blocks with mfwasm — the same factors, bit for bit, as one factorize() call.
// Needs Dask's distributed in some python3 (.ci/run installs Debian's python3-distributed); elsewhere the
// suite is skipped, saying so.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { testRandom } from './helpers.mjs';

const DRIVER = fileURLToPath(new URL('../examples/dask/als.py', import.meta.url));
const python = ['python3', '/usr/bin/python3'].find((command) => spawnSync(command, ['-c', 'import distributed'], { encoding: 'utf8' }).status === 0);

if (!python && process.env.CI) {
  test('Dask is installed', () => assert.unreachable('no python3 with distributed: .ci/run must apt-get install python3-distributed'));
} else if (!python) {
  console.log('Dask tests skipped: no python3 with distributed (apt-get install python3-distributed)');
} else {
  const folder = mkdtempSync(join(tmpdir(), 'mfwasm-dask-'));
  // Ratings with every user and item seen, listed in no particular order.
  const random = testRandom(17);
  const X = { rows: 400, cols: 250, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < 400; i++) {
    for (let j = 0; j < 250; j++) {
      if (random() < 0.04 || j === i % 250) X.rowIndices.push(i), X.colIndices.push(j), X.values.push(1 + Math.floor(random() * 9) / 2);
    }
  }
  const order = X.values.map((_, t) => t).sort(() => random() - 0.5);
  writeFileSync(join(folder, 'ratings.txt'), order.map((t) => `${X.rowIndices[t]} ${X.colIndices[t]} ${X.values[t]}`).join('\n') + '\n');

  for (const [workers, biases] of [[2, true], [3, false]]) {
    test(`${workers} Dask workers, ${biases ? 'with' : 'without'} biases: the factors of factorize({ solver: 'als' }), bit for bit`, async () => {
      const out = join(folder, `out-${workers}`);
      const args = [DRIVER, join(folder, 'ratings.txt'), '--rank', '6', '--epochs', '4', '--regularization', '0.08', '--seed', '3', '--workers', String(workers), '--out', out, ...(biases ? ['--biases'] : [])];
      const run = spawnSync(python, args, { encoding: 'utf8', timeout: 120000 });
      assert.is(run.status, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`${X.values.length} ratings, 400 × 250, rank 6: 4 epochs on ${workers} Dask workers`));
      const model = await factorize(X, { solver: 'als', rank: 6, epochs: 4, regularization: 0.08, seed: 3, biases });
      const read = (name) => new Float64Array(new Uint8Array(readFileSync(join(out, name))).buffer);
      const p = model.info.parameters;
      assert.equal([...read('W.f64')], [...p.W]);
      assert.equal([...read('H.f64')], [...p.H]);
    });
  }
  test.after(() => rmSync(folder, { recursive: true, force: true }));
}

test.run();
