// The README and docs/ as a user reads them. Every ```js snippet runs as written, each in its own Node process,
// in a folder holding the files the snippets name (a small MovieLens-style ratings.csv, Spark-style factor
// folders, an implicit .npz, a saved Spark model), importing the package by its name; a snippet that throws or hangs fails. What a snippet's comments
// promise is checked too: a `console.log(…); // → X: why` line must print X. Every snippet also compiles under
// tsc --strict as TypeScript, and the solver tables are the registry's.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from 'mfwasm';
import { solverRows, TABLE_FILES, tableIn } from '../scripts/solver-table.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the package folder, so that `import 'mfwasm'` resolves to this package by self-reference.
const folder = join(ROOT, '.readme-run');
const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const snippets = documents.flatMap((document) =>
  [...readFileSync(join(ROOT, document), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m, n) => ({ document, n: n + 1, code: m[1] })),
);

/** What a `// → X: why` comment promises: X, up to the first ': ' (or the bracket closing X's first). */
function promised(comment) {
  if (comment[0] !== '{' && comment[0] !== '[') return comment.split(': ')[0];
  let depth = 0;
  for (let at = 0; at < comment.length; at++) {
    if ('{['.includes(comment[at])) depth++;
    if ('}]'.includes(comment[at]) && --depth === 0) return comment.slice(0, at + 1);
  }
  return comment;
}

/** The snippet with each `console.log(…); // → X` line checked: it must print X (values as console.log shows them). */
function checked(code) {
  let promises = 0;
  const lines = code.split('\n').map((line) => {
    const arrow = line.match(/^(\s*)console\.log\((.*)\);\s*\/\/ → (.+)$/);
    if (!arrow) return line;
    promises++;
    return `${arrow[1]}__expect(${JSON.stringify(promised(arrow[3]))}, ${arrow[2]});`;
  });
  const check = [
    "import { formatWithOptions as __format } from 'node:util';",
    'function __expect(expected, ...values) {',
    '  const printed = __format({ breakLength: Infinity }, ...values);',
    '  console.log(printed);',
    '  if (printed !== expected) { console.error(`printed ${printed}, the comment says ${expected}`); process.exitCode = 1; }',
    '}',
  ];
  return { code: [...check, ...lines].join('\n'), promises };
}

const test = suite('README and docs');

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
  // What implicit's model.save('model.npz') writes (test/fixtures/implicit/make_implicit_models.py).
  copyFileSync(join(ROOT, 'test/fixtures/implicit/als.npz'), join(folder, 'model.npz'));
  // What Spark's model.save('als-model') writes (test/fixtures/spark/make_spark_models.mjs).
  cpSync(join(ROOT, 'test/fixtures/spark/models/spark3'), join(folder, 'als-model'), { recursive: true });
});

test('the README and docs have snippets to run, and their comments promise outputs', () => {
  assert.ok(snippets.length >= 8, `${snippets.length} js snippets`);
  assert.ok(snippets.filter(({ code }) => checked(code).promises > 0).length >= 5, 'snippets with checked outputs');
});

snippets.forEach(({ document, n, code }) => {
  const first = code.split('\n').find((line) => line.trim() && !line.startsWith('import')) ?? '';
  test(`${document} snippet ${n}: ${first.slice(0, 60)}`, () => {
    const file = join(folder, `${document.replace('/', '-')}-${n}.mjs`);
    writeFileSync(file, checked(code).code);
    const run = spawnSync(process.execPath, [file], { cwd: folder, encoding: 'utf8', timeout: 60000 });
    assert.is(run.signal, null, `${document} snippet ${n} hung`);
    assert.is(run.status, 0, `${document} snippet ${n} failed:\n${code}\n${run.stderr}`);
  });
});

test('every snippet compiles under tsc --strict as TypeScript', () => {
  const files = snippets.map(({ document, n, code }) => {
    const name = `${document.replace('/', '-')}-${n}.mts`;
    writeFileSync(join(folder, name), code);
    return name;
  });
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: ['node'], strict: true, noEmit: true },
    files,
  }));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json')], { cwd: folder, encoding: 'utf8' });
  assert.is(run.status, 0, `${run.stdout}${run.stderr}`);
});

test('the solver table is the registry\'s (node scripts/solver-table.mjs rewrites it)', () => {
  const expected = solverRows(api);
  assert.is(expected.length, Object.keys(api.solvers).length);
  for (const file of TABLE_FILES) {
    assert.equal(tableIn(readFileSync(join(ROOT, file), 'utf8')), expected, file);
  }
});

test.after(() => rmSync(folder, { recursive: true, force: true }));
test.run();
