// mfwasm recommend: the top items for a user.
import { UsageError } from '../args.js';
import { formatScore, key, loadModel, OUTPUT, type Command } from '../common.js';
import { readTitles } from '../files.js';

export const recommend: Command = {
  usage: 'mfwasm recommend <model> --user <id> [-n 10]',
  operands: 1,
  description: 'Prints the top items for a user that the user did not rate in training: a header item,score, then a line each.',
  specs: [
    { name: 'user', short: 'u', type: 'string', help: 'the user\'s id, as in the training file' },
    { name: 'n', short: 'n', type: 'integer', help: 'how many', default: 10 },
    { name: 'titles', type: 'string', help: 'a CSV of id,title (MovieLens movies.csv) whose titles are added as a third column' },
    ...OUTPUT,
  ],
  async run({ positional: [modelFile], options: o }) {
    if (!modelFile) throw new UsageError('recommend: which model file?');
    if (o.user === undefined) throw new UsageError('recommend: --user is required');
    const model = await loadModel(modelFile);
    const top = model.recommend(key(model, o.user as string, 'row'), o.n as number);
    const titles = o.titles === undefined ? undefined : await readTitles(o.titles as string);
    // A title holding a comma or a quote is quoted, as CSV writes it.
    const quoted = (text: string) => (/[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    const line = (item: string, score: string, title: string) => (titles ? `${item},${score},${title}` : `${item},${score}`);
    const rows = top.map((r) => line(String(r.col), formatScore(r.score), quoted(titles?.get(String(r.col)) ?? '')));
    process.stdout.write([line('item', 'score', 'title'), ...rows].join('\n') + '\n');
  },
};
