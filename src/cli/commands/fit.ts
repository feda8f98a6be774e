// mfwasm fit: train on a ratings (or events) file, report held-out metrics, write the model file.
import { DEFAULTS, factorize, score, trainTestSplit, type Ratings, type SolverInfo } from '../../index.js';
import { trainingRmse, type SparseData } from '../../evaluate/evaluate.js';
import { UsageError, type Parsed } from '../args.js';
import { checkOut, FORCE, chosenSolver, OUTPUT, progress, READING, readData, readingOptions, say, trainingOptions, TRAINING, unit, type Command } from '../common.js';
import { writeModel } from '../files.js';
import { handOver } from '../../input/observations.js';
import { collectGarbage } from '../../runtime/collect.js';
import { picked, positionsWhere } from '../../math/gather.js';

export const fit: Command = {
  usage: 'mfwasm fit <ratings> [options]',
  operands: 1,
  description: 'Trains a model on a ratings file (CSV, TSV, space-separated, MovieLens ratings.csv/u.data, MatrixMarket .mtx),\nholding out --test-fraction of it (or scoring a --test file) to report test metrics, and writes the model file.',
  specs: [
    ...TRAINING,
    { name: 'test-fraction', type: 'number', help: 'fraction held out for test RMSE; 0 to train on everything', default: 0.1 },
    { name: 'test', type: 'string', help: 'a file of held-out ratings (or events) to score instead: the whole ratings file is trained on;\npairs naming a user or item not in it are left out, counted' },
    { name: 'out', short: 'o', type: 'string', help: 'model file to write', default: 'model.mfm' }, FORCE,
    { name: 'float32', type: 'boolean', help: 'train in float32 (half the memory) and store the factors so (half the file)', default: false },
    ...READING, ...OUTPUT,
  ],
  async run({ positional: [file], options: o }) {
    if (!file) throw new UsageError('fit: which ratings file? (mfwasm fit ratings.csv)');
    const solver = chosenSolver(o);
    // Every flag is checked before the file is read, and the output file once the input is known good.
    trainingOptions(o);
    readingOptions(o, solver.data);
    const fraction = o['test-fraction'] as number;
    if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`--test-fraction: expected a number from 0 to below 1, got ${fraction}`);
    let { train, test, rows, cols, count }: Split = await readAndSplit(file, o, solver.data, fraction);
    // What reading and splitting let go (the file's arrays where a split copied them) collected before the fit lays
    // anything out: they are made in a function of their own, whose frame (and any temporary of it still naming the
    // file's arrays) is gone.
    collectGarbage();
    const options = { ...trainingOptions(o), precision: o.float32 ? 'float32' as const : 'float64' as const };
    const epochs = options.epochs ?? DEFAULTS[solver.name].epochs;
    const bar = progress(epochs, o.quiet as boolean);
    const started = performance.now();
    const validation = test && { rowIndices: test.rowIndices, colIndices: test.colIndices, values: test.values, rowIds: test.rowIds, colIds: test.colIds };
    // A signal makes training yield to the event loop every 20 ms, so that Ctrl-C is handled at once.
    const yielding = new AbortController().signal;
    // The training arrays are the command's own (read or split here): the fit may reorder and keep them.
    handOver(train!);
    const fitting = factorize(train!, { ...options, ...(validation ? { validation, restoreBest: false } : {}), signal: yielding, onEpoch: (r) => bar.report(r) });
    train = undefined;
    const model = await fitting;
    const seconds = (performance.now() - started) / 1000;
    // What the fit left behind (the layouts' scratch, the reader's) collected before the file's parts are made.
    collectGarbage();
    await writeModel(o.out as string, model, o.float32 ? 'float32' : 'float64');
    say(o.quiet, `${count} ${unit(solver.data)}, ${rows} rows × ${cols} columns; ${model.epochs} epochs of ${model.solver} in ${seconds.toFixed(2)} s`);
    if (solver.data === 'events') {
      const held = test && score(model, test, ['precision@10', 'ndcg@10', 'auc']);
      say(o.quiet, held ? `test precision@10 ${held['precision@10'].toFixed(4)}, nDCG@10 ${held['ndcg@10'].toFixed(4)}, AUC ${held.auc.toFixed(3)} on ${test!.values.length} held-out events` : 'no test set');
    } else {
      // Computed by the run where the solver can; else from the training values the model keeps (a fit always does).
      const held = test && score(model, test, ['rmse', 'mae']);
      say(o.quiet, `train RMSE ${(model.trainingRmse ?? trainingRmse(model)!).toFixed(4)}` + (held ? `, test RMSE ${held.rmse.toFixed(4)} (MAE ${held.mae.toFixed(4)}) on ${test!.values.length} held out` : ''));
    }
    say(o.quiet, `wrote ${o.out}`);
  },
};

interface Split {
  train: SparseData | undefined;
  test: SparseData | undefined;
  rows: number;
  cols: number;
  /** The ratings the file holds. */
  count: number;
}

/**
 * The file read and split into training and test sets (--test's file, --test-fraction, or none); the output file
 * checked once the input is known good.
 */
async function readAndSplit(file: string, o: Parsed['options'], data: SolverInfo['data'], fraction: number): Promise<Split> {
  const ratings: Ratings = await readData(file, o, data);
  const { rows, cols, values: { length: count } } = ratings;
  let { train, test }: { train: SparseData; test: SparseData | undefined } = o.test !== undefined
    ? { train: ratings, test: knownPairs(await readData(o.test as string, o, data), ratings, o.test as string) }
    : fraction > 0 ? trainTestSplit(ratings, { testFraction: fraction, seed: o.seed as number, keepEveryRow: true }) : { train: ratings, test: undefined };
  checkOut(o);
  if (test && test.values.length === 0) {
    // Too few ratings to hold any out (each row keeps one): train on all of them, and say so.
    process.stderr.write(`mfwasm: ${count} ratings are too few to hold out a test set; training on all of them\n`);
    [train, test] = [ratings, undefined];
  }
  return { train, test, rows, cols, count };
}

/**
 * The held-out pairs of a --test file whose user and item the training file has, as ratings over its own ids;
 * the others are left out and counted on standard error (a model has nothing to say of them but the mean).
 */
function knownPairs(held: Ratings, train: Ratings, path: string): Ratings {
  const rows = new Set(train.rowIds.map(String));
  const cols = new Set(train.colIds.map(String));
  const keep = positionsWhere(held.values.length, (t) => rows.has(String(held.rowIds[held.rowIndices[t]])) && cols.has(String(held.colIds[held.colIndices[t]])));
  const left = held.values.length - keep.length;
  if (left) process.stderr.write(`mfwasm: ${path}: ${left} of ${held.values.length} held-out pairs name a user or item not in the training file: left out\n`);
  if (keep.length === 0) throw new UsageError(`--test: ${path}: no held-out pair names a user and an item of the training file`);
  return {
    ...held, rowIndices: picked(Int32Array, held.rowIndices, keep), colIndices: picked(Int32Array, held.colIndices, keep),
    values: picked(Float64Array, held.values, keep),
  };
}
