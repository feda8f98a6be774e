#!/usr/bin/env node
// mfwasm fit | predict | recommend | eval | impute — on top of the public API only.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  crossValidate, DEFAULTS, Factorization, factorize, mae, parseGrid, RECOMMENDED_SOLVER, rmse, score, search, solvers, sumDuplicates, trainTestSplit,
  type FactorizeOptions, type Solver, type SolverInfo,
} from '../index.js';
import { help, parseArgs, UsageError, type OptionSpec, type Parsed } from './args.js';
import { readDenseCsv, readRatingsFile, writeAtomically } from './files.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const READING: OptionSpec[] = [
  { name: 'delimiter', type: 'string', help: 'column separator (default: detected: tab, "::", comma, ";" or spaces)' },
  { name: 'header', type: 'boolean', help: 'the first line names the columns (default: detected)' },
  { name: 'columns', type: 'string', help: 'user,item,rating columns, by name or 0-based position', default: '0,1,2' },
  { name: 'skip-bad-lines', type: 'boolean', help: 'count and report malformed lines instead of stopping', default: false },
];
/**
 * Where the command line's defaults differ from the library's (DEFAULTS), and why: rating files are what it
 * reads, and for them the recommended solver (RECOMMENDED_SOLVER: ALS) with biases at rank 40 is the setting
 * that works without tuning; the library's own defaults (gd, no biases) are the seed notebook's, made for
 * small dense matrices.
 */
const CLI_DEFAULTS = { rank: 40, biases: true };
const SOLVER_LIST = Object.keys(solvers) as Solver[];
const perSolver = (value: (name: Solver) => number | boolean | undefined) =>
  SOLVER_LIST.filter((name) => value(name) !== undefined).map((name) => `${name} ${value(name)}`).join(', ');
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every solver's own options, once each by name (a flag each), with the solvers that take it. */
const OWN_OPTIONS = new Map<string, { type: 'number' | 'integer' | 'boolean'; help: string; owners: Solver[] }>();
for (const name of SOLVER_LIST) {
  for (const [option, { type, help }] of Object.entries(solvers[name].options)) {
    const known = OWN_OPTIONS.get(option);
    if (known) known.owners.push(name);
    else OWN_OPTIONS.set(option, { type, help, owners: [name] });
  }
}
const ownFlags: OptionSpec[] = [...OWN_OPTIONS].map(([option, { type, help, owners }]) => ({
  name: kebab(option), type,
  help: `${owners.join(' and ')}: ${help} (default: ${perSolver((name) => solvers[name].options[option]?.default as number | boolean | undefined)})`,
}));

const TRAINING: OptionSpec[] = [
  { name: 'rank', short: 'k', type: 'integer', help: 'latent factors', default: CLI_DEFAULTS.rank },
  {
    name: 'solver', type: 'string',
    help: `${SOLVER_LIST.join(', ')} (default: ${RECOMMENDED_SOLVER.ratings}, or ${RECOMMENDED_SOLVER.events} with --implicit; the library's default is ${DEFAULTS.solver}, for small dense matrices)`,
  },
  { name: 'epochs', type: 'integer', help: `passes over the data (default: the solver's: ${perSolver((name) => DEFAULTS[name].epochs)})` },
  { name: 'regularization', type: 'number', help: `L2 penalty per observation (default: the solver's: ${perSolver((name) => DEFAULTS[name].regularization)})` },
  ...ownFlags,
  { name: 'biases', type: 'boolean', help: `fit global mean and row and column biases (off in the library; solvers ${takers('biases')})`, default: CLI_DEFAULTS.biases },
  { name: 'implicit', type: 'boolean', help: `events, not ratings: user,item[,count] lines (repeats summed), solver ${RECOMMENDED_SOLVER.events} unless --solver names another for events, ranking metrics`, default: false },
  { name: 'nonnegative', type: 'boolean', help: `keep the factors ≥ 0 (solvers ${takers('nonnegative')})`, default: false },
  { name: 'backend', type: 'string', help: 'wasm or js', default: DEFAULTS.backend },
  { name: 'threads', type: 'integer', help: 'threads of the wasm backend, same result whatever the count (default: every core for problems large enough to gain)' },
  { name: 'seed', type: 'integer', help: 'seed of the initial factors and of splits', default: DEFAULTS.seed },
];

