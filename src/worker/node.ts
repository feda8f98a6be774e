// mfwasm/worker in Node: factorize() in a worker_threads Worker.
import { Worker } from 'node:worker_threads';
import type { ObservationsInput } from '../input/observations.js';
import type { Factorization } from '../model/factorization.js';
import type { SparseData } from '../evaluate/evaluate.js';
import type { SearchOptions, SearchResult } from '../evaluate/search.js';
import { fitInWorker, searchInWorker as searchInWorkerOver, type Port, type WorkerFitOptions } from './protocol.js';

export type { WorkerFitOptions } from './protocol.js';

/** A worker_threads Worker running the worker script, as the protocol's Port. */
function openPort(): Port {
  // The worker runs a file: flags about how the main script is read (--input-type for `node -e`) would stop it.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  const worker = new Worker(new URL('./entry-node.js', import.meta.url), { execArgv });
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
    listen: (handler) => worker.on('message', handler),
    onFailure: (handler) => {
      worker.on('error', (error) => handler(Object.assign(new Error(`factorizeInWorker: the worker failed: ${error.message}`), { cause: error })));
      worker.on('messageerror', (error) => handler(new Error(`factorizeInWorker: a message from the worker could not be read: ${error.message}`)));
      worker.on('exit', (code) => handler(new Error(`factorizeInWorker: the worker exited (code ${code}) before training finished`)));
    },
    close: () => void worker.terminate(),
  };
}

/**
 * factorize() off the calling thread: same options and the same model back; onEpoch receives every
 * epoch's report (returning false stops training after that epoch), `signal` aborts it.
 */
export function factorizeInWorker(X: ObservationsInput, options: WorkerFitOptions): Promise<Factorization> {
  return fitInWorker(openPort(), X, options);
}

/** search() off the calling thread; onTrial receives each trial as it ends. */
export function searchInWorker(data: SparseData, options: SearchOptions): Promise<SearchResult> {
  return searchInWorkerOver(openPort(), data, options);
}
