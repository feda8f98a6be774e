// A seeded fuzz of everything a hostile user can hand the package: random factorize() inputs and options
// on both backends, damaged JSON, binary and LIBMF models, and damaged rating files given to the CLI.
// Every case must end in a result that is finite everywhere or in an error that names its argument;
// crashes, hangs, unclear errors and silent wrong results are counted and must be zero.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, Factorization } from '../dist/index.js';
import { testRandom } from './helpers.mjs';

/** Seeded draws: the cases depend on the seed only. */
function generator(seed) {
  const uniform = testRandom(seed);
  const int = (n) => Math.floor(uniform() * n);
  const pick = (list) => list[int(list.length)];
  return { uniform, int, pick };
}


const WEIRD = [NaN, Infinity, -Infinity, 0, -1, 1e308, 1e155, -1e200, 1e-320, 2 ** 31, 0.5, '3', null, undefined, true, [], {}, () => 1];

const tally = () => ({ cases: 0, results: 0, clearErrors: 0, unclearErrors: [], crashes: 0, hangs: 0, silentWrong: [] });
const report = (name, t) =>
  console.log(`  ${name}: ${t.cases} cases, ${t.results} finite results, ${t.clearErrors} clear errors, ${t.unclearErrors.length} unclear errors, ${t.crashes} crashes, ${t.hangs} hangs, ${t.silentWrong.length} silent wrong results`);

/** A model works when every prediction, a recommendation and a fold-in are finite. */
function exercise(model) {
  const rows = model.rowIds ?? Array.from({ length: model.W.rows }, (_, i) => i);
  const cols = model.colIds ?? Array.from({ length: model.H.cols }, (_, j) => j);
  for (const r of rows.slice(0, 20)) for (const c of cols.slice(0, 20)) {
    const value = model.predict(r, c);
    if (!Number.isFinite(value)) return `predict(${r}, ${c}) = ${value}`;
  }
  if (!model.recommend(rows[0], 3).every((x) => Number.isFinite(x.score))) return 'recommend: non-finite score';
  if (model.rank > 11584) return undefined; // fold-in refuses such ranks, by design (a tested clear error)
  const folded = model.foldIn({ colIndices: [cols[0]], values: [1] }, { regularization: 0.1 });
  if (!folded.factors.every(Number.isFinite)) return 'foldIn: non-finite factors';
  return undefined;
}

const test = suite('fuzz');