function takers(option: 'biases' | 'nonnegative'): string {
  return SOLVER_LIST.filter((name) => solvers[name].takes.includes(option)).join(', ');
}

/** The solver a command line asks for: --solver, or the recommended one for its kind of data. */
function chosenSolver(o: Parsed['options']): SolverInfo {
  const given = o.solver as string | undefined;
  if (given !== undefined && !(SOLVER_LIST as string[]).includes(given)) {
    throw new UsageError(`--solver: expected one of ${SOLVER_LIST.join(', ')}, got ${JSON.stringify(given)}`);
  }
  const solver = solvers[(given as Solver | undefined) ?? RECOMMENDED_SOLVER[o.implicit ? 'events' : 'ratings']];
  if (o.implicit && solver.data !== 'events') {
    const forEvents = SOLVER_LIST.filter((name) => solvers[name].data === 'events').join(', ');
    throw new UsageError(`--implicit: solver ${solver.name} takes ratings, not events; leave out --solver, or name one for events (${forEvents})`);
  }
  return solver;
}
const OUTPUT: OptionSpec[] = [
  { name: 'quiet', short: 'q', type: 'boolean', help: 'print nothing but errors', default: false },
  { name: 'help', short: 'h', type: 'boolean', help: 'show this help', default: false },
];

/** How a file is read: as events (repeats summed into counts) when the solver takes events. */
function readingOptions(o: Parsed['options'], data: SolverInfo['data'] = chosenSolver(o).data) {
  const columns = String(o.columns).split(',').map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  if (columns.length !== 3) throw new UsageError(`--columns: expected three columns (user,item,rating), got ${JSON.stringify(o.columns)}`);
  return {
    delimiter: o.delimiter as string | undefined,
    header: o.header as boolean | undefined,
    columns: columns as [number | string, number | string, number | string],
    skipBadLines: o['skip-bad-lines'] as boolean,
    events: data === 'events',
  };
}

function trainingOptions(o: Parsed['options']): FactorizeOptions {
  const solver = chosenSolver(o);
  const options: Record<string, unknown> = { solver: solver.name, rank: o.rank, backend: o.backend, seed: o.seed };
  if (o.threads !== undefined) options.threads = o.threads;
  if (o.epochs !== undefined) options.epochs = o.epochs;
  if (o.regularization !== undefined) options.regularization = o.regularization;
  // --biases (on by default here) and --nonnegative go to the solvers that take them; for events there is no
  // bias to fit and no bound, and only an explicit --nonnegative is an error.
  for (const shared of ['biases', 'nonnegative'] as const) if (solver.takes.includes(shared)) options[shared] = o[shared];
  if (o.nonnegative && !solver.takes.includes('nonnegative')) throw new UsageError(`--nonnegative: not for solver ${solver.name}; solvers ${takers('nonnegative')} take it`);
  for (const [option, { owners }] of OWN_OPTIONS) {
    const value = o[kebab(option)];
    if (value === undefined) continue;
    if (!owners.includes(solver.name)) throw new UsageError(`--${kebab(option)}: only for solver ${owners.join(' or ')}, got solver ${solver.name}`);
    options[option] = value;
  }
  return options as unknown as FactorizeOptions;
}

/** A file's ratings as the solver takes them: an event log has a line per play or click, so repeats become counts. */
const asData = <T extends Parameters<typeof sumDuplicates>[0]>(ratings: T, data: SolverInfo['data']): T => (data === 'events' ? sumDuplicates(ratings) : ratings);

/** What a file's lines are called in summaries. */
const unit = (data: SolverInfo['data']) => (data === 'events' ? 'pairs' : 'ratings');

