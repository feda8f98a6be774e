// Threads: every solver gives the same bits on 1, 2, 3 and 4 threads (and the same as the pure-TS twins on
// one), in float64 and in float32, on problems large enough that every phase is really cut (several loss
// chunks, one range per thread).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { lowRankWithMissing } from './helpers.mjs';
import { idleLimit } from '../dist/runtime/wasm.js';
import { ThreadChoice, shapeOf } from '../dist/runtime/choice.js';

// 300×200 at 45% observed: 27,000 observations — two loss chunks of the sparse kernels, four of the dense
// gd's rows, and rows and columns enough for every thread.
const X = lowRankWithMissing(300, 200, 4, 0.45, 21);
const events = { rows: 300, cols: 200, rowIndices: [], colIndices: [], values: [] };
X.forEach((row, i) => row.forEach((x, j) => {
  if (!Number.isNaN(x) && x > 0) {
    events.rowIndices.push(i);
    events.colIndices.push(j);
    events.values.push(Math.round(x * 3));
  }
}));

const CASES = [
  ['gd dense', X, { solver: 'gd', layout: 'dense', rank: 4, epochs: 25, learningRate: 0.0005 }],
  ['gd sparse, penalised', X, { solver: 'gd', layout: 'sparse', rank: 4, epochs: 25, learningRate: 0.0005, regularization: 0.01, l1: 0.001 }],
  ['sgd', X, { solver: 'sgd', rank: 4, epochs: 6 }],
  ['sgd with biases, not adaptive', X, { solver: 'sgd', rank: 4, epochs: 6, biases: true, adaptive: false, learningRate: 0.01 }],
  ['als with biases', X, { solver: 'als', rank: 4, epochs: 4, biases: true }],
  ['als, non-negative (coordinate descent)', X, { solver: 'als', rank: 4, epochs: 3, nonnegative: true }],
  ['ials, CG', events, { solver: 'ials', rank: 6, epochs: 3 }],
  ['ials, exact', events, { solver: 'ials', rank: 6, epochs: 2, cgSteps: 0 }],
];

const state = (model) => ({
  W: [...model.W.data], H: [...model.H.data], losses: [...model.lossHistory],
  rowBias: [...(model.rowBias ?? [])], colBias: [...(model.colBias ?? [])],
});

// float32 (the f32 build against the twin over Float32Arrays) is held to the same: its own bits, the same everywhere.
for (const precision of ['float64', 'float32']) for (const [label, given, settings] of CASES) {
  const [data, options] = [given, { ...settings, precision }];
  test(`${label}, ${precision}: the same bits on 1, 2, 3 and 4 threads, and from the pure-TS backend`, async () => {
    const one = state(await factorize(data, { ...options, threads: 1 }));
    for (const threads of [2, 3, 4]) assert.equal(state(await factorize(data, { ...options, threads })), one, `${threads} threads`);
    assert.equal(state(await factorize(data, { ...options, backend: 'js', threads: 4 })), one, 'js backend');
    assert.ok(one.losses.every(Number.isFinite) && one.losses.at(-1) < one.losses[0], 'it trains');
  });
}

test('an abort lands within an epoch on threads', async () => {
  const big = lowRankWithMissing(600, 400, 8, 0.5, 3);
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 30);
  await factorize(big, { solver: 'als', rank: 100, epochs: 1000, threads: 2, signal: controller.signal }).then(
    () => assert.unreachable('resolved'),
    (error) => assert.is(error.name, 'AbortError'),
  );
  assert.ok(performance.now() - started < 30 + 150, `${performance.now() - started} ms`);
});

