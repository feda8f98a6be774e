// Every ```js snippet in README.md runs as written: each in its own Node process, in a folder holding the
// files the snippets name (a small MovieLens-style ratings.csv, Spark-style factor folders), importing the
// package by its name as a user would. A snippet that throws or hangs fails here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the package folder, so that `import 'mfwasm'` resolves to this package by self-reference.
const folder = join(ROOT, '.readme-run');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

const test = suite('README snippets');

test.before(() => {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'users'), { recursive: true });
  mkdirSync(join(folder, 'items'));
  const movies = [1, 260, 318, 1196, 1210, ...Array.from({ length: 45 }, (_, m) => 2000 + m)];
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 60; u++) {
    movies.forEach((movie, m) => {
      if ((u * 7 + m * 3) % 4 === 0 || (u === 42 && m < 5)) lines.push(`${u},${movie},${(1 + ((u + 2 * m) % 9) / 2).toFixed(1)},0`);
    });
  }
  writeFileSync(join(folder, 'ratings.csv'), lines.join('\n') + '\n');
  const factors = (ids) => ids.map((id) => JSON.stringify({ id, features: [Math.sin(id), Math.cos(id), 0.5] })).join('\n') + '\n';
  writeFileSync(join(folder, 'users', 'part-00000.json'), factors([7, 42, 99]));
  writeFileSync(join(folder, 'items', 'part-00000.json'), factors([1, 7, 260, 318, 1196, 1210, 5000, 5001, 5002, 5003, 5004, 5005]));
});

test('the README has snippets to run', () => {
  assert.ok(snippets.length >= 4, `${snippets.length} js snippets`);
});

snippets.forEach((code, n) => {
  const first = code.split('\n').find((line) => line.trim() && !line.startsWith('import')) ?? '';
  test(`snippet ${n + 1}: ${first.slice(0, 60)}`, () => {
    const file = join(folder, `snippet-${n + 1}.mjs`);
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, [file], { cwd: folder, encoding: 'utf8', timeout: 60000 });
    assert.is(run.signal, null, `snippet ${n + 1} hung`);
    assert.is(run.status, 0, `snippet ${n + 1} failed:\n${code}\n${run.stderr}`);
  });
});

test.after(() => rmSync(folder, { recursive: true, force: true }));
test.run();
