// mfwasm impute: fill the missing cells of a dense CSV matrix.
import { factorize, type FactorizeOptions } from '../../index.js';
import { UsageError } from '../args.js';
import { checkOut, FORCE, chosenSolver, OUTPUT, trainingOptions, TRAINING, type Command } from '../common.js';
import { readDenseCsv, writeAtomically } from '../files.js';

export const impute: Command = {
  usage: 'mfwasm impute <matrix.csv> [--rank 3] [--out filled.csv]',
  operands: 1,
  description: 'Fills the missing cells (empty, NaN or NA) of a dense CSV matrix from a low-rank fit: the seed\'s own use.\nObserved cells are kept exactly; the result goes to --out or standard output.',
  specs: [
    { ...TRAINING[0], default: 3 }, ...TRAINING.slice(1),
    { name: 'header', type: 'boolean', help: 'the first line names the columns (written back as it is)', default: false },
    { name: 'out', short: 'o', type: 'string', help: 'file to write (default: standard output)' }, FORCE, ...OUTPUT,
  ],
  async run({ positional: [file], options: o }) {
    if (!file) throw new UsageError('impute: which matrix file?');
    if (chosenSolver(o).data !== 'ratings') throw new UsageError(`impute: fills in values, so it needs a solver for ratings; got ${o.solver}`);
    const options = { ...trainingOptions(o), clip: false } as FactorizeOptions;
    const { header, rows: X } = await readDenseCsv(file, o.header as boolean);
    checkOut(o);
    const model = await factorize(X, options);
    const { rows, cols, data } = model.impute(X);
    const lines = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)).join(','));
    const text = (header === undefined ? lines : [header, ...lines]).join('\n') + '\n';
    if (o.out) await writeAtomically(o.out as string, text);
    else process.stdout.write(text);
  },
};
