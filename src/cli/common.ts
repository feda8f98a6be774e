// What the commands share: the option specs of reading and training (the solver's flags from the registry),
// turning parsed flags into the library's options, progress lines, and loading a model file.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  DEFAULTS, Factorization, RECOMMENDED_SOLVER, solvers, sumDuplicates, type FactorizeOptions, type Ratings, type Solver, type SolverInfo,
} from '../index.js';
import { UsageError, type OptionSpec, type Parsed } from './args.js';
import { readRatingsFile } from './files.js';

/** A command: its usage line, description, options and what it does. */
export interface Command {
  usage: string;
  /** The arguments it takes besides options (files, a kind): more is a usage error, not ignored. */
  operands: number;
  description: string;
  specs: OptionSpec[];
  run(parsed: Parsed): Promise<void>;
}

export const READING: OptionSpec[] = [
  { name: 'delimiter', type: 'string', help: 'column separator (default: detected: tab, "::", comma, ";" or spaces)' },
  { name: 'header', type: 'boolean', help: 'the first line names the columns (default: detected)' },
  { name: 'columns', type: 'string', help: 'user,item,rating columns, by name or 0-based position', default: '0,1,2' },
  { name: 'skip-bad-lines', type: 'boolean', help: 'count and report malformed lines instead of stopping', default: false },
];
/**
 * Where the command line's defaults differ from the library's (DEFAULTS), and why: rating files are what it
 * reads, and for them the recommended solver (RECOMMENDED_SOLVER: ALS) with biases at rank 40 is the setting
 * that works without tuning; the library's own defaults (gd, no biases) are the seed notebook's, made for
 * small dense matrices.
 */
export const CLI_DEFAULTS = { rank: 40, biases: true };
export const SOLVER_LIST = Object.keys(solvers) as Solver[];
const perSolver = (value: (name: Solver) => number | boolean | undefined) =>
  SOLVER_LIST.filter((name) => value(name) !== undefined).map((name) => `${name} ${value(name)}`).join(', ');
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every solver's own options, once each by name (a flag each), with the solvers that take it. */
const OWN_OPTIONS = new Map<string, { type: 'number' | 'integer' | 'boolean'; help: string; owners: Solver[] }>();
for (const name of SOLVER_LIST) {
  for (const [option, { type, help }] of Object.entries(solvers[name].options)) {
    const known = OWN_OPTIONS.get(option);
    if (known) known.owners.push(name);
    else OWN_OPTIONS.set(option, { type, help, owners: [name] });
  }
}
const ownFlags: OptionSpec[] = [...OWN_OPTIONS].map(([option, { type, help, owners }]) => ({
  name: kebab(option), type,
  help: `${owners.join(' and ')}: ${help} (default: ${perSolver((name) => solvers[name].options[option]?.default as number | boolean | undefined)})`,
  negatable: owners.some((name) => solvers[name].options[option]?.default === true),
}));

export const TRAINING: OptionSpec[] = [
  { name: 'rank', short: 'k', type: 'integer', help: 'latent factors', default: CLI_DEFAULTS.rank },
  {
    name: 'solver', type: 'string',
    help: `${SOLVER_LIST.join(', ')} (default: ${RECOMMENDED_SOLVER.ratings}, or ${RECOMMENDED_SOLVER.events} with --implicit; the library's default is ${DEFAULTS.solver}, for small dense matrices)`,
  },
  { name: 'epochs', type: 'integer', help: `passes over the data (default: the solver's: ${perSolver((name) => DEFAULTS[name].epochs)})` },
  { name: 'regularization', type: 'number', help: `L2 penalty per observation (default: the solver's: ${perSolver((name) => DEFAULTS[name].regularization)})` },
  ...ownFlags,
  { name: 'biases', type: 'boolean', help: `fit global mean and row and column biases (off in the library; solvers ${takers('biases')})`, default: CLI_DEFAULTS.biases },
  { name: 'implicit', type: 'boolean', help: `events, not ratings: user,item[,count] lines (repeats summed), solver ${RECOMMENDED_SOLVER.events} unless --solver names another for events, ranking metrics`, default: false },
  { name: 'nonnegative', type: 'boolean', help: `keep the factors ≥ 0 (solvers ${takers('nonnegative')})`, default: false },
  { name: 'backend', type: 'string', help: 'wasm or js', default: DEFAULTS.backend },
  { name: 'threads', type: 'integer', help: 'threads of the wasm backend, same result whatever the count (default: every core for problems large enough to gain)' },
  { name: 'seed', type: 'integer', help: 'seed of the initial factors and of splits', default: DEFAULTS.seed },
];

