// mfwasm/worker in browsers: factorize() in a module Web Worker, so the page never blocks.
import type { ObservationsInput } from '../input/observations.js';
import type { Factorization } from '../model/factorization.js';
import type { SparseData } from '../evaluate/evaluate.js';
import type { SearchOptions, SearchResult } from '../evaluate/search.js';
import { fitInWorker, searchInWorker as searchInWorkerOver, type Port, type WorkerFitOptions } from './protocol.js';

export type { WorkerFitOptions } from './protocol.js';

/** A module Web Worker running the worker script, as the protocol's Port. */
function openPort(): Port {
  // The literal new Worker(new URL(…, import.meta.url)) form is what Vite and webpack recognise and bundle.
  const worker = new Worker(new URL('./entry-browser.js', import.meta.url), { type: 'module' });
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
    listen: (handler) => worker.addEventListener('message', (event) => handler(event.data)),
    onFailure: (handler) => {
      worker.addEventListener('error', (event) => handler(new Error(`factorizeInWorker: the worker failed: ${event.message || 'it could not be started or threw'}`)));
      worker.addEventListener('messageerror', () => handler(new Error('factorizeInWorker: a message from the worker could not be read')));
    },
    close: () => worker.terminate(),
  };
}

/**
 * factorize() in a Web Worker: same options and the same model back; onEpoch receives every epoch's
 * report (returning false stops training after that epoch), `signal` aborts it.
 */
export function factorizeInWorker(X: ObservationsInput, options: WorkerFitOptions): Promise<Factorization> {
  return fitInWorker(openPort(), X, options);
}

/** search() in a Web Worker; onTrial receives each trial as it ends. */
export function searchInWorker(data: SparseData, options: SearchOptions): Promise<SearchResult> {
  return searchInWorkerOver(openPort(), data, options);
}
