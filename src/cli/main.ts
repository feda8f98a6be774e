#!/usr/bin/env node
// mfwasm fit | predict | recommend | eval | tune | update | impute | import — on top of the public API only: this file
// dispatches; each command is a module of commands/, what they share is common.ts.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setCollector } from '../runtime/collect.js';
import { help, parseArgs, UsageError, type OptionSpec } from './args.js';
import type { Command } from './common.js';
import { evaluate } from './commands/eval.js';
import { fit } from './commands/fit.js';
import { impute } from './commands/impute.js';
import { importModel } from './commands/import.js';
import { predict } from './commands/predict.js';
import { recommend } from './commands/recommend.js';
import { tune } from './commands/tune.js';
import { update } from './commands/update.js';

// V8 doubles its young generation whenever many objects outlive a collection (reading 10^5 ids does), up to two
// 16 MiB halves, and keeps it so while the kernels train: they allocate nothing, so nothing collects. A factor of 1
// keeps it at its first size: ~25 MiB off a 10M-rating fit's peak, at no measurable cost in time. It can only be set
// here, once V8 runs (on node's command line V8 raises it to its minimum, 2); an engine that ignores it costs that
// memory and nothing else.
setFlagsFromString('--semi-space-growth-factor=1');
// A fit collects once where its run has taken over the training values (src/runtime/collect.ts): the array they
// were read into would otherwise stay beside the run for the whole fit. V8 gives its gc() to contexts made after
// the flag is set.
setFlagsFromString('--expose-gc');
// Called plainly: it then collects everything and frees array buffers' memory before it returns (with an options
// object it did not free them at once).
const gc = runInNewContext('gc') as () => void;
setCollector(gc);

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const COMMANDS: Record<string, Command> = { fit, predict, recommend, eval: evaluate, tune, update, impute, import: importModel };

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
  import     a model trained by implicit (.npz) or LIBMF, as a model file
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
  if (parsed.positional.length > command.operands) {
    const extra = parsed.positional.slice(command.operands).map((operand) => JSON.stringify(operand)).join(', ');
    throw new UsageError(`${name}: expected ${command.operands === 1 ? 'one argument' : `${command.operands} arguments`} besides options (${command.usage}), got ${extra} too`);
  }
  try {
    await command.run(parsed);
  } catch (error) {
    if (error instanceof Error) error.message = asFlags(error.message, command.specs);
    throw error;
  }
  return 0;
}

/** A library's message about `options.learningRate` and the like, named as the command's flag (--learning-rate) where it has one. */
function asFlags(message: string, specs: readonly OptionSpec[]): string {
  return message.replace(/\boptions\.([a-zA-Z]+)\b/g, (whole, name: string) => {
    const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    return specs.some((spec) => spec.name === flag) ? `--${flag}` : whole;
  });
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
