// The command line as a user runs it: a spawned process, real files in a temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Factorization } from 'mfwasm';
import { lowRankWithMissing } from './helpers.mjs';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'mfwasm-cli-'));
const file = (name) => join(folder, name);
const run = (...args) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: folder, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

// Ratings with string ids, a header and an extra column, as MovieLens' ratings.csv has.
const X = lowRankWithMissing(40, 30, 3, 0.5, 17);
const lines = ['userId,movieId,rating,timestamp'];
X.forEach((row, i) => row.forEach((x, j) => Number.isNaN(x) || lines.push(`user${i},movie${j},${(3 + x).toFixed(2)},0`)));
writeFileSync(file('ratings.csv'), lines.join('\n') + '\n');

test('fit → predict → recommend with the file\'s own ids', () => {
  const fit = run('fit', 'ratings.csv', '--rank', '3', '--out', 'model.mfm', '--seed', '2');
  assert.is(fit.code, 0, fit.err);
  assert.match(fit.out, /\d+ ratings, 40 rows × 30 columns; 15 epochs of als in [\d.]+ s/);
  assert.match(fit.out, /train RMSE [\d.]+, test RMSE [\d.]+ \(MAE [\d.]+\) on \d+ held out/);
  assert.match(fit.err, /epoch 15\/15  loss [\d.e+]+  test RMSE [\d.]+/, 'plain progress lines when not a TTY');
  const model = Factorization.fromBytes(readFileSync(file('model.mfm')));
  assert.is(model.rank, 3);
  writeFileSync(file('pairs.csv'), 'user,item\nuser1,movie2\nuser7,movie0\n');
  const predict = run('predict', 'model.mfm', 'pairs.csv');
  assert.is(predict.code, 0, predict.err);
  assert.is(predict.out, `user,item,prediction\nuser1,movie2,${model.predict('user1', 'movie2').toFixed(4)}\nuser7,movie0,${model.predict('user7', 'movie0').toFixed(4)}\n`);
  const recommend = run('recommend', 'model.mfm', '--user', 'user3', '-n', '4');
  assert.is(recommend.code, 0, recommend.err);
  assert.is(recommend.out, ['item,score', ...model.recommend('user3', 4).map((r) => `${r.col},${r.score.toFixed(4)}`)].join('\n') + '\n');
  // --titles joins an id,title file (quoted titles, a header), each title written back as CSV writes it.
  writeFileSync(file('movies.csv'), 'movieId,title,genres\n' + Array.from({ length: 30 }, (_, j) => `movie${j},"Film ${j}, the ""cut""",Drama`).join('\n') + '\n');
  const titled = run('recommend', 'model.mfm', '--user', 'user3', '-n', '2', '--titles', 'movies.csv');
  assert.is(titled.code, 0, titled.err);
  assert.is(titled.out, ['item,score,title', ...model.recommend('user3', 2).map((r) => `${r.col},${r.score.toFixed(4)},"Film ${r.col.slice(5)}, the ""cut"""`)].join('\n') + '\n');
  // Unknown ids: an error naming the line by default; --cold-start mean predicts them as unseen, skip leaves them out.
  writeFileSync(file('strangers.csv'), 'user,item\nuser1,movie2\nnobody,movie2\nuser7,nothing\n');
  assert.match(run('predict', 'model.mfm', 'strangers.csv').err, /^mfwasm: strangers\.csv: line 3: predict: row: no such id "nobody" in the training data \(--cold-start mean or skip goes on past it\)/);
  const mean = run('predict', 'model.mfm', 'strangers.csv', '--cold-start', 'mean');
  assert.is(mean.code, 0, mean.err);
  assert.is(mean.out, `user,item,prediction\nuser1,movie2,${model.predict('user1', 'movie2').toFixed(4)}\nnobody,movie2,${model.predict('nobody', 'movie2', { coldStart: 'mean' }).toFixed(4)}\nuser7,nothing,${model.predict('user7', 'nothing', { coldStart: 'mean' }).toFixed(4)}\n`);
  assert.match(mean.err, /^mfwasm: 2 pairs named an id the model does not know: predicted as unseen\n$/);
  const skip = run('predict', 'model.mfm', 'strangers.csv', '--cold-start', 'skip');
  assert.is(skip.out, `user,item,prediction\nuser1,movie2,${model.predict('user1', 'movie2').toFixed(4)}\n`);
  assert.match(skip.err, /2 pairs named an id the model does not know: left out/);
});

