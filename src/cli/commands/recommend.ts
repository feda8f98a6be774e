// mfwasm recommend: the top items for a user.
import { UsageError } from '../args.js';
import { formatScore, key, loadModel, OUTPUT, type Command } from '../common.js';

export const recommend: Command = {
  usage: 'mfwasm recommend <model> --user <id> [-n 10]',
  description: 'Prints the top items for a user that the user did not rate in training: a header item,score, then a line each.',
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
    process.stdout.write(['item,score', ...top.map((r) => `${r.col},${formatScore(r.score)}`)].join('\n') + '\n');
  },
};
