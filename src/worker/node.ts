// mfwasm/worker in Node: factorize() in a worker_threads Worker.
import { Worker } from 'node:worker_threads';
import type { ObservationsInput } from '../input.js';
import type { Factorization } from '../model.js';
import { fitInWorker, type WorkerFitOptions } from './protocol.js';

export type { WorkerFitOptions } from './protocol.js';

/**
 * factorize() off the calling thread: same options and the same model back; onEpoch receives every
 * epoch's report (returning false stops training), `signal` aborts it.
 */
export function factorizeInWorker(X: ObservationsInput, options: WorkerFitOptions): Promise<Factorization> {
  const worker = new Worker(new URL('./entry-node.js', import.meta.url));
  return fitInWorker(
    {
      postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
      listen: (handler) => worker.on('message', handler),
      close: () => void worker.terminate(),
    },
    X,
    options,
  );
}
