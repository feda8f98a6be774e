// A new user's first contact, start to end: the library and the command line on a generated ratings file shaped
// like MovieLens (userId,movieId,rating,timestamp with a header; half-star ratings; a few very active users and
// a long tail of rarely rated movies; a movies.csv of titles, some quoted with commas), each step as the README
// and the help lead a user to take it, and each outcome asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factorize, mostPopular, parseRatings, rankingMetrics, rmse, trainTestSplit } from 'mfwasm';
import { testRandom } from './helpers.mjs';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-first-'));
const file = (name) => join(folder, name);
const cli = (...args) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: folder, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

/** 300 users × 500 movies: tastes of rank 4, movie quality, user leniency; Zipf-like activity and popularity. */
function movieLensLike(seed) {
  const random = testRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const [users, movies, rank] = [300, 500, 4];
  const taste = Array.from({ length: users }, () => Array.from({ length: rank }, normal));
  const profile = Array.from({ length: movies }, () => Array.from({ length: rank }, normal));
  const quality = Array.from({ length: movies }, () => 0.6 * normal());
  const leniency = Array.from({ length: users }, () => 0.4 * normal());
  const lines = ['userId,movieId,rating,timestamp'];
  const seen = new Set();
  for (let u = 0; u < users; u++) {
    const count = Math.min(movies, Math.round(20 + 400 / (1 + u / 3)));
    for (let n = 0; n < count; n++) {
      const m = Math.min(movies - 1, Math.floor(movies * random() ** 2.5)); // popular movies first
      if (seen.has(u * movies + m)) continue;
      seen.add(u * movies + m);
      let x = 3.5 + quality[m] + leniency[u] + 0.3 * normal();
      for (let k = 0; k < rank; k++) x += (0.5 * taste[u][k] * profile[m][k]) / Math.sqrt(rank);
      const stars = Math.min(5, Math.max(0.5, Math.round(x * 2) / 2));
      lines.push(`${u + 1},${m + 1},${stars.toFixed(1)},${964982703 + u * 1000 + n}`);
    }
  }
  return lines.join('\n') + '\n';
}

const ratingsText = movieLensLike(11);
writeFileSync(file('ratings.csv'), ratingsText);
writeFileSync(file('movies.csv'), 'movieId,title,genres\n' + Array.from({ length: 500 }, (_, m) =>
  m % 7 === 0 ? `${m + 1},"Movie ${m + 1}, The (1995)",Drama` : `${m + 1},Movie ${m + 1} (2001),Comedy`).join('\n') + '\n');
const ratings = parseRatings(ratingsText);
const { train, test: held } = trainTestSplit(ratings, { testFraction: 0.1, seed: 1, keepEveryRow: true });
const mean = train.values.reduce((s, x) => s + x, 0) / train.values.length;
const meanRmse = Math.sqrt(held.values.reduce((s, x) => s + (x - mean) ** 2, 0) / held.values.length);

test('library: the first call with only a rank converges; the split passes to validation as it is', async () => {
  assert.equal([ratings.rowIds.length, ratings.colIds.length > 400], [300, true]);
  const first = await factorize(train, { rank: 10 });
  assert.ok(Number.isFinite(first.loss) && first.loss < first.initialLoss, `${first.initialLoss} → ${first.loss}`);
  const als = await factorize(train, { solver: 'als', rank: 10, biases: true, validation: held });
  assert.is(als.validationHistory.length, als.epochs);
  assert.ok(rmse(als, held) < meanRmse, `als ${rmse(als, held)} vs the mean's ${meanRmse}`);
});

test('library: a baseline beats the mean, batch recommendations match one at a time, ranking metrics count ratings ≥ 4', async () => {
  const baseline = await factorize(train, { solver: 'baseline' });
  assert.ok(rmse(baseline, held) < meanRmse, `baseline ${rmse(baseline, held)} vs the mean's ${meanRmse}`);
  const als = await factorize(train, { solver: 'als', rank: 10, biases: true });
  const users = ['1', '17', '299'];
  const many = await als.recommendMany(users, 5);
  assert.equal(many, users.map((row) => ({ row, items: als.recommend(row, 5) })));
  const liked = rankingMetrics(als, held, { k: 10, relevant: 4 });
  const everyRating = rankingMetrics(als, held, { k: 10 });
  assert.ok(liked.rows < everyRating.rows, `${liked.rows} rows with a rating ≥ 4 held out, of ${everyRating.rows}`);
  // Events (ratings ≥ 4) train ials, validated by precision@10 on the held-out events.
  const events = (split) => {
    const keep = [...split.values.keys()].filter((t) => split.values[t] >= 4);
    return { rows: split.rows, cols: split.cols, rowIndices: keep.map((t) => split.rowIndices[t]), colIndices: keep.map((t) => split.colIndices[t]), values: keep.map(() => 1) };
  };
  const ials = await factorize(events(train), { solver: 'ials', rank: 10, validation: events(held) });
  assert.ok(ials.validationHistory.every((p) => p >= 0 && p <= 1) && ials.validationHistory.length === ials.epochs);
  const protocol = { k: 10, exclude: events(train), excludeObserved: false };
  const [learned, popular] = [rankingMetrics(ials, events(held), protocol), rankingMetrics(mostPopular(events(train)), events(held), protocol)];
  assert.ok(learned.precision > 0.5 * popular.precision, `ials ${learned.precision}, most popular ${popular.precision}`);
});