for (const backend of ['wasm', 'js']) {
  test(`factorize on random hostile inputs and options (${backend})`, async () => {
    const random = generator(backend === 'wasm' ? 11 : 12);
    const t = tally();
    const clear = /^(options|X|mask|factorize)[.:[ ]/;
    for (let c = 0; c < 800; c++) {
      t.cases++;
      const rows = random.pick([1, 2, 3, 5, 8]);
      const cols = random.pick([1, 2, 4, 7]);
      const value = () => (random.uniform() < 0.15 ? random.pick(WEIRD) : random.uniform() < 0.3 ? NaN : random.uniform() * 10 - 5);
      let X;
      const form = random.int(4);
      if (form === 0) X = Array.from({ length: rows }, () => Array.from({ length: cols }, value));
      else if (form === 1) X = { rows: random.uniform() < 0.1 ? random.pick(WEIRD) : rows, cols, data: Array.from({ length: rows * cols }, value) };
      else {
        const n = random.int(rows * cols + 2);
        X = {
          rows: random.uniform() < 0.1 ? random.pick([1e9, 2 ** 31 - 1, -3, 0.5]) : rows,
          cols: random.uniform() < 0.1 ? random.pick([1e9, 1e8, 0]) : cols,
          rowIndices: Array.from({ length: n }, () => (random.uniform() < 0.05 ? random.pick(WEIRD) : random.int(rows))),
          colIndices: Array.from({ length: n }, () => random.int(cols)),
          values: Array.from({ length: n }, value),
        };
        if (form === 3) X.rowIds = random.uniform() < 0.5 ? new Array(rows) : Array.from({ length: rows }, (_, i) => (random.uniform() < 0.1 ? random.pick(WEIRD) : `r${i}`));
      }
      const options = { backend, rank: random.uniform() < 0.1 ? random.pick([0, 1e6, 1.5, NaN, '2', 2 ** 40]) : 1 + random.int(4) };
      options.solver = random.pick(['gd', 'sgd', 'als', 'ials', undefined, 'adam']);
      if (options.solver === 'ials' && random.uniform() < 0.5) options.alpha = random.pick([0, 1, 40, -1, 1e300, NaN]);
      if (options.solver === 'ials' && random.uniform() < 0.3) options.cgSteps = random.pick([0, 1, 3, -2, 0.5]);
      if (random.uniform() < 0.7) options.epochs = random.pick([0, 1, 3, 20, -1, 2.5]);
      if (random.uniform() < 0.3 && options.solver !== 'als') options.learningRate = random.pick([0.001, 0.01, 0.1, 10, 1e6, 0, -1, NaN]);
      if (random.uniform() < 0.3) options.regularization = random.pick([0, 0.1, 1, -1, { W: 0.1, H: NaN }, 1e300]);
      if (random.uniform() < 0.3) options.biases = random.pick([true, false, 1]);
      if (random.uniform() < 0.1) options.init = { W: random.pick([[[1e200]], Array.from({ length: rows }, () => [1e200]), 'x']) };
      if (random.uniform() < 0.1) options.nonnegative = true;
      if (random.uniform() < 0.05) options[random.pick(['learningrate', 'rnak', 'epoch'])] = 1;
      if (options.solver === undefined) delete options.solver;
      if (options.rank === 1e6 || options.rank === 2 ** 40) options.epochs = 1;
      const started = performance.now();
      try {
        if (process.env.FUZZ_CASE && Number(process.env.FUZZ_CASE) === c) console.log(X, options);
        const model = await factorize(X, options);
        const fault = [model.loss, ...model.lossHistory].every(Number.isFinite) && model.W.data.every(Number.isFinite) && model.H.data.every(Number.isFinite)
          ? exercise(model) : 'non-finite loss or factors';
        if (fault) t.silentWrong.push(`case ${c}: ${fault}`);
        else t.results++;
      } catch (error) {
        if (error instanceof Error && clear.test(error.message)) t.clearErrors++;
        else t.unclearErrors.push(`case ${c}: ${error?.name}: ${error?.message}`);
      }
      if (process.env.FUZZ_SLOW && performance.now() - started > 300) console.log(`case ${c}: ${(performance.now() - started).toFixed(0)} ms`, JSON.stringify({ rows: X.rows, cols: X.cols, options }));
    }
    report(`factorize (${backend})`, t);
    assert.equal(t.unclearErrors, []);
    assert.equal(t.silentWrong, []);
  });
}

async function sample() {
  const rowIndices = [];
  const colIndices = [];
  const values = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) if ((i + 2 * j) % 3) {
    rowIndices.push(i);
    colIndices.push(j);
    values.push(1 + ((i * 3 + j) % 5));
  }
  return factorize({ rows: 6, cols: 5, rowIndices, colIndices, values, rowIds: ['a', 'b', 'c', 'd', 'e', 'f'], colIds: [10, 11, 12, 13, 14] }, { solver: 'als', rank: 2, biases: true, epochs: 4 });
}

/** Loads damaged copies; each must be refused with `prefix` or load as a model that works. */
function damaged(name, count, damage, load, prefix) {
  const t = tally();
  for (let c = 0; c < count; c++) {
    t.cases++;
    let model;
    try {
      model = load(damage(c));
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(prefix)) t.clearErrors++;
      else t.unclearErrors.push(`case ${c}: ${error?.name}: ${error?.message}`);
      continue;
    }
    try {
      const fault = exercise(model);
      if (fault) t.silentWrong.push(`case ${c}: ${fault}`);
      else t.results++;
    } catch (error) {
      t.silentWrong.push(`case ${c}: loaded, then ${error?.name}: ${error?.message}`);
    }
  }
  report(name, t);
  assert.equal(t.unclearErrors, []);
  assert.equal(t.silentWrong, []);
}