export function takers(option: 'biases' | 'nonnegative'): string {
  return SOLVER_LIST.filter((name) => solvers[name].takes.includes(option)).join(', ');
}

/** The solver a command line asks for: --solver, or the recommended one for its kind of data. */
export function chosenSolver(o: Parsed['options']): SolverInfo {
  // Solver names are lower case; --solver ALS means als.
  const given = (o.solver as string | undefined)?.toLowerCase();
  if (given !== undefined && !(SOLVER_LIST as string[]).includes(given)) {
    throw new UsageError(`--solver: expected one of ${SOLVER_LIST.join(', ')}, got ${JSON.stringify(o.solver)}`);
  }
  const solver = solvers[(given as Solver | undefined) ?? RECOMMENDED_SOLVER[o.implicit ? 'events' : 'ratings']];
  if (o.implicit && solver.data !== 'events') {
    const forEvents = SOLVER_LIST.filter((name) => solvers[name].data === 'events').join(', ');
    throw new UsageError(`--implicit: solver ${solver.name} takes ratings, not events; leave out --solver, or name one for events (${forEvents})`);
  }
  return solver;
}
/** --force: what lets a command replace a file --out names. */
export const FORCE: OptionSpec = { name: 'force', short: 'f', type: 'boolean', help: 'replace the --out file if it exists', default: false };

/** Refuses, before any work, to replace an existing --out file without --force. */
export function checkOut(o: Parsed['options']): void {
  // A device or special file is refused by the writer itself, with its own reason.
  if (typeof o.out === 'string' && !o.force && existsSync(o.out) && statSync(o.out).isFile()) {
    throw new UsageError(`--out: ${o.out} exists; --force replaces it, or name another file`);
  }
}

export const OUTPUT: OptionSpec[] = [
  { name: 'quiet', short: 'q', type: 'boolean', help: 'print nothing but errors', default: false },
  { name: 'help', short: 'h', type: 'boolean', help: 'show this help', default: false },
];

/** How a file is read: as events (repeats summed into counts) when the solver takes events. */
export function readingOptions(o: Parsed['options'], data: SolverInfo['data'] = chosenSolver(o).data) {
  const columns = String(o.columns).split(',').map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  const allowed = data === 'events' ? 'user,item or user,item,count' : 'user,item,rating';
  if (columns.length !== 3 && !(data === 'events' && columns.length === 2)) {
    throw new UsageError(`--columns: expected ${allowed} (names or 0-based positions), got ${JSON.stringify(o.columns)}`);
  }
  return {
    delimiter: o.delimiter as string | undefined,
    header: o.header as boolean | undefined,
    columns: columns as [number | string, number | string, number | string] | [number | string, number | string],
    skipBadLines: o['skip-bad-lines'] as boolean,
    events: data === 'events',
  };
}

export function trainingOptions(o: Parsed['options']): FactorizeOptions {
  const solver = chosenSolver(o);
  // A model of biases alone ('baseline') has no rank to give.
  const options: Record<string, unknown> = { solver: solver.name, ...(solver.factors ? { rank: o.rank } : {}), backend: o.backend, seed: o.seed };
  if (o.threads !== undefined) options.threads = o.threads;
  if (o.epochs !== undefined) options.epochs = o.epochs;
  if (o.regularization !== undefined) options.regularization = o.regularization;
  // --biases (on by default here) and --nonnegative go to the solvers that take them; for events there is no
  // bias to fit and no bound, and only an explicit --nonnegative is an error.
  for (const shared of ['biases', 'nonnegative'] as const) if (solver.takes.includes(shared)) options[shared] = o[shared];
  if (o.nonnegative && !solver.takes.includes('nonnegative')) throw new UsageError(`--nonnegative: not for solver ${solver.name}; solvers ${takers('nonnegative')} take it`);
  for (const [option, { owners }] of OWN_OPTIONS) {
    const value = o[kebab(option)];
    if (value === undefined) continue;
    if (!owners.includes(solver.name)) throw new UsageError(`--${kebab(option)}: only for solver ${owners.join(' or ')}, got solver ${solver.name}`);
    options[option] = value;
  }
  return options as unknown as FactorizeOptions;
}

