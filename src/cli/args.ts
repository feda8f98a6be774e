// Command-line options: every option declared once, with its type, default and help line, so that
// --help is generated from the same table that Node's own util.parseArgs reads.
import { parseArgs as parseWithNode } from 'node:util';

export interface OptionSpec {
  name: string;
  /** One-letter alias. */
  short?: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  default?: string | number | boolean;
  help: string;
  /** A switch with no default here that is on by default where it applies: help shows its --no- form. */
  negatable?: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Parsed = { positional: string[]; options: Record<string, string | number | boolean | undefined> };

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): Parsed {
  // util.parseArgs has no --no-<flag> before Node 22.4: each boolean gets its negation declared beside it.
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const spec of specs) {
    options[spec.name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) };
    if (spec.type === 'boolean') options[`no-${spec.name}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages name the option; drop its advice about '--' that does not apply here.
    const message = (error as Error).message;
    const ambiguous = /^Option '(.*?)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      // Only the long form takes `=<value>` (a short one would read "=-1" as its value).
      const flag = ambiguous[1].startsWith('--') ? ambiguous[1] : `--${specs.find((spec) => `-${spec.short}` === ambiguous[1])?.name}`;
      throw new UsageError(`${ambiguous[1]}: a value starting with '-' is written ${flag}=<value>`);
    }
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option '(.*?)'$/, 'unknown option $1'));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const result: Parsed['options'] = {};
  for (const spec of specs) {
    const given = values[spec.name];
    if (spec.type === 'boolean') {
      result[spec.name] = values[`no-${spec.name}`] ? false : given === undefined ? spec.default : Boolean(given);
    } else if (given === undefined) {
      result[spec.name] = spec.default;
    } else if (spec.type === 'string') {
      result[spec.name] = given as string;
    } else {
      const text = String(given);
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number) || (spec.type === 'integer' && !Number.isInteger(number))) {
        throw new UsageError(`--${spec.name}: expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
      }
      result[spec.name] = number;
    }
  }
  return { positional: parsed.positionals, options: result };
}

export function help(usage: string, description: string, specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : ''}--${s.type === 'boolean' && (s.default === true || s.negatable) ? '[no-]' : ''}${s.name}${s.type === 'boolean' ? '' : ` <${s.type === 'string' ? 'text' : s.type}>`}`;
    // A switch is off unless given, which needs no saying; one that is on says how to turn it off.
    const fallback = s.default === undefined || s.default === false ? '' : s.default === true ? ` (on; --no-${s.name} turns it off)` : ` (default: ${s.default})`;
    return `  ${flag.padEnd(30)} ${s.help}${fallback}`;
  });
  return `usage: ${usage}\n\n${description}\n\noptions:\n${rows.join('\n')}\n`;
}
