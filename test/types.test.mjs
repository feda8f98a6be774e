// The option types, as a TypeScript user meets them: test/types/options.ts compiles under tsc --strict against
// the built declarations, and each option of another solver in it is a compile error (@ts-expect-error fails
// the compile when the line it marks compiles).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));

test('tsc --strict accepts each solver\'s options and refuses another solver\'s', () => {
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.is(output, '', output);
});

test.run();
