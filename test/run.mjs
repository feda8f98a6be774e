// Runs every test/*.test.mjs with uvu and ends with the line CI reads: "N passed, N failed".
//
// Twice: once with the package's own default thread count (one thread for the small problems most tests
// use), once more with MFWASM_THREADS=2, which makes every run in the suite use two threads — results
// must not change, so every assertion must hold again. The browser file runs once (a page has no
// environment variables; it tests its threads itself).
//   node test/run.mjs [pattern]      one pass, the files matching the pattern
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const given = process.argv.slice(2);

/** One uvu run; resolves with its counts. */
function pass(label, pattern, env) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label} ===`);
    const child = spawn(process.execPath, [uvu, 'test', pattern], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => {
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      const count = (name) => Number(plain.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? NaN);
      const total = count('Total');
      if (Number.isNaN(total)) return resolve({ passed: 0, failed: 1, skipped: 0, code: code || 1, note: `${label}: uvu printed no totals` });
      const passed = count('Passed');
      const skipped = count('Skipped');
      resolve({ passed, failed: total - passed - skipped, skipped, code: code ?? 1 });
    });
  });
}

const passes = given.length
  ? [await pass(given[0], `(${given[0]}).*\\.test\\.mjs$`, {})]
  : [
      await pass('default threads', '\\.test\\.mjs$', {}),
      await pass('every run on two threads (MFWASM_THREADS=2)', '^(?!browser\\.).*\\.test\\.mjs$', { MFWASM_THREADS: '2' }),
    ];
const sum = (key) => passes.reduce((total, p) => total + p[key], 0);
for (const { note } of passes) if (note) console.log(note);
const skipped = sum('skipped');
console.log(`${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(passes.find((p) => p.code !== 0)?.code ?? 0);
