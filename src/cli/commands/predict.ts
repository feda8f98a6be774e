// mfwasm predict: predictions for user,item pairs of a file.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../args.js';
import { formatScore, key, loadModel, OUTPUT, type Command } from '../common.js';

const COLD_START = ['error', 'mean', 'skip'] as const;

export const predict: Command = {
  usage: 'mfwasm predict <model> <pairs> [--cold-start error|mean|skip]',
  operands: 2,
  description: 'Prints user,item,prediction (a header, then a line per pair) for every user,item pair of a file (ids as in the\ntraining file).',
  specs: [
    { name: 'cold-start', type: 'string', help: 'a pair naming an id the model does not know: error stops there, mean predicts it as the model predicts\nan unseen row or column, skip leaves it out (each counted on standard error)', default: 'error' },
    ...OUTPUT,
  ],
  async run({ positional: [modelFile, pairsFile], options: o }) {
    if (!modelFile || !pairsFile) throw new UsageError('predict: expected a model file and a pairs file');
    const coldStart = o['cold-start'] as (typeof COLD_START)[number];
    if (!COLD_START.includes(coldStart)) throw new UsageError(`--cold-start: expected one of ${COLD_START.join(', ')}, got ${JSON.stringify(coldStart)}`);
    const model = await loadModel(modelFile);
    const lines = (await readFile(pairsFile, 'utf8')).split(/\r?\n/);
    const out: string[] = ['user,item,prediction'];
    // The model's ids as written, once: a lookup per line, not a scan of every id.
    const idsOf = (ids: readonly unknown[] | null) => (ids ? new Set(ids.map(String)) : null);
    const known = { row: idsOf(model.rowIds), col: idsOf(model.colIds) };
    const knows = (field: string, side: 'row' | 'col') => {
      const count = side === 'row' ? model.rows : model.cols;
      return known[side] ? known[side]!.has(field) : /^\d+$/.test(field) && Number(field) < count;
    };
    let unknown = 0;
    lines.forEach((line, n) => {
      const fields = line.trim().split(/[,\t;]|\s+/);
      if (line.trim() === '' || (n === 0 && !knows(fields[0], 'row') && !/^\d+$/.test(fields[0]))) return; // blank, or a header line
      if (fields.length < 2) throw new RangeError(`${pairsFile}: line ${n + 1}: expected a user and an item, got ${JSON.stringify(line.slice(0, 80))}`);
      if (coldStart !== 'error' && (!knows(fields[0], 'row') || !knows(fields[1], 'col'))) {
        unknown++;
        if (coldStart === 'skip') return;
      }
      try {
        const prediction = model.predict(key(model, fields[0], 'row'), key(model, fields[1], 'col'), { coldStart: coldStart === 'mean' ? 'mean' : 'error' });
        out.push(`${fields[0]},${fields[1]},${formatScore(prediction)}`);
      } catch (error) {
        throw new RangeError(`${pairsFile}: line ${n + 1}: ${(error as Error).message} (--cold-start mean or skip goes on past it)`);
      }
    });
    process.stdout.write(out.join('\n') + '\n');
    if (unknown) process.stderr.write(`mfwasm: ${unknown} pair${unknown > 1 ? 's' : ''} named an id the model does not know: ${coldStart === 'skip' ? 'left out' : 'predicted as unseen'}\n`);
  },
};