test('a pool thread that dies mid-run rejects the run within 100 ms, and the next run starts new threads', async () => {
  const { threadPool } = await import('../dist/runtime/threads.js');
  const big = lowRankWithMissing(600, 400, 8, 0.5, 3);
  const options = { solver: 'als', rank: 60, epochs: 1000, threads: 2 };
  const controller = new AbortController();
  let killed;
  const pool = await threadPool(2);
  setTimeout(() => {
    killed = performance.now();
    pool.terminateWorker(0);
  }, 60);
  // On a machine busy enough that the run found its threads starved and went on alone before the death (it
  // then holds no call of the pool), finishing is right: onEpoch's threads say so.
  let threads = 0;
  const onEpoch = (report) => void (threads = report.threads);
  await factorize(big, { ...options, signal: controller.signal, onEpoch, epochs: 200 }).then(
    () => assert.is(threads, 1, 'resolved, though it ran on the pool when the thread died'),
    (error) => {
      assert.match(error.message, /^mfwasm: a thread of the pool stopped \(a worker thread exited \(code 1\)\); the run on it cannot finish — run it again/);
      assert.ok(performance.now() - killed < 100, `rejected ${performance.now() - killed} ms after the thread died`);
    },
  );
  // A new pool: the same bits as one thread.
  const small = { ...options, rank: 4, epochs: 3 };
  assert.equal(state(await factorize(big, small)), state(await factorize(big, { ...small, threads: 1 })));
});

test('options.threads and MFWASM_THREADS are checked', async () => {
  for (const threads of [0, 1.5, 65, '2', -1]) {
    await factorize(X, { rank: 2, epochs: 1, threads }).then(
      () => assert.unreachable(`threads ${threads} accepted`),
      (error) => assert.match(error.message, /^options\.threads: expected an integer from 1 to 64, got /),
    );
  }
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', "import { factorize } from 'mfwasm'; await factorize([[1, 2], [3, NaN]], { rank: 1 });"], {
    cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, MFWASM_THREADS: 'many' }, encoding: 'utf8', timeout: 20000,
  });
  assert.match(run.stderr, /MFWASM_THREADS: expected an integer from 1 to 64, got "many"/);
});

test("the pool's threads let go of a memory the runtime let go of: repeated threaded fits do not grow the process", () => {
  // Every run's memory too large to keep idle (idleLimit 0), so each is let go after its fit (or kept by its model,
  // which is then dropped); collected in the caller (--expose-gc), and by the threads' ending in the pool.
  const script = `
    const { factorize } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const { idleLimit } = await import(${JSON.stringify(new URL('../dist/runtime/wasm.js', import.meta.url).href)});
    const n = 300_000, rows = 15_000, cols = 4_000;
    const rowIndices = new Int32Array(n), colIndices = new Int32Array(n), values = new Float32Array(n);
    for (let p = 0; p < n; p++) { rowIndices[p] = p % rows; colIndices[p] = (p * 7919 + Math.floor(p / rows)) % cols; values[p] = 1 + (p % 9) / 2; }
    idleLimit.bytes = 0;
    const rss = () => (globalThis.gc(), process.memoryUsage().rss);
    // Each precision's runs on their own (float32's first: float64's would end the threads for both).
    const after = { float32: [], float64: [] };
    for (const precision of ['float32', 'float64']) {
      for (let round = 0; round < 10; round++) {
        await factorize({ rows, cols, rowIndices, colIndices, values }, { solver: 'sgd', rank: 32, epochs: 1, threads: 2, precision, keepObservations: round % 3 === 2 });
        after[precision].push(rss());
      }
    }
    // And with no run after it: a larger run's memory (~190 MiB, mostly factors), let go, is freed within moments.
    const big = { rows: 300_000, cols: 50_000, rowIndices: rowIndices.map((i) => i * 20), colIndices: colIndices.map((j) => j * 12), values };
    const before = rss();
    await factorize(big, { solver: 'sgd', rank: 64, epochs: 1, threads: 2 });
    // (The ended threads' memory goes back to the system as they exit, which takes a moment.)
    let later = rss();
    for (let waited = 0; waited < 8000 && later - before > 80 * 2 ** 20; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      later = rss();
    }
    after.freed = [before, later];
    console.log(JSON.stringify(after));`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000 });
  assert.is(run.status, 0, run.stderr);
  const after = JSON.parse(run.stdout.trim().split('\n').at(-1));
  // That run's memory is ~190 MiB: held, the process would keep it.
  const [before, later] = after.freed;
  delete after.freed;
  assert.ok(later - before < 80 * 2 ** 20, `a run's memory let go and no run after it: the process grew ${((later - before) / 2 ** 20).toFixed(0)} MiB`);
  for (const [precision, sizes] of Object.entries(after)) {
    // A run's memory is 6–10 MiB: held by the threads, the 8 runs after the second would add 50–80 MiB.
    const grown = (sizes[9] - sizes[1]) / 2 ** 20;
    assert.ok(grown < 25, `${precision}: the process grew ${grown.toFixed(0)} MiB over 8 threaded fits: ${sizes.map((b) => (b / 2 ** 20).toFixed(0)).join(' ')} MiB`);
  }
});

