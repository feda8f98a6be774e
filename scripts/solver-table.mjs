// The docs' solver table, made from the registry (`solvers`): `node scripts/solver-table.mjs` rewrites it in
// docs/solvers.md (between the solver-table markers); test/readme.test.mjs checks it matches.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const TABLE_FILES = ['docs/solvers.md'];
const START = /<!-- solver-table[^>]*-->\n\| solver \|[^\n]*\n\|---[^\n]*\n/;
const END = '<!-- /solver-table -->';

/** The table's rows, one per registered solver. */
export function solverRows({ solvers, RECOMMENDED_SOLVER, DEFAULTS }) {
  return Object.values(solvers).map((s) => {
    const own = Object.entries(s.options).map(([name, o]) => `\`${name}\` (${o.default})`).join(', ') || '—';
    const notes = [
      s.name === DEFAULTS.solver ? 'default' : '',
      RECOMMENDED_SOLVER[s.data] === s.name ? `recommended for ${s.data}` : '',
    ].filter(Boolean).join('; ');
    return `| \`'${s.name}'\`${notes ? ` (${notes})` : ''} | ${s.data} | ${s.validationMetric} | ${own} | ${s.summary} |`;
  });
}

/** The rows a document's table holds now. */
export function tableIn(text) {
  const start = text.match(START);
  if (!start) return undefined;
  const from = start.index + start[0].length;
  return text.slice(from, text.indexOf(END, from)).trim().split('\n').filter(Boolean);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await import('../dist/index.js');
  const rows = solverRows(api).join('\n');
  for (const file of TABLE_FILES) {
    const text = readFileSync(file, 'utf8');
    const start = text.match(START);
    if (!start) throw new Error(`${file}: no solver-table markers`);
    const from = start.index + start[0].length;
    writeFileSync(file, text.slice(0, from) + rows + '\n' + text.slice(text.indexOf(END, from)));
  }
}