test('command line: fit with any case of a solver name, a fixed test file, and the files that are not ratings refused', () => {
  const als = cli('fit', 'ratings.csv', '--solver', 'ALS', '--out', 'model.mfm');
  assert.is(als.code, 0, als.err);
  assert.match(als.out, /\d+ ratings, 300 rows × \d+ columns; 15 epochs of als in [\d.]+ s\ntrain RMSE [\d.]+, test RMSE ([\d.]+)/);
  const again = cli('fit', 'ratings.csv', '--out', 'model.mfm');
  assert.is(again.code, 2);
  assert.match(again.err, /--out: model\.mfm exists; --force replaces it, or name another file/);
  assert.is(cli('fit', 'ratings.csv', '--out', 'model.mfm', '--force', '--quiet').code, 0);
  // A fixed test set: every rating of the file trained on, the test file scored.
  const [header, ...rows] = ratingsText.trim().split('\n');
  writeFileSync(file('test.csv'), [header, ...rows.filter((_, t) => t % 10 === 0)].join('\n') + '\n');
  const fixed = cli('fit', 'ratings.csv', '--test', 'test.csv', '--out', 'fixed.mfm');
  assert.is(fixed.code, 0, fixed.err);
  assert.match(fixed.out, /test RMSE [\d.]+ \(MAE [\d.]+\) on \d+ held out/);
  // The timestamp column named as the rating: refused, saying why.
  const timestamps = cli('fit', 'ratings.csv', '--columns', '0,1,3', '--out', 'bad.mfm');
  assert.is(timestamps.code, 2, timestamps.err);
  assert.match(timestamps.err, /--columns: the value column holds 964982703 \(observation 1\), not a rating/);
  const events = cli('fit', 'ratings.csv', '--implicit', '--solver', 'als', '--out', 'bad.mfm');
  assert.is(events.code, 2);
  assert.match(events.err, /--solver/);
  // Events from two columns: each (user, movie) pair is one event.
  const pairs = cli('fit', 'ratings.csv', '--implicit', '--columns', 'userId,movieId', '--out', 'events.mfm');
  assert.is(pairs.code, 0, pairs.err);
  assert.match(pairs.out, /\d+ pairs, 300 rows × \d+ columns; 15 epochs of ials .*\ntest precision@10 [\d.]+/);
});

test('command line: predict past unknown ids, recommend with titles, a baseline, help without noise', () => {
  writeFileSync(file('pairs.csv'), 'userId,movieId\n1,1\n99999,1\n2,3\n');
  const strict = cli('predict', 'model.mfm', 'pairs.csv');
  assert.is(strict.code, 1);
  assert.match(strict.err, /--cold-start mean or skip goes on past it/);
  const mean = cli('predict', 'model.mfm', 'pairs.csv', '--cold-start', 'mean');
  assert.is(mean.code, 0, mean.err);
  assert.is(mean.out.trim().split('\n').length, 4, mean.out);
  assert.match(mean.err, /1 pair named an id the model does not know: predicted as unseen/);
  const recommend = cli('recommend', 'model.mfm', '--user', '1', '-n', '20', '--titles', 'movies.csv');
  assert.is(recommend.code, 0, recommend.err);
  const lines = recommend.out.trim().split('\n');
  assert.is(lines[0], 'item,score,title');
  assert.is(lines.length, 21);
  assert.ok(lines.slice(1).every((line) => /^\d+,[\d.-]+,("Movie \d+, The \(1995\)"|Movie \d+ \(2001\))$/.test(line)), recommend.out);
  const baseline = cli('fit', 'ratings.csv', '--solver', 'baseline', '--out', 'baseline.mfm');
  assert.is(baseline.code, 0, baseline.err);
  assert.match(baseline.out, /10 epochs of baseline/);
  const relevant = cli('eval', 'ratings.csv', '--folds', '2', '--metrics', 'rmse,precision@10', '--relevant', '4');
  assert.is(relevant.code, 0, relevant.err);
  assert.match(relevant.out, /precision@10/);
  for (const command of ['fit', 'predict', 'recommend', 'eval', 'impute']) {
    const help = cli(command, '--help');
    assert.is(help.code, 0);
    assert.not.match(help.out, /\(default: false\)/, `${command} --help`);
  }
  // impute keeps a matrix's header line.
  writeFileSync(file('matrix.csv'), 'a,b,c\n1,2,\n2,,6\n,6,9\n4,8,12\n');
  const impute = cli('impute', 'matrix.csv', '--header', '--rank', '1', '--out', 'filled.csv');
  assert.is(impute.code, 0, impute.err);
  assert.is(readFileSync(file('filled.csv'), 'utf8').split('\n')[0], 'a,b,c');
});

test.run();
