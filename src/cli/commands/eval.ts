// mfwasm eval: cross-validated metrics of the training options on a file.
import { crossValidate, solvers } from '../../index.js';
import { UsageError } from '../args.js';
import { chosenSolver, OUTPUT, READING, readData, SOLVER_LIST, trainingOptions, TRAINING, type Command } from '../common.js';

export const evaluate: Command = {
  usage: 'mfwasm eval <ratings> [--folds 5] [options]',
  operands: 1,
  description: 'Cross-validates the training options on a ratings file: RMSE and MAE per fold and their mean.',
  specs: [
    ...TRAINING, { name: 'folds', type: 'integer', help: 'number of folds', default: 5 },
    { name: 'metrics', type: 'string', help: `comma-separated: rmse, mae, precision@k, recall@k, map@k, ndcg@k, coverage@k, auc (default: the solver's: ${SOLVER_LIST.map((name) => `${name} ${solvers[name].metrics.join(',')}`).join('; ')})` },
    { name: 'relevant', type: 'number', help: 'ranking metrics count the held-out ratings ≥ this as relevant (e.g. 4; default: every held-out line)' },
    ...READING, ...OUTPUT,
  ],
  async run({ positional: [file], options: o }) {
    if (!file) throw new UsageError('eval: which ratings file?');
    const { data } = chosenSolver(o);
    const ratings = await readData(file, o, data);
    const metrics = o.metrics === undefined ? undefined : String(o.metrics).split(',').map((m) => m.trim().toLowerCase());
    const result = await crossValidate(ratings, trainingOptions(o), {
      folds: o.folds as number, seed: o.seed as number, ...(metrics ? { metrics } : {}), ...(o.relevant === undefined ? {} : { relevant: o.relevant as number }),
    });
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
};