test('threads started anew while another fit trains on them: both fits as alone, bit for bit', async () => {
  // Every memory let go after its fit (idleLimit 0): the fit that starts while `long` trains ends the threads that
  // worked on the short fit's memory — and on long's, which the new threads must have too.
  const long = { solver: 'als', rank: 8, epochs: 12, threads: 2 };
  const short = { solver: 'sgd', rank: 4, epochs: 2, threads: 2 };
  const alone = [state(await factorize(X, long)), state(await factorize(X, short))];
  const limit = idleLimit.bytes;
  idleLimit.bytes = 0;
  try {
    const training = factorize(X, { ...long, onEpoch: () => new Promise((resolve) => setTimeout(resolve, 5)) });
    const between = [];
    for (let round = 0; round < 3; round++) between.push(state(await factorize(X, short)));
    const [trained] = [state(await training)];
    assert.equal(trained, alone[0], 'the long fit');
    for (const model of between) assert.equal(model, alone[1], 'a short fit beside it');
  } finally {
    idleLimit.bytes = limit;
  }
});

test('a process that trained on threads exits at once (idle threads hold nothing)', () => {
  const script = "import { factorize } from 'mfwasm'; const t = Date.now(); await factorize({ rows: 400, cols: 300, rowIndices: Array.from({ length: 20000 }, (_, p) => p % 400), colIndices: Array.from({ length: 20000 }, (_, p) => Math.floor(p / 400) * 6), values: Array.from({ length: 20000 }, (_, p) => p % 5) }, { solver: 'als', rank: 8, epochs: 3, threads: 2 }); console.log('trained');";
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 20000 });
  assert.is(run.signal, null, `the process hung: ${run.stderr}`);
  assert.is(run.stdout.trim(), 'trained', run.stderr);
  assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
});


