// In a real browser: the demo page trains in a Web Worker and draws, its result equals Node's for the
// same seed, a run can be cancelled, and the package bundles with Vite, webpack (no config) and esbuild.
// Headless Debian Chromium driven by playwright-core; .ci/run installs it. Without it the suite fails in
// CI and is skipped, saying so, elsewhere.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize } from 'mfwasm';
import { staticServer } from '../web/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const test = suite('browser (headless Chromium)');
const available = existsSync(CHROMIUM);

if (!available && process.env.CI) {
  test('Chromium is installed', () => assert.unreachable(`no Chromium at ${CHROMIUM}: .ci/run must apt-get install chromium`));
} else if (!available) {
  console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
} else {
  const { chromium } = await import('playwright-core');
  let browser;
  let server;
  let origin;
  const listen = (root, allowed, isolated = true) =>
    new Promise((resolve) => {
      const s = staticServer(root, allowed, isolated).listen(0, '127.0.0.1', () => resolve(s));
    });

  test.before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    server = await listen(ROOT, ['web', 'dist', 'node_modules/uplot/dist']);
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  test.after(async () => {
    await browser?.close();
    server?.close();
  });

  async function openDemo() {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.mfwasmDemo?.problem);
    return { page, errors };
  }

  const settings = { rows: 24, cols: 18, 'true-rank': 3, observed: 0.6, noise: 0.05, seed: 5 };

  test('the demo trains in a worker, the loss falls, and the result equals Node\'s for the same seed', async () => {
    const { page, errors } = await openDemo();
    for (const [id, value] of Object.entries(settings)) await page.fill(`#${id}`, String(value));
    await page.selectOption('#solver', 'gd');
    await page.fill('#rank', '3');
    await page.fill('#epochs', '300');
    await page.fill('#learning-rate', '0.01');
    await page.fill('#regularization', '0.01');
    await page.click('#generate');
    // Enter in a field of the training section trains, as its button does.
    await page.press('#epochs', 'Enter');
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status').dataset.state), null, { timeout: 30000 });
    const fit = await page.evaluate(() => window.mfwasmDemo.lastFit);
    assert.ok(fit, await page.textContent('#status'));
    assert.is(fit.lossHistory.length, 300);
    assert.ok(fit.lossHistory[299] < 0.05 * fit.initialLoss, `${fit.initialLoss} → ${fit.lossHistory[299]}`);
    // The page's own matrix (its Math.cos and Math.log may differ from Node's in the last bit), same options.
    const observed = await page.evaluate(() => window.mfwasmDemo.problem.observed);
    assert.is(observed.length, 24);
    assert.ok(observed.flat().some(Number.isNaN), 'NaN (missing) entries survive the trip');
    const node = await factorize(observed, fit.options);
    assert.equal(fit.lossHistory, [...node.lossHistory], 'bit for bit the same as in Node');
    // Every picture is drawn: count the non-white pixels of each canvas.
    const inked = await inkedPixels(page);
    for (const [id, count] of Object.entries(inked)) assert.ok(count > 100, `${id}: ${count} inked pixels`);
    assert.ok(fit.hiddenRmse < 0.5, `RMSE on the hidden entries ${fit.hiddenRmse}`);
    assert.is(await page.textContent('#m-loss'), await page.evaluate(() => document.getElementById('status').textContent.match(/→ (\S+)\.$/)[1]), 'the card and the status line say the same loss');
    const screenshot = join(mkdtempSync(join(tmpdir(), 'mfwasm-')), 'demo.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`  demo screenshot: ${screenshot}`);
    assert.equal(errors, []);
    await page.close();
  });

  /** Non-white pixels of each picture on the page. */
  const inkedPixels = (page) =>
    page.evaluate(() =>
      Object.fromEntries(['chart', 'mask', 'observed-map', 'approximation', 'truth', 'error', 'legend'].map((id) => {
        const canvas = id === 'chart' ? document.querySelector('#chart canvas') : document.getElementById(id);
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0 && (data[p] < 250 || data[p + 1] < 250 || data[p + 2] < 250)) count++;
        return [id, count];
      })),
    );

  test('a tall or a wide matrix keeps the page\'s height: each map fits its square box, its shape kept', async () => {
    const { page, errors } = await openDemo();
    await page.setViewportSize({ width: 1280, height: 900 });
    const heights = [];
    for (const [rows, cols] of [[60, 50], [400, 20], [20, 400]]) {
      await page.fill('#rows', String(rows));
      await page.fill('#cols', String(cols));
      await page.click('#generate');
      heights.push(await page.evaluate(() => document.documentElement.scrollHeight));
      const box = await page.evaluate(() => { const r = document.getElementById('mask').getBoundingClientRect(); return [r.width, r.height]; });
      assert.ok(Math.abs(box[0] - box[1]) < 2, `${rows}×${cols}: the map's box is square, got ${box}`);
    }
    assert.ok(Math.max(...heights) - Math.min(...heights) < 50, `page heights ${heights}`);
    assert.equal(errors, []);
  });

  test('at 400×400, 5% observed, model rank 50: the suggested λ and epochs keep every solver below the mean\'s hidden RMSE', async () => {
    const { page, errors } = await openDemo();
    // Axes stand before any run.
    const blankChart = await page.evaluate(() => {
      const canvas = document.querySelector('#chart canvas');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0) count++;
      return count;
    });
    assert.ok(blankChart > 500, `the chart before the first run: ${blankChart} drawn pixels`);
    for (const [id, value] of Object.entries({ rows: 400, cols: 400, 'true-rank': 50, observed: 0.05, noise: 0.05, seed: 2 })) await page.fill(`#${id}`, String(value));
    await page.click('#generate');
    // 20 observations a row pin down a rank of about 5, not 50: the page says so and lowers it.
    assert.match(await page.textContent('#status'), /True rank lowered to 5: 20 observations a row or column pin down no more\./);
    assert.is(await page.inputValue('#true-rank'), '5');
    for (const solver of ['gd', 'sgd', 'als']) {
      await page.selectOption('#solver', solver);
      await page.fill('#rank', '50');
      await page.dispatchEvent('#rank', 'change');
      assert.is(await page.inputValue('#regularization'), '0.1', `${solver}: λ suggested for rank 50 at 20 observations a row`);
      assert.is(await page.inputValue('#epochs'), solver === 'gd' ? '280' : '30');
      await page.click('#train');
      await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status').dataset.state), null, { timeout: 60000 });
      assert.is(await page.getAttribute('#status', 'data-state'), 'done', `${solver}: ${await page.textContent('#status')}`);
      const [hidden, mean] = [Number(await page.textContent('#m-hidden')), Number(await page.textContent('#m-baseline'))];
      assert.ok(hidden < mean, `${solver}: hidden RMSE ${hidden}, the mean's ${mean}`);
    }
    // The smallest matrix trains too.
    for (const [id, value] of Object.entries({ rows: 2, cols: 2, 'true-rank': 1, observed: 1 })) await page.fill(`#${id}`, String(value));
    await page.click('#generate');
    await page.fill('#rank', '1');
    await page.click('#train');
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status').dataset.state), null, { timeout: 30000 });
    assert.is(await page.getAttribute('#status', 'data-state'), 'done', await page.textContent('#status'));
    assert.equal(errors, []);
    await page.close();
  });

  test('at its largest sizes (400×400) every solver trains and every picture is drawn; a timing compares per epoch', async () => {
    const { page, errors } = await openDemo();
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const [id, value] of Object.entries({ rows: 400, cols: 400, 'true-rank': 5, observed: 0.5, noise: 0.05, seed: 2 })) await page.fill(`#${id}`, String(value));
    await page.click('#generate');
    assert.match(await page.textContent('#status'), /Generated a 400×400 matrix/);
    for (const solver of ['gd', 'sgd', 'als']) {
      await page.selectOption('#solver', solver);
      await page.fill('#rank', '5');
      await page.fill('#epochs', solver === 'gd' ? '60' : '10');
      await page.click('#train');
      await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status').dataset.state), null, { timeout: 60000 });
      assert.is(await page.getAttribute('#status', 'data-state'), 'done', `${solver}: ${await page.textContent('#status')}`);
      const fit = await page.evaluate(() => window.mfwasmDemo.lastFit);
      assert.ok(fit.loss < fit.initialLoss, `${solver}: ${fit.initialLoss} → ${fit.loss}`);
      const inked = await inkedPixels(page);
      for (const [id, count] of Object.entries(inked)) assert.ok(count > 100, `${solver}, ${id}: ${count} inked pixels`);
    }
    assert.ok(Number(await page.textContent('#m-hidden')) < 0.3, await page.textContent('#m-hidden'));
    const screenshot = join(mkdtempSync(join(tmpdir(), 'mfwasm-')), 'demo-400.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`  demo screenshot at 400×400: ${screenshot}`);
    await page.fill('#epochs', '5');
    await page.click('#compare');
    await page.waitForFunction(() => window.mfwasmDemo.times, null, { timeout: 60000 });
    assert.match(await page.textContent('#times'), /time per epoch .* WASM [\d.]+ ms, pure JS [\d.]+ ms/);
    // The timing runs are not a fit: the last fit's maps, figures and status are gone, not left standing.
    assert.is(await page.evaluate(() => window.mfwasmDemo.maps.approximation), undefined);
    assert.is(await page.textContent('#m-hidden'), '—');
    assert.match(await page.textContent('#status'), /^Timing .* Train draws a fit\.$/);
    // Hovering a map names the entry.
    const box = await page.locator('#truth').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    assert.match(await page.textContent('#tip'), /row \d+, col \d+ · (observed|hidden)/);
    // A phone-sized screen: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow} px wider than a 390 px screen`);
    const phone = join(mkdtempSync(join(tmpdir(), 'mfwasm-')), 'demo-phone.png');
    await page.screenshot({ path: phone, fullPage: true });
    console.log(`  demo screenshot on a phone-sized screen: ${phone}`);
    assert.equal(errors, []);
    await page.close();
  });

  test('a long run can be cancelled, and the page answers while it trains', async () => {
    const { page } = await openDemo();
    await page.selectOption('#solver', 'gd');
    await page.fill('#epochs', '100000000');
    await page.click('#train');
    await page.waitForFunction(() => window.mfwasmDemo.losses.length > 10);
    // The main thread is free: a frame comes within 100 ms while the worker trains.
    const frameMs = await page.evaluate(() => new Promise((resolve) => {
      const start = performance.now();
      requestAnimationFrame(() => resolve(performance.now() - start));
    }));
    assert.ok(frameMs < 100, `${frameMs} ms to the next frame`);
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'cancelled', null, { timeout: 10000 });
    await page.close();
  });

  test('ratings pasted into the page train and give a test RMSE and recommendations', async () => {
    const { page } = await openDemo();
    await page.click('#csv-train');
    await page.waitForSelector('#csv-rmse', { timeout: 30000 });
    const value = Number(await page.textContent('#csv-rmse'));
    assert.ok(value > 0 && value < 1.5, `${value}`);
    assert.is(await page.locator('#csv-result tr').count(), 11);
    // Ratings' scores are shown within the data's range (1…5 in the sample), in their ranking's order.
    const shown = (await page.locator('#csv-result td.num').allTextContents()).map(Number);
    assert.ok(shown.length === 10 && shown.every((x, t) => x >= 1 && x <= 5 && (t === 0 || x <= shown[t - 1])), `${shown}`);
    await page.close();
  });

  test('events in the page train ials and report top-10 metrics beside most-popular', async () => {
    const { page, errors } = await openDemo();
    await page.selectOption('#csv-kind', 'events');
    assert.match(await page.inputValue("#csv"), /^user,item\nu\d+,i\d+/);
    await page.click('#csv-train');
    await page.waitForSelector('#csv-precision', { timeout: 30000 });
    const precision = Number(await page.textContent('#csv-precision'));
    assert.ok(precision > 0 && precision <= 1, `${precision}`);
    assert.match(await page.textContent('#csv-result'), /most popular: [\d.]+, [\d.]+, [\d.]+/);
    assert.match(await page.textContent('#csv-result'), /80 users × 50 items/, 'the header line is not read as a user');
    assert.is(await page.locator('#csv-result tr').count(), 11);
    const screenshot = join(mkdtempSync(join(tmpdir(), 'mfwasm-')), 'demo-events.png');
    await page.locator('#csv-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`  demo screenshot, events: ${screenshot}`);
    assert.equal(errors, []);
    await page.close();
  });

  // Threads in a page: on the page's main thread (which may not block: the workers do everything) and in a
  // worker (which takes part as thread 0), the same bits as Node on one thread; without cross-origin
  // isolation, one thread and one console note, no error.
  const threadProblem = { rows: 240, cols: 160, rowIndices: [], colIndices: [], values: [] };
  for (let i = 0; i < 240; i++) for (let j = (i * 7) % 5; j < 160; j += 5) {
    threadProblem.rowIndices.push(i);
    threadProblem.colIndices.push(j);
    threadProblem.values.push(1 + ((i * 31 + j * 17) % 9) / 2);
  }
  const threadOptions = { solver: 'als', rank: 6, epochs: 4, biases: true };
  const inPage = (X, options) => async ([X_, options_]) => {
    const { factorize } = await import('/dist/browser/index.js');
    const { factorizeInWorker } = await import('/dist/browser/worker.js');
    const reports = [];
    const here = await factorize(X_, { ...options_, onEpoch: (r) => void reports.push(r.threads) });
    const inWorker = await factorizeInWorker(X_, { ...options_, onEpoch: (r) => void reports.push(r.threads) });
    // Two fits at once on the page's threads: their runs take turns, neither disturbs the other.
    const [first, second] = await Promise.all([factorize(X_, options_), factorize(X_, { ...options_, seed: 7 })]);
    const again = await factorize(X_, { ...options_, seed: 7 });
    return {
      isolated: crossOriginIsolated, here: [...here.lossHistory, ...here.W.data], inWorker: [...inWorker.lossHistory, ...inWorker.W.data], threads: reports,
      concurrent: [...first.lossHistory, ...first.W.data], concurrentSecond: [...second.lossHistory], alone: [...again.lossHistory],
    };
  };

  test('threads in a cross-origin isolated page and in its worker: the same bits as Node on one thread', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/web/index.html`);
    const result = await page.evaluate(inPage(), [threadProblem, { ...threadOptions, threads: 2 }]);
    const node = await factorize(threadProblem, { ...threadOptions, threads: 1 });
    const expected = [...node.lossHistory, ...node.W.data];
    assert.ok(result.isolated, 'the demo server isolates its pages');
    assert.equal(result.threads, [2, 2, 2, 2, 2, 2, 2, 2], 'every epoch on two threads, in the page and in the worker');
    assert.equal(result.here, expected);
    assert.equal(result.inWorker, expected);
    assert.equal(result.concurrent, expected, 'two fits at once');
    assert.equal(result.concurrentSecond, result.alone, 'two fits at once: the other one');
    assert.equal(errors, []);
    await page.close();
  });

  // What bench:browser does with 10M ratings (a float32 sgd fit in a worker, the typed arrays transferred),
  // at a small size: the same bits as Node, and the page's arrays handed over (detached).
  test('a float32 fit of transferred typed arrays in a worker: the same bits as Node', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/web/index.html`);
    const options = { solver: 'sgd', rank: 8, epochs: 3, threads: 1, precision: 'float32' };
    const result = await page.evaluate(async ([problem, options_]) => {
      const { factorizeInWorker } = await import('/dist/browser/worker.js');
      const X_ = { ...problem, rowIndices: Int32Array.from(problem.rowIndices), colIndices: Int32Array.from(problem.colIndices), values: Float32Array.from(problem.values) };
      const model = await factorizeInWorker(X_, { ...options_, transfer: true });
      return { loss: [...model.lossHistory], W: [...model.W.data], trainingRmse: model.trainingRmse, detached: X_.values.length === 0 };
    }, [threadProblem, options]);
    const node = await factorize(threadProblem, options);
    assert.equal(result.loss, [...node.lossHistory]);
    assert.equal(result.W, [...node.W.data]);
    assert.is(result.trainingRmse, node.trainingRmse);
    assert.ok(result.detached, 'the arrays were transferred, not copied');
    assert.equal(errors, []);
    await page.close();
  });

  // Spark's saved model in a page: its folder's files as a folder picker gives them (names under the folder),
  // read by the browser build (the Parquet reader is a chunk loaded by fromSparkALS alone).
  test('Factorization.fromSparkALS in a page, from the folder\'s files: every prediction as in Node', async () => {
    const folder = fileURLToPath(new URL('./fixtures/spark/models/spark4', import.meta.url));
    const files = [];
    const walk = (path, name) => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(path, entry.name), `${name}/${entry.name}`);
        else files.push({ name: `${name}/${entry.name}`, bytes: [...readFileSync(join(path, entry.name))] });
      }
    };
    walk(folder, 'spark4');
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/web/index.html`);
    const expected = JSON.parse(readFileSync(new URL('./fixtures/spark/expected.json', import.meta.url), 'utf8')).spark4;
    const scores = await page.evaluate(async ([files_, users, items]) => {
      const { Factorization } = await import('/dist/browser/index.js');
      const model = await Factorization.fromSparkALS(files_.map(({ name, bytes }) => new File([new Uint8Array(bytes)], name)).map((file, n) => {
        // A folder picker's File carries its path in webkitRelativePath; `new File` cannot set it, so name it.
        Object.defineProperty(file, 'webkitRelativePath', { value: files_[n].name });
        return file;
      }));
      return users.map((user) => items.map((item) => model.predict(user, item)));
    }, [files, expected.userIds, expected.itemIds]);
    assert.equal(scores, expected.scores);
    assert.equal(errors, []);
    await page.close();
  });

  test('without cross-origin isolation: one thread, one console note, the same result', async () => {
    const plain = await listen(ROOT, ['web', 'dist', 'node_modules/uplot/dist'], false);
    try {
      const page = await browser.newPage();
      const notes = [];
      page.on('console', (message) => notes.push(message.text()));
      await page.goto(`http://127.0.0.1:${plain.address().port}/web/index.html`);
      const result = await page.evaluate(inPage(), [threadProblem, { ...threadOptions, threads: 2 }]);
      const node = await factorize(threadProblem, { ...threadOptions, threads: 1 });
      assert.not.ok(result.isolated);
      assert.equal(result.threads, [1, 1, 1, 1, 1, 1, 1, 1]);
      assert.equal(result.here, [...node.lossHistory, ...node.W.data]);
      assert.equal(result.inWorker, [...node.lossHistory, ...node.W.data]);
      assert.is(notes.filter((text) => text.startsWith('mfwasm: training on one thread: the page is not cross-origin isolated')).length, 2, notes.join('\n'));
      await page.close();
    } finally {
      plain.close();
    }
  });

  // A tiny app that imports the package the way users do, bundled three ways.
  // It also trains on two threads: the bundler must carry the thread script (src/runtime/thread.ts) along;
  // where it does not (esbuild's single-file bundle), training falls back to one thread, same result.
  const APP = `import { factorize } from 'mfwasm';
const big = { rows: 120, cols: 90, rowIndices: [], colIndices: [], values: [] };
for (let i = 0; i < 120; i++) for (let j = i % 3; j < 90; j += 3) { big.rowIndices.push(i); big.colIndices.push(j); big.values.push(1 + ((i * 7 + j) % 5)); }
const threads = [];
Promise.all([
  factorize([[1, 2, 3], [2, 4, NaN], [3, NaN, 9]], { rank: 1, epochs: 500, learningRate: 0.02 }),
  factorize(big, { solver: 'als', rank: 4, epochs: 3, threads: 2, onEpoch: (r) => void threads.push(r.threads) }),
])
  .then(([fit, onThreads]) => { window.result = [fit.loss, onThreads.loss, threads]; document.title = 'done'; }, (error) => { window.result = String(error); document.title = 'done'; });
`;
  const bundlers = {
    vite: async (dir) => {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./src/index.js"></script>');
      const { build } = await import('vite');
      // base './': the app is served from /dist/, not from the site root.
      await build({ root: dir, base: './', logLevel: 'silent', build: { outDir: 'dist' } });
    },
    'webpack (no config)': async (dir) => {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production'], { cwd: dir, stdio: 'pipe' });
      writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><script src="./main.js"></script>');
    },
    'esbuild --platform=browser': async (dir) => {
      execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), ['src/index.js', '--bundle', '--platform=browser', '--format=esm', '--outfile=dist/main.js', '--log-level=warning'], { cwd: dir, stdio: 'pipe' });
      writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    },
  };
  for (const [name, bundle] of Object.entries(bundlers)) {
    test(`a bundled app (${name}) imports mfwasm and gets Node's result`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mfwasm-app-'));
      try {
        mkdirSync(join(dir, 'src'));
        mkdirSync(join(dir, 'node_modules'));
        symlinkSync(ROOT, join(dir, 'node_modules', 'mfwasm'), 'dir');
        writeFileSync(join(dir, 'package.json'), '{ "name": "app", "private": true, "type": "module" }');
        writeFileSync(join(dir, 'src/index.js'), APP);
        await bundle(dir);
        const appServer = await listen(dir, ['dist']);
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${appServer.address().port}/dist/index.html`);
        await page.waitForFunction(() => document.title === 'done', null, { timeout: 15000 });
        const result = await page.evaluate(() => window.result);
        await page.close();
        appServer.close();
        const node = await factorize([[1, 2, 3], [2, 4, NaN], [3, NaN, 9]], { rank: 1, epochs: 500, learningRate: 0.02 });
        const big = { rows: 120, cols: 90, rowIndices: [], colIndices: [], values: [] };
        for (let i = 0; i < 120; i++) for (let j = i % 3; j < 90; j += 3) { big.rowIndices.push(i); big.colIndices.push(j); big.values.push(1 + ((i * 7 + j) % 5)); }
        const oneThread = await factorize(big, { solver: 'als', rank: 4, epochs: 3, threads: 1 });
        assert.ok(Array.isArray(result), String(result));
        assert.equal(result.slice(0, 2), [node.loss, oneThread.loss]);
        // Vite and webpack bundle the thread script; esbuild's one-file bundle leaves it out, so one thread.
        assert.equal(result[2], name.startsWith('esbuild') ? [1, 1, 1] : [2, 2, 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

test.run();