test('fit --test scores a held-out file: the whole ratings file trained on, unknown pairs left out and counted', () => {
  writeFileSync(file('heldout.csv'), 'userId,movieId,rating\nuser1,movie2,4\nuser3,movie5,2.5\nstranger,movie1,3\nuser2,unknown,1\n');
  const fit = run('fit', 'ratings.csv', '--rank', '2', '--epochs', '4', '--test', 'heldout.csv', '--out', 'tested.mfm');
  assert.is(fit.code, 0, fit.err);
  assert.match(fit.err, /heldout\.csv: 2 of 4 held-out pairs name a user or item not in the training file: left out/);
  const model = Factorization.fromBytes(readFileSync(file('tested.mfm')));
  const expected = Math.sqrt(((model.predict('user1', 'movie2') - 4) ** 2 + (model.predict('user3', 'movie5') - 2.5) ** 2) / 2);
  assert.match(fit.out, new RegExp(`test RMSE ${expected.toFixed(4)} \\(MAE [\\d.]+\\) on 2 held out`));
  assert.match(fit.out, new RegExp(`^${lines.length - 1} ratings`), 'trained on every line of the file');
  writeFileSync(file('strangers-only.csv'), 'userId,movieId,rating\nstranger,movie1,3\n');
  assert.match(run('fit', 'ratings.csv', '--test', 'strangers-only.csv').err, /--test: strangers-only\.csv: no held-out pair names a user and an item of the training file/);
});

test('--quiet prints nothing; eval prints a fold table; impute fills a dense CSV', () => {
  const quiet = run('fit', 'ratings.csv', '--rank', '2', '--out', 'quiet.mfm', '--quiet');
  assert.is(quiet.code, 0, quiet.err);
  assert.is(quiet.out + quiet.err, '');
  const evaluation = run('eval', 'ratings.csv', '--rank', '2', '--folds', '3', '--epochs', '5');
  assert.is(evaluation.code, 0, evaluation.err);
  assert.match(evaluation.out, /^fold  RMSE    MAE\n   1  [\d.]+  [\d.]+\n   2  [\d.]+  [\d.]+\n   3  [\d.]+  [\d.]+\nmean  [\d.]+  [\d.]+\n$/);
  const relevant = run('eval', 'ratings.csv', '--rank', '2', '--folds', '2', '--epochs', '3', '--metrics', 'precision@5', '--relevant', '4');
  assert.is(relevant.code, 0, relevant.err);
  assert.match(relevant.out, /^fold  precision@5\n   1 +[\d.]+\n   2 +[\d.]+\nmean +[\d.]+\n$/);
  writeFileSync(file('matrix.csv'), '1,2,\n2,,6\n,6,9\n');
  const impute = run('impute', 'matrix.csv', '--rank', '1', '--out', 'filled.csv');
  assert.is(impute.code, 0, impute.err);
  const filled = readFileSync(file('filled.csv'), 'utf8').trim().split('\n').map((row) => row.split(',').map(Number));
  assert.equal([filled[0][0], filled[0][1], filled[1][0], filled[1][2], filled[2][1], filled[2][2]], [1, 2, 2, 6, 6, 9], 'observed cells kept');
  assert.ok([filled[0][2], filled[1][1], filled[2][0]].every(Number.isFinite));
  // A header line: named by --header and written back; without it, the error says so.
  writeFileSync(file('named.csv'), 'a,b,c\n1,2,\n2,,6\n,6,9\n');
  assert.match(run('impute', 'named.csv', '--rank', '1').err, /^mfwasm: named\.csv: line 1, column 1: expected a number or an empty cell, got "a" \(a first line of column names: --header\)/);
  const named = run('impute', 'named.csv', '--rank', '1', '--header');
  assert.is(named.code, 0, named.err);
  assert.is(named.out.split('\n')[0], 'a,b,c');
  assert.equal(named.out.trim().split('\n').slice(1).map((row) => row.split(',').map(Number))[1][2], 6);
  // Every cell quoted, as a spreadsheet exports it: the same matrix.
  writeFileSync(file('quoted.csv'), '"1","2",""\n"2","","6"\n"","6","9"\n');
  const quoted = run('impute', 'quoted.csv', '--rank', '1');
  assert.is(quoted.code, 0, quoted.err);
  assert.is(quoted.out, run('impute', 'matrix.csv', '--rank', '1').out);
  // And a ratings file quoted so.
  writeFileSync(file('quoted-ratings.csv'), `"user","item","rating"\n${lines.slice(1).map((line) => line.split(',').slice(0, 3).map((field) => `"${field}"`).join(',')).join('\n')}\n`);
  const fromQuoted = run('fit', 'quoted-ratings.csv', '--rank', '2', '--out', 'quoted.mfm', '--quiet');
  assert.is(fromQuoted.code, 0, fromQuoted.err);
  const plain = run('fit', 'ratings.csv', '--rank', '2', '--out', 'plain.mfm', '--quiet');
  assert.is(plain.code, 0, plain.err);
  assert.equal(readFileSync(file('quoted.mfm')), readFileSync(file('plain.mfm')));
});