/** The largest value a ratings or events column holds: past it, the column named is not one (a timestamp, an id). */
const LARGEST_VALUE = 1e6;

/**
 * A file's ratings as the solver takes them — an event log has a line per play or click, so repeats become
 * counts — with a report of the malformed lines skipped. A value column holding values past ±1e6 is refused:
 * ratings and counts are not that large, a timestamp or an id column is.
 */
export async function readData(file: string, o: Parsed['options'], data: SolverInfo['data']): Promise<Ratings> {
  const { ratings, skipped, firstSkipped } = await readRatingsFile(file, readingOptions(o, data));
  if (skipped) process.stderr.write(`mfwasm: skipped ${skipped} malformed line${skipped > 1 ? 's' : ''} (first: line ${firstSkipped!.line}: ${JSON.stringify(firstSkipped!.text.slice(0, 60))})\n`);
  const { values } = ratings;
  for (let t = 0; t < values.length; t++) {
    if (Math.abs(values[t]) > LARGEST_VALUE) {
      throw new UsageError(
        `--columns: the value column holds ${values[t]} (observation ${t + 1}), not a ${data === 'events' ? 'count' : 'rating'} (they stay within ±${LARGEST_VALUE}); ` +
          `name the ${data === 'events' ? 'count' : 'rating'} column with --columns (now ${o.columns})`,
      );
    }
  }
  return data === 'events' ? sumDuplicates(ratings) : ratings;
}

/** What a file's lines are called in summaries. */
export const unit = (data: SolverInfo['data']) => (data === 'events' ? 'pairs' : 'ratings');

/** Epoch, loss, validation RMSE and ETA: redrawn in place on a terminal, a line a second otherwise. */
export function progress(total: number, quiet: boolean) {
  const started = performance.now();
  let lastLine = 0;
  const tty = Boolean(process.stderr.isTTY);
  return {
    report({ epoch, loss, validationRmse, validationPrecision }: { epoch: number; loss: number; validationRmse: number | undefined; validationPrecision?: number }) {
      if (quiet) return;
      const done = epoch + 1;
      const elapsed = (performance.now() - started) / 1000;
      const eta = (elapsed / done) * (total - done);
      const text = `epoch ${done}/${total}  loss ${loss.toPrecision(5)}` +
        (validationRmse === undefined ? '' : `  test RMSE ${validationRmse.toFixed(4)}`) +
        (validationPrecision === undefined ? '' : `  test precision@10 ${validationPrecision.toFixed(4)}`) + `  ETA ${eta.toFixed(1)} s`;
      if (tty) {
        const width = 20;
        const filled = Math.round((done / total) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${text}\x1b[K`);
        if (done === total) process.stderr.write('\n');
      } else if (performance.now() - lastLine >= 1000 || done === total) {
        lastLine = performance.now();
        process.stderr.write(`${text}\n`);
      }
    },
    end() {
      if (tty && !quiet) process.stderr.write('\n');
    },
  };
}

export const say = (quiet: unknown, text: string) => quiet || process.stdout.write(text + '\n');

/** Predictions and scores, printed one way everywhere: four decimals. */
export const formatScore = (x: number) => x.toFixed(4);

/** A row or column as the model names it: ids as written in the file, or 0-based indices. */
export function key(model: Factorization, text: string, side: 'row' | 'col') {
  const ids = side === 'row' ? model.rowIds : model.colIds;
  return ids ? text : Number(text);
}

export async function loadModel(path: string): Promise<Factorization> {
  const bytes = await readFile(path);
  try {
    return Factorization.fromBytes(bytes);
  } catch (error) {
    throw new RangeError(`${path}: ${(error as Error).message.replace(/^fromBytes: /, '')}`);
  }
}
