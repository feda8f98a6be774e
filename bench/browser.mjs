// npm run bench:browser [-- --ratings 10000000]
//
// A 10M-rating float32 fit in a browser tab's Web Worker (factorizeInWorker, the ratings transferred, not
// copied): headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium) opens a page of this repository,
// generates the bench:parse ratings there (200,000 users × 50,000 items, seeded), and fits sgd rank 40,
// 3 epochs, one thread. Prints the fit's time and the tab's peak memory: the renderer processes' resident
// memory, sampled every 50 ms from /proc (the worker is a thread of the page's renderer). Skips, saying so,
// without Chromium.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { staticServer } from '../web/serve.mjs';

const { values: flags } = parseArgs({ options: { ratings: { type: 'string', default: '10000000' } } });
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`bench:browser skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');
const server = await new Promise((resolve) => {
  const s = staticServer(undefined, ['web', 'dist']).listen(0, '127.0.0.1', () => resolve(s));
});
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });

/** Resident memory of Chromium's renderer processes (a tab and its workers), in bytes. */
function rendererBytes() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.includes('--type=renderer')) continue;
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/web/index.html`);
  const before = rendererBytes();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rendererBytes())), 50);
  const result = await page.evaluate(async (count) => {
    const { factorizeInWorker } = await import('/dist/browser/worker.js');
    const { Random } = await import('/dist/math/rng.js');
    const users = 200_000;
    const items = 50_000;
    const random = new Random(3);
    const rowIndices = new Int32Array(count);
    const colIndices = new Int32Array(count);
    const values = new Float32Array(count);
    const rated = new Int32Array(users);
    for (let p = 0; p < count; p++) {
      const user = random.uint32() % users;
      rowIndices[p] = user;
      colIndices[p] = (user * 7919 + rated[user]++ * 4729) % items;
      values[p] = 1 + (random.uint32() % 10) / 2;
    }
    const started = performance.now();
    const model = await factorizeInWorker(
      { rows: users, cols: items, rowIndices, colIndices, values },
      { solver: 'sgd', rank: 40, epochs: 3, threads: 1, precision: 'float32', transfer: true },
    );
    return { seconds: (performance.now() - started) / 1000, rmse: model.trainingRmse, epochs: model.epochs };
  }, Number(flags.ratings));
  clearInterval(sampler);
  console.log(
    `${Number(flags.ratings).toLocaleString('en')} ratings, sgd rank 40, ${result.epochs} epochs, float32, one thread, in a Web Worker of headless Chromium: ` +
      `${result.seconds.toFixed(1)} s (train RMSE ${result.rmse.toFixed(4)}); the tab's renderer memory ${(before / 2 ** 20).toFixed(0)} MiB before the ratings were made, ` +
      `peak ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  await browser.close();
  server.close();
}
