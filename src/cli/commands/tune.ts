// mfwasm tune: search settings by cross-validation and write the best model.
import { parseGrid, search } from '../../index.js';
import { UsageError } from '../args.js';
import { checkOut, FORCE, chosenSolver, OUTPUT, READING, readData, readingOptions, say, trainingOptions, TRAINING, unit, type Command } from '../common.js';
import { writeModel } from '../files.js';

export const tune: Command = {
  usage: "mfwasm tune <ratings> --grid 'rank=20,50 regularization=0.02..0.2:log:4' [options]",
  operands: 1,
  description: 'Searches settings by k-fold cross-validation (every epoch scored, successive halving over folds), prints\nthe table as trials end, and writes a model refitted on the whole file with the best settings.',
  specs: [
    ...TRAINING,
    { name: 'grid', type: 'string', help: "the settings to try: name=v1,v2 or name=low..high[:log]:count, space-separated" },
    { name: 'folds', type: 'integer', help: 'number of folds', default: 5 },
    { name: 'halving', type: 'boolean', help: 'successive halving over folds (--no-halving: every trial on every fold)', default: true },
    { name: 'out', short: 'o', type: 'string', help: 'model file to write', default: 'model.mfm' }, FORCE,
    ...READING, ...OUTPUT,
  ],
  async run({ positional: [file], options: o }) {
    if (!file) throw new UsageError('tune: which ratings file?');
    if (o.grid === undefined) throw new UsageError("tune: --grid is required, e.g. --grid 'rank=20,50 regularization=0.05,0.1'");
    const grid = parseGrid(String(o.grid));
    const solver = chosenSolver(o);
    const base = trainingOptions(o);
    readingOptions(o, solver.data);
    const ratings = await readData(file, o, solver.data);
    checkOut(o);
    for (const name of Object.keys(grid)) delete (base as unknown as Record<string, unknown>)[name];
    if (o.epochs !== undefined) base.epochs = o.epochs as number;
    const started = performance.now();
    let done = 0;
    let best = Infinity;
    const label = solver.validationMetric === 'rmse' ? 'RMSE' : solver.validationMetric;
    // One width per column, header and rows alike.
    const row = (trial: string, score: string, std: string, folds: string, seconds: string, settings: string) =>
      `${trial.padStart(5)}  ${score.padStart(12)}  ${std.padStart(6)}  ${folds.padEnd(13)}  ${seconds.padStart(7)}  ${settings}`;
    const result = await search(ratings, {
      base, grid, folds: o.folds as number, seed: o.seed as number, halving: o.halving as boolean,
      onTrial: (t) => {
        // The header with the first trial: a grid search rejects (its settings checked) before any.
        if (done === 0) say(o.quiet, row('trial', label, '±std', 'folds', 'seconds', 'settings'));
        done++;
        const score = solver.higherIsBetter ? -t.mean : t.mean;
        if (!t.stopped && score < best) best = score;
        say(o.quiet, row(String(done), t.mean.toFixed(4), t.std.toFixed(4), `${t.folds.length}${t.stopped ? ' (stopped)' : ''}`, t.seconds.toFixed(1), JSON.stringify(t.settings)));
      },
    });
    await writeModel(o.out as string, result.refit);
    say(o.quiet, `best ${JSON.stringify(result.best)} (${result.metric}); ${result.saved.fits} fits, ${result.saved.skipped} skipped by halving (≈ ${result.saved.seconds.toFixed(1)} s saved); ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
    say(o.quiet, `wrote ${o.out} (refitted on all ${ratings.values.length} ${unit(solver.data)})`);
  },
};
