// A small argument parser: every option declared once, with its type, default and help line, so that
// --help is generated from the same table the parser reads.

export interface OptionSpec {
  name: string;
  /** One-letter alias. */
  short?: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  default?: string | number | boolean;
  help: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Parsed = { positional: string[]; options: Record<string, string | number | boolean | undefined> };

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): Parsed {
  const positional: string[] = [];
  const options: Parsed['options'] = {};
  for (const spec of specs) options[spec.name] = spec.default;
  for (let a = 0; a < argv.length; a++) {
    const arg = argv[a];
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const negated = flag.startsWith('--no-');
    const name = negated ? flag.slice(5) : flag.replace(/^--?/, '');
    const spec = specs.find((s) => s.name === name || s.short === name);
    if (!spec) throw new UsageError(`unknown option ${flag}`);
    if (spec.type === 'boolean') {
      options[spec.name] = !negated;
      continue;
    }
    const value = inline ?? argv[++a];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (spec.type === 'string') options[spec.name] = value;
    else {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number) || (spec.type === 'integer' && !Number.isInteger(number))) {
        throw new UsageError(`${flag}: expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
      }
      options[spec.name] = number;
    }
  }
  return { positional, options };
}

export function help(usage: string, description: string, specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : ''}--${s.name}${s.type === 'boolean' ? '' : ` <${s.type === 'string' ? 'text' : s.type}>`}`;
    const fallback = s.default === undefined ? '' : ` (default: ${s.default})`;
    return `  ${flag.padEnd(30)} ${s.help}${fallback}`;
  });
  return `usage: ${usage}\n\n${description}\n\noptions:\n${rows.join('\n')}\n`;
}
