// Terminal heatmaps on one shared colour scale: 24-bit colour on a terminal, a character ramp
// elsewhere (NO_COLOR set, or output piped to a file or a CI log).

const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
const RAMP = ' .:-=+*#%@';

export function useColour(stream = process.stdout) {
  if (process.env.NO_COLOR) return false;
  return Boolean(process.env.FORCE_COLOR) || Boolean(stream.isTTY);
}

function colourAt(t) {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  return VIRIDIS[i].map((c, channel) => Math.round(c + f * (VIRIDIS[i + 1][channel] - c)));
}

function cell(value, low, high, colour) {
  if (Number.isNaN(value)) return colour ? '  ' : '  ';
  const t = high > low ? (value - low) / (high - low) : 0.5;
  if (!colour) {
    const c = RAMP[Math.min(RAMP.length - 1, Math.floor(t * RAMP.length))];
    return c + c;
  }
  const [r, g, b] = colourAt(t);
  return `\x1b[48;2;${r};${g};${b}m  \x1b[0m`;
}

/**
 * Draws matrices side by side. `panels`: [{ title, rows: number[][] }]; NaN cells are left blank.
 * `range`: [low, high] of the shared scale (default: over every finite value shown).
 */
export function heatmaps(panels, { range, colour = useColour(), gap = 4 } = {}) {
  const finite = panels.flatMap((p) => p.rows.flat()).filter(Number.isFinite);
  const [low, high] = range ?? [Math.min(...finite), Math.max(...finite)];
  const widths = panels.map((p) => Math.max(p.title.length, 2 * p.rows[0].length));
  const pad = (text, width) => text + ' '.repeat(Math.max(0, width - text.length));
  const lines = [panels.map((p, n) => pad(p.title, widths[n])).join(' '.repeat(gap))];
  const height = Math.max(...panels.map((p) => p.rows.length));
  for (let i = 0; i < height; i++) {
    lines.push(
      panels
        .map((p, n) => {
          const row = p.rows[i] ?? [];
          return row.map((v) => cell(v, low, high, colour)).join('') + ' '.repeat(widths[n] - 2 * row.length);
        })
        .join(' '.repeat(gap)),
    );
  }
  const steps = 24;
  const bar = Array.from({ length: steps }, (_, s) => cell(low + ((high - low) * s) / (steps - 1), low, high, colour).slice(0, colour ? undefined : 1));
  lines.push('', `scale ${low.toFixed(2)} ${bar.join('')} ${high.toFixed(2)}   (blank: not observed)`);
  return lines.join('\n');
}