test('a gzip-compressed ratings file reads as the file it holds; a zip archive or a broken gzip is named as such', async () => {
  const { gzipSync } = await import('node:zlib');
  const text = readFileSync(file('ratings.csv'));
  writeFileSync(file('ratings.csv.gz'), gzipSync(text));
  for (const [name, out] of [['ratings.csv.gz', 'gz.mfm'], ['ratings.csv', 'notgz.mfm']]) {
    const fitted = run('fit', name, '--rank', '2', '--epochs', '3', '--out', out, '--quiet');
    assert.is(fitted.code, 0, fitted.err);
  }
  assert.equal(readFileSync(file('gz.mfm')), readFileSync(file('notgz.mfm')));
  writeFileSync(file('broken.gz'), gzipSync(text).subarray(0, 40));
  assert.match(run('fit', 'broken.gz', '--out', 'broken.mfm').err, /^mfwasm: broken\.gz: a gzip file that does not decompress \(.*\): truncated or corrupt\n$/);
  writeFileSync(file('ratings.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  assert.match(run('fit', 'ratings.zip', '--out', 'zip.mfm').err, /^mfwasm: ratings\.zip: a zip archive, not a ratings file: extract the ratings file from it first \(unzip\)\n$/);
});

test('MatrixMarket and u.data files read too', () => {
  const coordinates = lines.slice(1).map((line) => line.split(',')).map(([u, m, r]) => `${Number(u.slice(4)) + 1} ${Number(m.slice(5)) + 1} ${r}`);
  writeFileSync(file('ratings.mtx'), `%%MatrixMarket matrix coordinate real general\n% a comment\n40 30 ${coordinates.length}\n${coordinates.join('\n')}\n`);
  const mtx = run('fit', 'ratings.mtx', '--rank', '2', '--out', 'mtx.mfm');
  assert.is(mtx.code, 0, mtx.err);
  assert.match(mtx.out, /, 40 rows × 30 columns;/);
  writeFileSync(file('u.data'), coordinates.map((line) => line.replace(/ /g, '\t') + '\t881250949').join('\n') + '\n');
  const udata = run('fit', 'u.data', '--rank', '2', '--out', 'u.mfm');
  assert.is(udata.code, 0, udata.err);
  assert.match(udata.out, /, 40 rows × 30 columns;/);
});

test('--help on every command lists every option with its default; --version', () => {
  for (const command of ['fit', 'predict', 'recommend', 'eval', 'impute']) {
    const result = run(command, '--help');
    assert.is(result.code, 0);
    assert.match(result.out, new RegExp(`^usage: mfwasm ${command}`));
  }
  assert.match(run('fit', '--help').out, /--rank <integer>\s+latent factors \(default: 40\)/);
  assert.is(run('--version').out.trim(), JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});

test('user errors: one line, no stack trace, non-zero exit, no partial model file', () => {
  const cases = [
    [['fit', 'missing.csv'], 1, /^mfwasm: no such file: missing\.csv\n$/],
    [['fit', 'ratings.csv', '--rank', 'x'], 2, /^mfwasm: --rank: expected an integer, got "x"\n\(mfwasm --help for usage\)\n$/],
    [['eval', 'ratings.csv', 'more.csv'], 2, /^mfwasm: eval: expected one argument besides options \(mfwasm eval <ratings> .*\), got "more\.csv" too\n\(mfwasm --help for usage\)\n$/],
    // The library's checks, named as the flag typed.
    [['fit', 'ratings.csv', '--threads', '0', '--out', join(folder, 'threads.mfm')], 1, /^mfwasm: --threads: expected an integer from 1 to \d+, got 0\n$/],
    [['fit', 'ratings.csv', '--regularization=-1', '--out', join(folder, 'penalty.mfm')], 1, /^mfwasm: --regularization: expected a finite number ≥ 0, got -1\n$/],
    [['recommend', 'model.mfm', '--user', 'u1', '-n', '-1'], 2, /^mfwasm: -n: a value starting with '-' is written --n=<value>\n/],
    [['frobnicate'], 2, /^mfwasm: unknown command "frobnicate"/],
    [['recommend', 'ratings.csv', '--user', 'u1'], 1, /^mfwasm: ratings\.csv: not an mfwasm model \(no "MWFM" signature\)\n$/],
    [['eval', 'model.mfm'], 1, /^mfwasm: model\.mfm: line 1: this is an mfwasm model file \(it begins "MWFM"\), not ratings: expected lines of a row id, a column id and a number\n$/],
    [['recommend', 'model.mfm', '--user', 'nobody'], 1, /^mfwasm: recommend: row: no such id "nobody" in the training data\n$/],
    [['fit', 'ratings.csv', '--out', join(folder, 'no-such-dir', 'model.mfm')], 1, /^mfwasm: \/.*no-such-dir\/model\.mfm: cannot write it \(no such folder\)\n$/],
    [['fit', 'ratings.csv', '--out', '/dev/full'], 1, /^mfwasm: \/dev\/full: not a regular file \(a device or special file\); refusing to replace it\n$/],
    [['fit', '.'], 1, /^mfwasm: \.: is a folder, not a ratings file\n$/],
    [['fit', 'ratings.csv', '--test-fraction', '-0.1'], 2, /^mfwasm: --test-fraction: a value starting with '-' is written --test-fraction=<value>/],
    [['fit', 'ratings.csv', '--test-fraction=-0.1'], 2, /^mfwasm: --test-fraction: expected a number from 0 to below 1, got -0\.1/],
    [['fit', 'ratings.csv', '--bogus'], 2, /^mfwasm: unknown option --bogus\n/],
  ];
  for (const [args, code, pattern] of cases) {
    const result = run(...args);
    assert.is(result.code, code, `${args.join(' ')}: ${result.err}`);
    assert.match(result.err.replace(/^epoch.*\n/gm, ''), pattern, args.join(' '));
    assert.not.match(result.err, /    at /, 'no stack trace');
  }
  assert.ok(!readdirSync(folder).some((name) => name.includes('.tmp-')), 'no temporary file left behind');
});

test('a malformed line stops the run with its number and content, or is counted with --skip-bad-lines', () => {
  writeFileSync(file('bad.csv'), 'user,item,rating\nu1,i1,4\nu2,i2,four\nu3,i3,5\nu1,i3,2\n');
  const stopped = run('fit', 'bad.csv', '--rank', '1', '--out', 'bad.mfm');
  assert.is(stopped.code, 1);
  assert.match(stopped.err, /^mfwasm: bad\.csv: line 3: expected a row id, a column id and a number, got "u2,i2,four"\n$/);
  assert.not.ok(existsSync(file('bad.mfm')));
  const skipped = run('fit', 'bad.csv', '--rank', '1', '--out', 'bad.mfm', '--skip-bad-lines', '--test-fraction', '0', '--quiet');
  assert.is(skipped.code, 0, skipped.err);
  assert.match(skipped.err, /^mfwasm: skipped 1 malformed line \(first: line 3: "u2,i2,four"\)\n$/);
});

test('a tiny file trains without a test set and says so; NaN ratings are bad lines, not a header', () => {
  writeFileSync(file('tiny.csv'), '1,2,3\n1,3,4\n');
  const tiny = run('fit', 'tiny.csv', '--rank', '2', '--out', 'tiny.mfm', '--quiet');
  assert.is(tiny.code, 0, tiny.err);
  assert.match(tiny.err, /^mfwasm: 2 ratings are too few to hold out a test set; training on all of them\n$/);
  writeFileSync(file('nan.csv'), '1,2,NaN\n1,3,4\n2,3,4\n');
  assert.match(run('fit', 'nan.csv').err, /^mfwasm: nan\.csv: line 1: expected a row id, a column id and a number, got "1,2,NaN"\n$/);
});

test('--out through a symbolic link writes its target and keeps the link; a closed pipe ends predict quietly', () => {
  symlinkSync('target.mfm', file('link.mfm'));
  const linked = run('fit', 'ratings.csv', '--rank', '2', '--epochs', '2', '--out', 'link.mfm', '--quiet');
  assert.is(linked.code, 0, linked.err);
  assert.ok(lstatSync(file('link.mfm')).isSymbolicLink(), 'the link is still a link');
  assert.is(Factorization.fromBytes(readFileSync(file('target.mfm'))).rank, 2);
  writeFileSync(file('many.csv'), 'user1,movie2\n'.repeat(200000));
  const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" predict link.mfm many.csv | head -c 10`], { cwd: folder, encoding: 'utf8' });
  assert.is(piped.status, 0);
  assert.is(piped.stderr, '', 'no EPIPE stack trace');
});

test('a signal during fit exits 130/143 and leaves no temporary file', async () => {
  const big = ['u,i,r'];
  for (let n = 0; n < 20000; n++) big.push(`u${n % 500},i${Math.floor(n / 500)},${1 + (n % 5)}`);
  writeFileSync(file('big.csv'), big.join('\n'));
  const { spawn } = await import('node:child_process');
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    const child = spawn(process.execPath, [CLI, 'fit', 'big.csv', '--rank', '50', '--epochs', '1000', '--out', 'big.mfm'], { cwd: folder });
    await new Promise((resolve) => child.stderr.once('data', resolve));
    child.kill(signal);
    const exit = await new Promise((resolve) => child.on('exit', (status) => resolve(status)));
    assert.is(exit, code);
    assert.ok(!readdirSync(folder).some((name) => name.includes('.tmp-')));
  }
});

test('fit --implicit on user,item events (repeats summed) reports ranking metrics; eval --metrics', () => {
  const lines = [];
  for (let u = 0; u < 40; u++) for (let i = 0; i < 30; i++) if ((u * 7 + i * 3) % 5 < 2) lines.push(`u${u},i${i}`);
  lines.push('u1,i1', 'u1,i1'); // a repeated event
  writeFileSync(file('events.csv'), lines.join('\n') + '\n');
  const fit = run('fit', 'events.csv', '--implicit', '--rank', '3', '--out', 'events.mfm', '--quiet');
  assert.is(fit.code, 0, fit.err);
  const model = Factorization.fromBytes(readFileSync(file('events.mfm')));
  assert.is(model.solver, 'ials');
  // An existing model is not replaced without --force.
  assert.match(run('fit', 'events.csv', '--implicit', '--rank', '3', '--out', 'events.mfm').err, /^mfwasm: --out: events\.mfm exists; --force replaces it, or name another file/);
  const loud = run('fit', 'events.csv', '--implicit', '--rank', '3', '--out', 'events.mfm', '--force', '--epochs', '3');
  assert.match(loud.out, /test precision@10 [\d.]+, nDCG@10 [\d.]+, AUC [\d.]+ on \d+ held-out events/);
  const evaluation = run('eval', 'events.csv', '--implicit', '--rank', '3', '--folds', '2', '--epochs', '3', '--metrics', 'precision@5,auc');
  assert.is(evaluation.code, 0, evaluation.err);
  assert.match(evaluation.out, /^fold  precision@5  auc\n   1 +[\d.]+ +[\d.]+\n   2 +[\d.]+ +[\d.]+\nmean +[\d.]+ +[\d.]+\n$/);
  assert.match(run('eval', 'events.csv', '--implicit', '--metrics', 'precision@x').err, /^mfwasm: metrics: expected 'rmse', 'mae', 'auc' or one of/);
  assert.match(run('fit', 'ratings.csv', '--alpha', '3').err, /^mfwasm: --alpha: only for solver ials, got solver als/);
  // Two columns name an event file's user and item (every line one event); ratings need a third.
  writeFileSync(file('plays.csv'), readFileSync(file('ratings.csv'), 'utf8').replace(/,0$/gm, ',964982703'));
  const pairs = run('fit', 'plays.csv', '--implicit', '--columns', 'userId,movieId', '--rank', '2', '--epochs', '2', '--out', 'plays.mfm');
  assert.is(pairs.code, 0, pairs.err);
  assert.match(pairs.out, /^\d+ pairs, /);
  assert.match(run('fit', 'plays.csv', '--columns', 'userId,movieId').err, /^mfwasm: --columns: expected user,item,rating \(names or 0-based positions\), got "userId,movieId"/);
  // A timestamp named as the rating is refused, saying why; a column the header does not have is named.
  assert.match(run('fit', 'plays.csv', '--columns', '0,1,3').err, /^mfwasm: --columns: the value column holds 964982703 \(observation 1\), not a rating \(they stay within ±1000000\); name the rating column/);
  assert.match(run('fit', 'plays.csv', '--columns', 'userId,movieId,score').err, /^mfwasm: plays\.csv: --columns: no column named "score" in the header \[userId, movieId, rating, timestamp\]/);
  // The solver is checked by the command line, and an events solver reads events with or without --implicit.
  assert.match(run('fit', 'ratings.csv', '--solver', 'nmf').err, /^mfwasm: --solver: expected one of gd, sgd, als, ials\b.*, got "nmf"/);
  const upper = run('fit', 'ratings.csv', '--solver', 'ALS', '--epochs', '1', '--out', 'upper.mfm', '--quiet');
  assert.is(upper.code, 0, upper.err);
  assert.is(Factorization.fromBytes(readFileSync(file('upper.mfm'))).solver, 'als');
  // Switches say nothing of a default that is off, and how to turn off one that is on.
  const fitHelp = run('fit', '--help').out;
  assert.not.match(fitHelp, /default: false/);
  assert.match(fitHelp, /--\[no-\]biases .*\(on; --no-biases turns it off\)/);
  assert.match(run('fit', 'events.csv', '--implicit', '--solver', 'als').err, /^mfwasm: --implicit: solver als takes ratings, not events/);
  const ials = run('fit', 'events.csv', '--solver', 'ials', '--no-biases', '--rank', '3', '--epochs', '2', '--out', 'events.mfm', '--force');
  assert.is(ials.code, 0, ials.err);
  assert.match(ials.out, /test precision@10/);
});

test('tune searches a grid by cross-validation, prints the trials and writes the refit model', () => {
  const tune = run('tune', 'ratings.csv', '--solver', 'als', '--grid', 'rank=1,2 regularization=0.05..0.2:log:2', '--epochs', '4', '--folds', '3', '--out', 'tuned.mfm');
  assert.is(tune.code, 0, tune.err);
  assert.match(tune.out, /^trial +RMSE +±std +folds +seconds +settings\n/);
  assert.is(tune.out.match(/^ +\d+ +[\d.]+ +[\d.]+ +\d/gm).length, 4);
  // The columns line up: every trial's settings start under the header's.
  const [header, ...trials] = tune.out.split('\n').filter((line) => /^ *(trial|\d)/.test(line));
  assert.ok(trials.length === 4 && trials.every((line) => line.indexOf('{') === header.indexOf('settings')), tune.out);
  assert.match(tune.out, /best \{"rank":\d,"regularization":[\d.]+,"epochs":\d\} \(rmse\); \d+ fits, \d+ skipped by halving/);
  assert.ok([1, 2].includes(Factorization.fromBytes(readFileSync(file('tuned.mfm'))).rank));
  assert.match(run('tune', 'ratings.csv').err, /^mfwasm: tune: --grid is required/);
  assert.match(run('tune', 'ratings.csv', '--grid', 'rank').err, /^mfwasm: grid: expected name=values, got "rank"/);
});

test('update absorbs new ratings into a model file, adding new users and items', () => {
  assert.is(run('fit', 'ratings.csv', '--rank', '2', '--epochs', '3', '--out', 'before.mfm', '--quiet').code, 0);
  writeFileSync(file('new.csv'), 'userId,movieId,rating\nuser1,movie2,4.5\nnewbie,movie3,3\nuser2,brand-new,5\n');
  const update = run('update', 'before.mfm', 'new.csv', '--out', 'after.mfm');
  assert.is(update.code, 0, update.err);
  // The library's default: als re-solves what the new lines touch, then no full epoch.
  assert.match(update.out, /^3 new ratings; 1 new rows, 1 new columns; 0 epochs of als in [\d.]+ s\nwrote after\.mfm\n$/);
  const after = Factorization.fromBytes(readFileSync(file('after.mfm')));
  assert.ok(after.rowIds.includes('newbie') && after.colIds.includes('brand-new'));
  assert.match(run('update', 'before.mfm').err, /^mfwasm: update: expected a model file and a file of new ratings/);
  // Another file that exists is replaced only with --force, as fit's --out; the model file itself by default.
  const kept = readFileSync(file('after.mfm'));
  assert.match(run('update', 'before.mfm', 'new.csv', '--out', 'after.mfm').err, /^mfwasm: --out: after\.mfm exists; --force replaces it, or name another file\n/);
  assert.equal(readFileSync(file('after.mfm')), kept);
  assert.is(run('update', 'before.mfm', 'new.csv', '--out', 'after.mfm', '--force', '--quiet').code, 0);
  assert.is(run('update', 'before.mfm', 'new.csv', '--out', './before.mfm', '--quiet').code, 0, 'the model file itself, however it is written');
  assert.ok(Factorization.fromBytes(readFileSync(file('before.mfm'))).rowIds.includes('newbie'));
});

test('import writes implicit\'s and LIBMF\'s models as model files; ids from files; errors name the file', () => {
  const npz = fileURLToPath(new URL('./fixtures/implicit/als.npz', import.meta.url));
  writeFileSync(file('users.txt'), Array.from({ length: 9 }, (_, u) => `user${u}`).join('\n') + '\n');
  const imported = run('import', 'implicit', npz, '--out', 'implicit.mfm', '--row-ids', 'users.txt');
  assert.is(imported.code, 0, imported.err);
  assert.is(imported.out, 'implicit model: 9 rows × 13 columns, rank 4; wrote implicit.mfm\n');
  const model = Factorization.fromBytes(readFileSync(file('implicit.mfm')));
  const direct = Factorization.fromImplicit(readFileSync(npz), { rowIds: Array.from({ length: 9 }, (_, u) => `user${u}`) });
  assert.is(model.predict('user4', 7), direct.predict('user4', 7));
  const recommend = run('recommend', 'implicit.mfm', '--user', 'user4', '-n', '2');
  assert.is(recommend.out, ['item,score', ...direct.recommend('user4', 2).map((r) => `${r.col},${r.score.toFixed(4)}`)].join('\n') + '\n');
  writeFileSync(file('libmf.txt'), 'f 0\nm 2\nn 3\nk 2\nb 3.5\np0 T 1 2\np1 F 0 0\nq0 T 0.5 1\nq1 T 1 0\nq2 T 0 0.25\n');
  assert.is(run('import', 'libmf', 'libmf.txt', '--out', 'libmf.mfm', '--quiet').code, 0);
  assert.is(Factorization.fromBytes(readFileSync(file('libmf.mfm'))).predict(0, 0), 2.5);
  assert.match(run('import', 'implicit', npz, '--out', 'implicit.mfm').err, /^mfwasm: --out: implicit\.mfm exists; --force replaces it/);
  assert.match(run('import', 'parquet', 'x').err, /^mfwasm: import: expected the kind of model first, one of spark, implicit, libmf, got "parquet"/);
  const spark = fileURLToPath(new URL('./fixtures/spark/models/spark4', import.meta.url));
  const sparkRun = run('import', 'spark', spark, '--out', 'spark.mfm', '--regularization', '0.2');
  assert.is(sparkRun.code, 0, sparkRun.err);
  assert.is(sparkRun.out, 'spark model: 6 rows × 8 columns, rank 4; wrote spark.mfm\n');
  const sparkModel = Factorization.fromBytes(readFileSync(file('spark.mfm')));
  assert.is(sparkModel.info.penalties.regularization.W, 0.2);
  assert.match(run('import', 'spark', fileURLToPath(new URL('./fixtures/spark/damaged/no-items', import.meta.url)), '--out', 'broken.mfm').err, /^mfwasm: .*no-items: fromSparkALS: no Parquet parts in itemFactors\//);
  assert.match(run('import', 'implicit', npz, '--regularization', '2', '--out', 'x.mfm').err, /^mfwasm: --regularization: for spark models only/);
  const short = run('import', 'implicit', npz, '--out', 'other.mfm', '--row-ids', 'libmf.txt');
  assert.match(short.err, /^mfwasm: .*als\.npz: fromImplicit: --row-ids: expected 9 ids, one per row of user_factors, got 10/);
});

test.after(() => rmSync(folder, { recursive: true, force: true }));
test.run();
