// What ships in dist/ must run in browsers and workers too: no Node built-ins, no CommonJS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

// Node's by design: mfwasm/worker's Node build and its worker script, and the command line.
const NODE_ONLY = ['worker/node.js', 'worker/entry-node.js'];
const nodeOnly = (file) => NODE_ONLY.includes(file) || file.startsWith('cli/');

test('dist/ imports nothing from Node (but the CLI and mfwasm/worker\'s Node build) and embeds the module', () => {
  const files = readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js') && !nodeOnly(f));
  assert.ok(files.length > 10, `${files.length} files`);
  for (const file of files) {
    const text = readFileSync(new URL(file, dist), 'utf8');
    assert.not.match(text, /from ['"]node:|require\(|\bprocess\.|\bBuffer\./, file);
  }
  const binary = readFileSync(new URL('runtime/binary.js', dist), 'utf8');
  assert.match(binary, /export const wasmBase64 = "AGFzbQ/);
});

// Type checkers that ignore `exports` (moduleResolution node10) find subpaths' types through typesVersions:
// every subpath export's types, mapped to the same file there.
test('package.json: each subpath export\'s types are in typesVersions too, and the files exist', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const subpaths = Object.entries(manifest.exports).filter(([path, target]) => path !== '.' && typeof target === 'object' && target.types);
  assert.ok(subpaths.length >= 2);
  for (const [path, target] of subpaths) {
    assert.equal(manifest.typesVersions['*'][path.slice(2)], [target.types], path);
    assert.ok(readdirSync(new URL('../' + target.types.replace(/[^/]+$/, ''), import.meta.url)).includes(target.types.split('/').pop()), target.types);
  }
});

test.run();
