// mfwasm predict: predictions for user,item pairs of a file.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../args.js';
import { formatScore, key, loadModel, OUTPUT, type Command } from '../common.js';

export const predict: Command = {
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
};
