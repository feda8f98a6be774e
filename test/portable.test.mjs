// What ships in dist/ must run in browsers and workers too: no Node built-ins, no CommonJS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

// The two files that are Node's by design: mfwasm/worker's Node build and its worker script.
const NODE_ONLY = ['worker/node.js', 'worker/entry-node.js'];

test('dist/ imports nothing from Node (but mfwasm/worker\'s Node build) and embeds the module', () => {
  const files = readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js') && !NODE_ONLY.includes(f));
  assert.ok(files.length > 10, `${files.length} files`);
  for (const file of files) {
    const text = readFileSync(new URL(file, dist), 'utf8');
    assert.not.match(text, /from ['"]node:|require\(|\bprocess\.|\bBuffer\./, file);
  }
  const binary = readFileSync(new URL('wasm/binary.js', dist), 'utf8');
  assert.match(binary, /export const wasmBase64 = "AGFzbQ/);
});

test.run();