/** Epoch, loss, validation RMSE and ETA: redrawn in place on a terminal, a line a second otherwise. */
function progress(total: number, quiet: boolean) {
  const started = performance.now();
  let lastLine = 0;
  const tty = Boolean(process.stderr.isTTY);
  return {
    report({ epoch, loss, validationRmse, validationPrecision }: { epoch: number; loss: number; validationRmse: number | undefined; validationPrecision?: number }) {
      if (quiet) return;
      const done = epoch + 1;
      const elapsed = (performance.now() - started) / 1000;
      const eta = (elapsed / done) * (total - done);
      const text = `epoch ${done}/${total}  loss ${loss.toPrecision(5)}` +
        (validationRmse === undefined ? '' : `  test RMSE ${validationRmse.toFixed(4)}`) +
        (validationPrecision === undefined ? '' : `  test precision@10 ${validationPrecision.toFixed(4)}`) + `  ETA ${eta.toFixed(1)} s`;
      if (tty) {
        const width = 20;
        const filled = Math.round((done / total) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${text}\x1b[K`);
        if (done === total) process.stderr.write('\n');
      } else if (performance.now() - lastLine >= 1000 || done === total) {
        lastLine = performance.now();
        process.stderr.write(`${text}\n`);
      }
    },
    end() {
      if (tty && !quiet) process.stderr.write('\n');
    },
  };
}

const say = (quiet: unknown, text: string) => quiet || process.stdout.write(text + '\n');

const COMMANDS: Record<string, { usage: string; description: string; specs: OptionSpec[]; run(p: Parsed): Promise<void> }> = {
  fit: {
    usage: 'mfwasm fit <ratings> [options]',
    description: 'Trains a model on a ratings file (CSV, TSV, space-separated, MovieLens ratings.csv/u.data, MatrixMarket .mtx),\nholding out --test-fraction of it to report test RMSE, and writes the model file.',
    specs: [
      ...TRAINING,
      { name: 'test-fraction', type: 'number', help: 'fraction held out for test RMSE; 0 to train on everything', default: 0.1 },
      { name: 'out', short: 'o', type: 'string', help: 'model file to write', default: 'model.mfm' },
      { name: 'float32', type: 'boolean', help: 'train in float32 (half the memory) and store the factors so (half the file)', default: false },
      ...READING, ...OUTPUT,
    ],
    async run({ positional: [file], options: o }) {
      if (!file) throw new UsageError('fit: which ratings file? (mfwasm fit ratings.csv)');
      const solver = chosenSolver(o);
      const read = await readRatingsFile(file, readingOptions(o, solver.data));
      const { skipped, firstSkipped } = read;
      const ratings = asData(read.ratings, solver.data);
      if (skipped) process.stderr.write(`mfwasm: skipped ${skipped} malformed line${skipped > 1 ? 's' : ''} (first: line ${firstSkipped!.line}: ${JSON.stringify(firstSkipped!.text.slice(0, 60))})\n`);
      const fraction = o['test-fraction'] as number;
      if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`--test-fraction: expected a number from 0 to below 1, got ${fraction}`);
      let { train, test } = fraction > 0 ? trainTestSplit(ratings, { testFraction: fraction, seed: o.seed as number, keepEveryRow: true }) : { train: ratings, test: undefined };
      if (test && test.values.length === 0) {
        // Too few ratings to hold any out (each row keeps one): train on all of them, and say so.
        process.stderr.write(`mfwasm: ${ratings.values.length} ratings are too few to hold out a test set; training on all of them\n`);
        [train, test] = [ratings, undefined];
      }
      const options = { ...trainingOptions(o), precision: o.float32 ? 'float32' as const : 'float64' as const };
      const epochs = options.epochs ?? DEFAULTS[solver.name].epochs;
      const bar = progress(epochs, o.quiet as boolean);
      const started = performance.now();
      const validation = test && { rowIndices: test.rowIndices, colIndices: test.colIndices, values: test.values };
      // A signal makes training yield to the event loop every 20 ms, so that Ctrl-C is handled at once.
      const yielding = new AbortController().signal;
      const model = await factorize(train, { ...options, ...(validation ? { validation, restoreBest: false } : {}), signal: yielding, onEpoch: (r) => bar.report(r) });
      const seconds = (performance.now() - started) / 1000;
      await writeAtomically(o.out as string, model.toBytes({ precision: o.float32 ? 'float32' : 'float64' }));
      say(o.quiet, `${ratings.values.length} ${unit(solver.data)}, ${ratings.rows} rows × ${ratings.cols} columns; ${model.epochs} epochs of ${model.solver} in ${seconds.toFixed(2)} s`);
      if (solver.data === 'events') {
        const held = test && score(model, test, ['precision@10', 'ndcg@10', 'auc']);
        say(o.quiet, held ? `test precision@10 ${held['precision@10'].toFixed(4)}, nDCG@10 ${held['ndcg@10'].toFixed(4)}, AUC ${held.auc.toFixed(3)} on ${test!.values.length} held-out events` : 'no test set');
      } else {
        say(o.quiet, `train RMSE ${rmse(model, train).toFixed(4)}` + (test ? `, test RMSE ${rmse(model, test).toFixed(4)} (MAE ${mae(model, test).toFixed(4)}) on ${test.values.length} held out` : ''));
      }
      say(o.quiet, `wrote ${o.out}`);
    },
  },
  predict: {
    usage: 'mfwasm predict <model> <pairs>',
    description: 'Prints user,item,prediction for every user,item pair of a file (ids as in the training file).',
    specs: [...OUTPUT],
    async run({ positional: [modelFile, pairsFile] }) {
      if (!modelFile || !pairsFile) throw new UsageError('predict: expected a model file and a pairs file');
      const model = await loadModel(modelFile);
      const lines = (await readFile(pairsFile, 'utf8')).split(/\r?\n/);
      const out: string[] = [];
      lines.forEach((line, n) => {
        const fields = line.trim().split(/[,\t;]|\s+/);
        const known = (field: string) => (model.rowIds ? model.rowIds.some((id) => String(id) === field) : /^\d+$/.test(field));
        if (line.trim() === '' || (n === 0 && !known(fields[0]))) return; // blank, or a header line
        if (fields.length < 2) throw new RangeError(`${pairsFile}: line ${n + 1}: expected a user and an item, got ${JSON.stringify(line.slice(0, 80))}`);
        try {
          out.push(`${fields[0]},${fields[1]},${formatScore(model.predict(key(model, fields[0], 'row'), key(model, fields[1], 'col')))}`);
        } catch (error) {
          throw new RangeError(`${pairsFile}: line ${n + 1}: ${(error as Error).message}`);
        }
      });
      process.stdout.write(out.join('\n') + '\n');
    },
  },
  recommend: {
    usage: 'mfwasm recommend <model> --user <id> [-n 10]',
    description: 'Prints the top items for a user that the user did not rate in training: item,score.',
    specs: [
      { name: 'user', short: 'u', type: 'string', help: 'the user\'s id, as in the training file' },
      { name: 'n', short: 'n', type: 'integer', help: 'how many', default: 10 },
      ...OUTPUT,
    ],
    async run({ positional: [modelFile], options: o }) {
      if (!modelFile) throw new UsageError('recommend: which model file?');
      if (o.user === undefined) throw new UsageError('recommend: --user is required');
      const model = await loadModel(modelFile);
      const top = model.recommend(key(model, o.user as string, 'row'), o.n as number);
      process.stdout.write(top.map((r) => `${r.col},${formatScore(r.score)}`).join('\n') + '\n');
    },
  },
  eval: {
    usage: 'mfwasm eval <ratings> [--folds 5] [options]',
    description: 'Cross-validates the training options on a ratings file: RMSE and MAE per fold and their mean.',
    specs: [
      ...TRAINING, { name: 'folds', type: 'integer', help: 'number of folds', default: 5 },
      { name: 'metrics', type: 'string', help: `comma-separated: rmse, mae, precision@k, recall@k, map@k, ndcg@k, coverage@k, auc (default: the solver's: ${SOLVER_LIST.map((name) => `${name} ${solvers[name].metrics.join(',')}`).join('; ')})` },
      ...READING, ...OUTPUT,
    ],
    async run({ positional: [file], options: o }) {
      if (!file) throw new UsageError('eval: which ratings file?');
      const { data } = chosenSolver(o);
      const ratings = asData((await readRatingsFile(file, readingOptions(o, data))).ratings, data);
      const metrics = o.metrics === undefined ? undefined : String(o.metrics).split(',').map((m) => m.trim().toLowerCase());
      const result = await crossValidate(ratings, trainingOptions(o), { folds: o.folds as number, seed: o.seed as number, ...(metrics ? { metrics } : {}) });
      const names = Object.keys(result.mean);
      const label = (name: string) => (name === 'rmse' || name === 'mae' ? name.toUpperCase() : name);
      const width = (name: string) => Math.max(label(name).length, 6);
      const line = (first: string, cells: string[]) => `${first}  ${cells.join('  ')}`.trimEnd();
      const lines = [
        line('fold', names.map((n) => label(n).padEnd(width(n)))),
        ...result.folds.map((f, i) => line(String(i + 1).padStart(4), names.map((n) => f[n].toFixed(4).padStart(width(n))))),
        line('mean', names.map((n) => result.mean[n].toFixed(4).padStart(width(n)))),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    },
  },
  tune: {
    usage: "mfwasm tune <ratings> --grid 'rank=20,50 regularization=0.02..0.2:log:4' [options]",
    description: 'Searches settings by k-fold cross-validation (every epoch scored, successive halving over folds), prints\nthe table as trials end, and writes a model refitted on the whole file with the best settings.',
    specs: [
      ...TRAINING,
      { name: 'grid', type: 'string', help: "the settings to try: name=v1,v2 or name=low..high[:log]:count, space-separated" },
      { name: 'folds', type: 'integer', help: 'number of folds', default: 5 },
      { name: 'halving', type: 'boolean', help: 'successive halving over folds (--no-halving: every trial on every fold)', default: true },
      { name: 'out', short: 'o', type: 'string', help: 'model file to write', default: 'model.mfm' },
      ...READING, ...OUTPUT,
    ],
    async run({ positional: [file], options: o }) {
      if (!file) throw new UsageError('tune: which ratings file?');
      if (o.grid === undefined) throw new UsageError("tune: --grid is required, e.g. --grid 'rank=20,50 regularization=0.05,0.1'");
      const grid = parseGrid(String(o.grid));
      const solver = chosenSolver(o);
      const ratings = asData((await readRatingsFile(file, readingOptions(o, solver.data))).ratings, solver.data);
      const base = trainingOptions(o);
      for (const name of Object.keys(grid)) delete (base as unknown as Record<string, unknown>)[name];
      if (o.epochs !== undefined) base.epochs = o.epochs as number;
      const started = performance.now();
      let done = 0;
      let best = Infinity;
      const label = solver.validationMetric === 'rmse' ? 'RMSE' : solver.validationMetric;
      say(o.quiet, `trial  ${label.padStart(12)}  ±std    folds  seconds  settings`);
      const result = await search(ratings, {
        base, grid, folds: o.folds as number, seed: o.seed as number, halving: o.halving as boolean,
        onTrial: (t) => {
          done++;
          const score = solver.higherIsBetter ? -t.mean : t.mean;
          if (!t.stopped && score < best) best = score;
          say(o.quiet, `${String(done).padStart(5)}  ${t.mean.toFixed(4).padStart(12)}  ${t.std.toFixed(4)}  ${`${t.folds.length}${t.stopped ? ' (stopped)' : ''}`.padEnd(13)}${t.seconds.toFixed(1).padStart(7)}  ${JSON.stringify(t.settings)}`);
        },
      });
      await writeAtomically(o.out as string, result.refit.toBytes());
      say(o.quiet, `best ${JSON.stringify(result.best)} (${result.metric}); ${result.saved.fits} fits, ${result.saved.skipped} skipped by halving (≈ ${result.saved.seconds.toFixed(1)} s saved); ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
      say(o.quiet, `wrote ${o.out} (refitted on all ${ratings.values.length} ${unit(solver.data)})`);
    },
  },
  update: {
    usage: 'mfwasm update <model> <new ratings> [--epochs 1] [--out model2.mfm]',
    description: 'Absorbs new ratings (or events) into a model without training from scratch: its own training data plus the\nnew lines, warm-started from its factors, with its solver and penalties. New users and items are added.',
    specs: [
      { name: 'epochs', type: 'integer', help: 'epochs over old + new data', default: 1 },
      { name: 'out', short: 'o', type: 'string', help: 'model file to write (default: the model file itself)' },
      { name: 'float32', type: 'boolean', help: 'store the factors in float32 (half the size)', default: false },
      ...READING, ...OUTPUT,
    ],
    async run({ positional: [modelFile, file], options: o }) {
      if (!modelFile || !file) throw new UsageError('update: expected a model file and a file of new ratings');
      const model = await loadModel(modelFile);
      const data = model.solver === 'imported' ? 'ratings' : solvers[model.solver].data;
      const ratings = asData((await readRatingsFile(file, readingOptions(o, data))).ratings, data);
      const started = performance.now();
      const updated = await model.update(ratings, { epochs: o.epochs as number });
      const out = (o.out as string | undefined) ?? modelFile;
      await writeAtomically(out, updated.toBytes({ precision: o.float32 ? 'float32' : 'float64' }));
      say(o.quiet, `${ratings.values.length} new ${unit(data)}; ${updated.W.rows - model.W.rows} new rows, ${updated.H.cols - model.H.cols} new columns; ${updated.epochs} epoch${updated.epochs === 1 ? '' : 's'} of ${updated.solver} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      say(o.quiet, `wrote ${out}`);
    },
  },
  impute: {
    usage: 'mfwasm impute <matrix.csv> [--rank 3] [--out filled.csv]',
    description: 'Fills the missing cells (empty, NaN or NA) of a dense CSV matrix from a low-rank fit: the seed\'s own use.\nObserved cells are kept exactly; the result goes to --out or standard output.',
    specs: [
      { ...TRAINING[0], default: 3 }, ...TRAINING.slice(1),
      { name: 'out', short: 'o', type: 'string', help: 'file to write (default: standard output)' }, ...OUTPUT,
    ],
    async run({ positional: [file], options: o }) {
      if (!file) throw new UsageError('impute: which matrix file?');
      const X = await readDenseCsv(file);
      if (chosenSolver(o).data !== 'ratings') throw new UsageError(`impute: fills in values, so it needs a solver for ratings; got ${o.solver}`);
      const model = await factorize(X, { ...trainingOptions(o), clip: false } as FactorizeOptions);
      const { rows, cols, data } = model.impute(X);
      const text = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)).join(',')).join('\n') + '\n';
      if (o.out) await writeAtomically(o.out as string, text);
      else process.stdout.write(text);
    },
  },
};

/** Predictions and scores, printed one way everywhere: four decimals. */
const formatScore = (x: number) => x.toFixed(4);

/** A row or column as the model names it: ids as written in the file, or 0-based indices. */
function key(model: Factorization, text: string, side: 'row' | 'col') {
  const ids = side === 'row' ? model.rowIds : model.colIds;
  return ids ? text : Number(text);
}

async function loadModel(path: string): Promise<Factorization> {
  const bytes = await readFile(path);
  try {
    return Factorization.fromBytes(bytes);
  } catch (error) {
    throw new RangeError(`${path}: ${(error as Error).message.replace(/^fromBytes: /, '')}`);
  }
}

const TOP = `mfwasm ${VERSION} — matrix factorization for ratings and missing data

usage: mfwasm <command> [options]    (mfwasm <command> --help for its options)

commands:
  fit        train on a ratings file and write a model file
  predict    predictions for user,item pairs
  recommend  top items for a user
  eval       cross-validated RMSE and MAE (or ranking metrics)
  tune       search settings by cross-validation, write the best model
  update     absorb new ratings into a model without retraining from scratch
  impute     fill the missing cells of a dense CSV matrix
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(TOP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; expected one of ${Object.keys(COMMANDS).join(', ')}`);
  const parsed = parseArgs(rest, command.specs);
  if (parsed.options.help) {
    process.stdout.write(help(command.usage, command.description, command.specs));
    return 0;
  }
  await command.run(parsed);
  return 0;
}

// A closed pipe (`mfwasm predict … | head`) ends the command quietly.
process.stdout.on('error', (error: Error & { code?: string }) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error & { code?: string; path?: string }) => {
    // User errors get one line; a stack trace only with MFWASM_DEBUG set.
    const message =
      error.code === 'ENOENT' ? `no such file: ${error.path}` : error.code === 'EACCES' ? `permission denied: ${error.path}` : error.code === 'EISDIR' ? `${error.path}: is a folder, not a file` : error.message;
    process.stderr.write(`mfwasm: ${message}${error instanceof UsageError ? '\n(mfwasm --help for usage)' : ''}\n`);
    if (process.env.MFWASM_DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
