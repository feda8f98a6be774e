// npm run bench:events [-- --events 10000000] [--rows 200000] [--cols 50000] [--scored 2000]
//
// What reading an event log at scale costs around the fit (the command line's --implicit path):
// - sumDuplicates() on the events (uniform random pairs, a few repeated), in a child process of its own, against a Map of
//   every pair (the way it was done before stop 38) in another: time and peak RSS, side by side in one run;
// - score() of an iALS model (rank 20, one epoch on the same shape, a tenth of the events) on `scored` held-out rows,
//   precision@10 alone and with nDCG@10 and AUC: what a fit's closing metrics cost a row.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' }, rows: { type: 'string', default: '200000' }, cols: { type: 'string', default: '50000' },
    scored: { type: 'string', default: '2000' }, child: { type: 'string' },
  },
});
const count = Number(flags.events);
const rows = Number(flags.rows);
const cols = Number(flags.cols);
const { Random } = await import('../dist/math/rng.js');

function events(n, seed) {
  const random = new Random(seed);
  const rowIndices = new Int32Array(n);
  const colIndices = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    rowIndices[t] = random.uint32() % rows;
    colIndices[t] = random.uint32() % cols;
  }
  return { rows, cols, rowIndices, colIndices, values: new Float32Array(n).fill(1) };
}

/** The way sumDuplicates worked before stop 38: a Map from each pair to its first occurrence. */
function summedWithAMap(data) {
  const first = new Map();
  const keep = [];
  const sums = [];
  for (let t = 0; t < data.values.length; t++) {
    const key = data.rowIndices[t] * data.cols + data.colIndices[t];
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, keep.length);
      keep.push(t);
      sums.push(data.values[t]);
    } else sums[at] += data.values[t];
  }
  return { rowIndices: Int32Array.from(keep, (t) => data.rowIndices[t]), colIndices: Int32Array.from(keep, (t) => data.colIndices[t]), values: Float64Array.from(sums) };
}

if (flags.child) {
  const { sumDuplicates } = await import('../dist/index.js');
  const data = events(count, 1);
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const summed = flags.child === 'map' ? summedWithAMap(data) : sumDuplicates(data);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, pairs: summed.values.length, before, peak: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

const results = {};
for (const child of ['sumDuplicates', 'map']) {
  const run = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', child, '--events', flags.events, '--rows', flags.rows, '--cols', flags.cols], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  results[child] = JSON.parse(run.stdout.trim().split('\n').at(-1));
}
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
const line = ({ seconds, pairs, before, peak }) => `${seconds.toFixed(2)} s, ${pairs.toLocaleString('en')} pairs, peak ${mib(peak)} MiB (${mib(before)} before)`;
console.log(`${count.toLocaleString('en')} events over ${rows.toLocaleString('en')} × ${cols.toLocaleString('en')}: sumDuplicates ${line(results.sumDuplicates)}; ` +
  `a Map of every pair ${line(results.map)} — ${(results.map.seconds / results.sumDuplicates.seconds).toFixed(1)}× the time`);

const { factorize, score, sumDuplicates } = await import('../dist/index.js');
const train = sumDuplicates(events(Math.round(count / 10), 2));
const model = await factorize(train, { solver: 'ials', rank: 20, epochs: 1, threads: 1 });
const scored = Number(flags.scored);
// Two held-out columns for each of the first `scored` rows.
const random = new Random(3);
const test = { rowIndices: [], colIndices: [], values: [] };
for (let i = 0; i < scored; i++) for (let k = 0; k < 2; k++) test.rowIndices.push(i), test.colIndices.push(random.uint32() % cols), test.values.push(1);
for (const metrics of [['precision@10'], ['precision@10', 'ndcg@10', 'auc']]) {
  const started = performance.now();
  score(model, test, metrics);
  const seconds = (performance.now() - started) / 1000;
  console.log(`score(an iALS model of ${cols.toLocaleString('en')} columns, ${scored.toLocaleString('en')} held-out rows, [${metrics.join(', ')}]): ${seconds.toFixed(2)} s, ${((seconds / scored) * 1000).toFixed(2)} ms a row`);
}