test('damaged JSON models: refused naming the field, or a model that works', async () => {
  const json = JSON.parse(JSON.stringify(await sample()));
  const text = JSON.stringify(json);
  const random = generator(21);
  const paths = [];
  const walk = (value, path) => {
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    if (path.length) paths.push(path);
  };
  walk(json, []);
  damaged('JSON models', 700, (c) => {
    if (c % 10 === 9) return text.slice(0, random.int(text.length)); // cut short
    const copy = structuredClone(json);
    const path = random.pick(paths);
    let parent = copy;
    for (const key of path.slice(0, -1)) parent = parent[key];
    const last = path.at(-1);
    if (random.uniform() < 0.3) delete parent[last];
    else parent[last] = random.pick([...WEIRD.filter((v) => typeof v !== 'function'), 'x', 5e8, [5, 1], -2, 1e6, 7]);
    return copy;
  }, (value) => Factorization.fromJSON(value), 'fromJSON: ');
});

test('damaged binary models: refused, or a model that works', async () => {
  const bytes = (await sample()).toBytes();
  const random = generator(22);
  damaged('binary models', 600, (c) => {
    if (c % 3 === 0) return bytes.slice(0, random.int(bytes.length));
    const copy = bytes.slice();
    for (let f = 0; f <= random.int(3); f++) copy[random.int(copy.length)] ^= 1 << random.int(8);
    return copy;
  }, (value) => Factorization.fromBytes(value), 'fromBytes: ');
});

test('damaged LIBMF text models: refused, or a model that works', async () => {
  const lines = (await sample()).toLibmf().trim().split('\n');
  const random = generator(23);
  damaged('LIBMF models', 500, () => {
    const copy = lines.slice();
    const at = random.int(copy.length);
    const kind = random.int(6);
    if (kind === 0) copy.splice(at, 1);
    else if (kind === 1) copy.splice(at, 0, copy[random.int(copy.length)]);
    else if (kind === 2) copy[at] = copy[at].replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/, random.pick(['x', 'NaN', '1e999', '99999999', '-1', '']));
    else if (kind === 3) copy[at] = copy[at].split(' ').slice(0, -1).join(' ');
    else if (kind === 4) copy[random.int(5)] = random.pick(['m 1000000000', 'k 0', 'n -3', 'f 10', 'b inf', 'q', 'p0 T']);
    else copy[at] = copy[at].replace(/^([pq])(\d+)/, (_, side, n) => `${side}${Number(n) + 1}`);
    return copy.join('\n') + '\n';
  }, (text) => Factorization.fromLibmf(text), 'fromLibmf: ');
});

test('damaged rating files given to mfwasm fit: one clear line on stderr, exit 1, never a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfwasm-fuzz-'));
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const random = generator(24);
  const t = tally();
  const good = Array.from({ length: 60 }, (_, n) => `${n % 7},${(n * 3) % 11},${1 + (n % 5)}`);
  try {
    for (let c = 0; c < 16; c++) {
      t.cases++;
      const lines = good.slice();
      for (let d = 0; d <= random.int(3); d++) {
        const at = random.int(lines.length);
        lines[at] = random.pick(['', 'x,y', '1,2,abc', '1,2,NaN', 'Infinity,1,2', '1;2;3', '\u0000\u0001', '1,2,3,4,5,6', ',,', '"1,2",3']);
      }
      const file = join(dir, `ratings-${c}.csv`);
      writeFileSync(file, lines.join(random.pick(['\n', '\r\n'])));
      const run = spawnSync(process.execPath, [cli, 'fit', file, '--out', join(dir, `model-${c}.mfm`), '-k', '2', '--epochs', '2', '--quiet'], { encoding: 'utf8', timeout: 20000 });
      if (run.signal) t.hangs++;
      else if (run.status === 0) t.results++;
      else if (run.status === 1 && /^mfwasm: .+\n$/.test(run.stderr) && !/\n\s+at /.test(run.stderr)) t.clearErrors++;
      else if (run.status === 1 || run.status === 2) t.unclearErrors.push(`case ${c}: ${run.stderr}`);
      else t.crashes++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report('CLI rating files', t);
  assert.equal([t.unclearErrors, t.crashes, t.hangs], [[], 0, 0]);
});

test.run();
