// The script a worker_threads Worker runs.
import { parentPort } from 'node:worker_threads';
import { serve } from './protocol.js';

if (!parentPort) throw new Error('mfwasm: worker/entry-node.js is a worker script; use factorizeInWorker() from mfwasm/worker');
const port = parentPort;
serve({
  postMessage: (message, transfer) => port.postMessage(message, transfer as never),
  listen: (handler) => port.on('message', handler),
  close: () => port.close(),
});