test('ThreadChoice: short runs are timed the other way now and then, and go alone only while that is faster', () => {
  const shape = 7;
  /**
   * `count` runs of `shape`, each `threadsMs` on threads or `aloneMs` alone (numbers, or functions of the time so far);
   * returns the runs that did not go the choice's way, gathered into looks: when each began, which way, how many runs.
   */
  const simulate = (choice, count, threadsMs, aloneMs, clock = { ms: 0 }) => {
    const at = (ms) => (typeof ms === 'function' ? ms(clock.ms) : ms);
    const looks = [];
    let previous = false;
    for (let r = 0; r < count; r++) {
      const way = choice.way;
      const goesAlone = choice.alone(shape);
      const looking = goesAlone !== (way === 'alone');
      if (looking && !previous) looks.push({ from: clock.ms, way: goesAlone ? 'alone' : 'threads', runs: 0 });
      if (looking) looks.at(-1).runs++;
      previous = looking;
      const ms = goesAlone ? at(aloneMs) : at(threadsMs);
      choice.timed(shape, goesAlone, ms);
      clock.ms += ms;
    }
    return looks;
  };
  // Threads faster: the first look after 10 ms of runs; alone is clearly slower after one run (1.6×) or three
  // (1.4×), and each look waits twice as long as the one before (from 40 ms, up to 400 ms)…
  for (const [aloneMs, runs] of [[0.4, 1], [0.35, 3]]) {
    const idle = new ThreadChoice();
    const looks = simulate(idle, 8000, 0.25, aloneMs);
    assert.is(idle.way, 'threads');
    assert.ok(looks[0].from >= 10 && looks[0].from < 10.5, `first look at ${looks[0].from} ms`);
    assert.ok(looks.every((look) => look.way === 'alone' && look.runs === runs), JSON.stringify(looks));
    const gaps = looks.slice(1).map((look, k) => Math.round(look.from - looks[k].from - runs * aloneMs));
    assert.equal(gaps.slice(0, 6), [40, 80, 160, 320, 400, 400]);
  }
  // …or, where a look loses more, long enough that what the looks lose stays 2% of the time between them: runs of
  // 1.5 ms, 2.7 ms alone, a look losing 1.2 ms, at least 60 ms apart.
  const costly = new ThreadChoice();
  const costlyLooks = simulate(costly, 2000, 1.5, 2.7);
  const costlyGaps = costlyLooks.slice(1).map((look, k) => look.from - costlyLooks[k].from - 2.7);
  assert.ok(costlyGaps.slice(0, 5).every((gap, k) => gap >= [60, 120, 240, 400, 400][k] - 1e-9 && gap <= [60, 120, 240, 400, 400][k] + 1.5 + 1e-9), JSON.stringify(costlyGaps));
  // Alone faster (a busy machine): seven runs alone, seven more on threads to confirm, then alone; 20 ms later a look
  // on threads, clearly slower after three runs, keeps it alone. Then, threads faster again: back to them.
  const busy = new ThreadChoice();
  const clock = { ms: 0 };
  const busyLooks = simulate(busy, 200, 0.55, 0.4, clock);
  assert.is(busy.way, 'alone');
  assert.equal(busyLooks.slice(0, 2).map(({ way, runs }) => [way, runs]), [['alone', 7], ['threads', 3]]);
  assert.ok(Math.abs(busyLooks[1].from - busyLooks[0].from - (7 * 0.4 + 7 * 0.55 + 20)) < 0.6, JSON.stringify(busyLooks));
  simulate(busy, 2000, 0.25, 0.4, clock);
  assert.is(busy.way, 'threads', 'back on threads once they are faster');
  // Threads slow only in a process's first runs (V8 compiling): the runs after a look that found alone faster are
  // timed afresh on threads, faster now, and the choice stays with them.
  const warming = new ThreadChoice();
  simulate(warming, 100, (ms) => (ms < 12 ? 0.5 : 0.25), 0.4);
  assert.is(warming.way, 'threads');
  // Nearly equal (within 3%): the way stays.
  const even = new ThreadChoice();
  const evenClock = { ms: 0 };
  for (let r = 0; r < 400; r++) {
    simulate(even, 1, 0.4, 0.395, evenClock);
    assert.is(even.way, 'threads', `after ${r + 1} runs`);
  }
  // Long runs are never timed the other way.
  assert.equal(simulate(new ThreadChoice(), 100, 3, 1), []);
  // Runs of a new shape each time (a counter among their arguments) are never compared: the way stays, and the
  // other way is still timed once runs of one shape come.
  const changing = new ThreadChoice();
  for (let r = 0; r < 5000; r++) changing.timed(1000 + r, changing.alone(1000 + r), 0.25);
  assert.is(changing.way, 'threads');
  assert.ok(simulate(changing, 100, 0.25, 0.4).length > 0);
});

test('shapeOf: runs are alike by kernels, call counts and whole-number arguments, whatever their learning rates', () => {
  const phases = (rate, buffer) => [[['stepRows', buffer, 8, rate]], [['denseStepH', 64, 1, rate], ['denseStepH', 96, 2, rate]]];
  assert.is(shapeOf(phases(0.01, 16)), shapeOf(phases(0.005, 16)));
  assert.is.not(shapeOf(phases(0.01, 16)), shapeOf(phases(0.01, 32)));
  assert.is.not(shapeOf(phases(0.01, 16)), shapeOf(phases(0.01, 16).slice(1)));
});

test.run();
