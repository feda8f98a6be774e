// npm run demo:web — serves the demo page and the browser build on localhost.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Cross-origin isolation: browsers share memory between threads (SharedArrayBuffer, shared WebAssembly
 * memory) only on pages served with these two headers, so that the package can train on every core.
 */
export const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

/**
 * A static server for `root`'s files (default: this repository), answering only under its folders `allowed`,
 * cross-origin isolated unless `isolated` is false.
 */
export function staticServer(root = ROOT, allowed = ['web', 'dist', 'node_modules/uplot/dist'], isolated = true) {
  return createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/') {
      // The page's relative imports (./app.js, ../dist/…) resolve from its own folder.
      response.writeHead(302, { location: '/web/index.html' }).end();
      return;
    }
    const relative = normalize(path.slice(1));
    if (relative.startsWith('..') || !allowed.some((folder) => relative === folder || relative.startsWith(folder + sep) || relative.startsWith(folder + '/'))) {
      response.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(root, relative));
      response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', ...(isolated ? ISOLATION : {}) }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 5173);
  const server = staticServer();
  server.on('error', (error) => {
    // A port already taken is the usual failure: say so and how to pick another, not a stack trace.
    console.error(error.code === 'EADDRINUSE' ? `mfwasm demo: port ${port} is in use; free it, or choose another: PORT=5174 npm run demo:web` : `mfwasm demo: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => console.log(`mfwasm demo: http://localhost:${port}/  (npm run build first if dist/ is missing)`));
}
