// mfwasm update: absorb new ratings or events into a model without training from scratch.
import { resolve } from 'node:path';
import { solvers } from '../../index.js';
import { UsageError } from '../args.js';
import { checkOut, FORCE, loadModel, OUTPUT, READING, readData, say, unit, type Command } from '../common.js';
import { writeModel } from '../files.js';

export const update: Command = {
  usage: 'mfwasm update <model> <new ratings> [--epochs N] [--out model2.mfm]',
  operands: 2,
  description: 'Absorbs new ratings (or events) into a model without training from scratch: its own training data plus the\nnew lines, warm-started from its factors, with its solver and penalties. New users and items are added.',
  specs: [
    { name: 'epochs', type: 'integer', help: 'full epochs over old + new data (default: the library\'s — 0 after re-solving what the new lines touch for\nsolvers that can, 1 for the others)' },
    { name: 'out', short: 'o', type: 'string', help: 'model file to write (default: the model file itself)' },
    FORCE,
    { name: 'float32', type: 'boolean', help: 'store the factors in float32 (half the size)', default: false },
    ...READING, ...OUTPUT,
  ],
  async run({ positional: [modelFile, file], options: o }) {
    if (!modelFile || !file) throw new UsageError('update: expected a model file and a file of new ratings');
    // The model file itself is replaced by default; another file that exists, only with --force (as fit's --out).
    if (o.out !== undefined && resolve(String(o.out)) !== resolve(modelFile)) checkOut(o);
    const model = await loadModel(modelFile);
    const data = model.solver === 'imported' ? 'ratings' : solvers[model.solver].data;
    const ratings = await readData(file, o, data);
    const started = performance.now();
    const updated = await model.update(ratings, o.epochs === undefined ? {} : { epochs: o.epochs as number });
    const out = (o.out as string | undefined) ?? modelFile;
    await writeModel(out, updated, o.float32 ? 'float32' : 'float64');
    say(o.quiet, `${ratings.values.length} new ${unit(data)}; ${updated.rows - model.rows} new rows, ${updated.cols - model.cols} new columns; ${updated.epochs} epoch${updated.epochs === 1 ? '' : 's'} of ${updated.solver} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    say(o.quiet, `wrote ${out}`);
  },
};
