// The messages between a page (or a Node thread) and a worker that trains, and both ends of them.
// On top of the public API only: the worker runs factorize(); the model comes back as toBytes().
import { factorize } from '../factorize.js';
import type { ObservationsInput } from '../input.js';
import { Factorization } from '../model.js';
import type { EpochReport, FactorizeOptions } from '../options.js';

type WorkerOptions = Omit<FactorizeOptions, 'onEpoch' | 'signal'>;

type ToWorker =
  | { type: 'fit'; X: ObservationsInput; options: WorkerOptions; reports: boolean }
  | { type: 'stop' }
  | { type: 'abort' };

type FromWorker =
  | { type: 'epoch'; report: EpochReport }
  | { type: 'done'; bytes: Uint8Array }
  | { type: 'error'; name: string; message: string };

/** The little each side needs of a Worker, a worker_threads Worker, `self` or `parentPort`. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  listen(handler: (message: unknown) => void): void;
  close(): void;
}

/** Worker side: trains what it is sent, reports every epoch, stops or aborts when told. */
export function serve(port: Port): void {
  const controller = new AbortController();
  let stop = false;
  port.listen(async (raw) => {
    const message = raw as ToWorker;
    if (message.type === 'stop') stop = true;
    else if (message.type === 'abort') controller.abort();
    else if (message.type === 'fit') {
      try {
        const model = await factorize(message.X, {
          ...message.options,
          // The signal also makes training yield, so that 'stop' and 'abort' messages get through.
          signal: controller.signal,
          onEpoch: (report) => {
            if (message.reports) port.postMessage({ type: 'epoch', report } satisfies FromWorker);
            return !stop;
          },
        });
        const bytes = model.toBytes();
        port.postMessage({ type: 'done', bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        const { name = 'Error', message: text = String(error) } = error as Error;
        port.postMessage({ type: 'error', name, message: text } satisfies FromWorker);
      }
    }
  });
}

/** Typed-array buffers in the input that can be handed over rather than copied. */
function transferables(X: unknown, options: WorkerOptions): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      const buffer = value.buffer as ArrayBuffer;
      // Only arrays that own their whole buffer: handing over a shared buffer would take more than asked.
      if (value.byteOffset === 0 && value.byteLength === buffer.byteLength) found.add(buffer);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      Object.values(value).forEach(visit);
    }
  };
  visit(X);
  visit(options.mask);
  visit(options.validation);
  return [...found];
}

export interface WorkerFitOptions extends FactorizeOptions {
  /**
   * Hand the input's typed arrays over to the worker instead of copying them (they are then detached
   * here, length 0). Default true.
   */
  transfer?: boolean;
}

/** Main side: one fit in a fresh worker; resolves to the model, rejects with the worker's error. */
export function fitInWorker(port: Port, X: ObservationsInput, options: WorkerFitOptions): Promise<Factorization> {
  const { onEpoch, signal, transfer = true, ...rest } = options;
  return new Promise((resolve, reject) => {
    const finish = (outcome: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      port.close();
      outcome();
    };
    const onAbort = () => port.postMessage({ type: 'abort' } satisfies ToWorker);
    if (signal?.aborted) {
      port.close();
      reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      return;
    }
    signal?.addEventListener('abort', onAbort);
    port.listen(async (raw) => {
      const message = raw as FromWorker;
      if (message.type === 'epoch') {
        let verdict = onEpoch?.(message.report);
        if (verdict instanceof Promise) verdict = await verdict;
        if (verdict === false) port.postMessage({ type: 'stop' } satisfies ToWorker);
      } else if (message.type === 'done') {
        finish(() => resolve(Factorization.fromBytes(message.bytes)));
      } else {
        const error =
          message.name === 'AbortError' && signal?.aborted
            ? signal.reason ?? new DOMException(message.message, 'AbortError')
            : Object.assign(new (message.name === 'TypeError' ? TypeError : message.name === 'RangeError' ? RangeError : Error)(message.message), { name: message.name });
        finish(() => reject(error));
      }
    });
    port.postMessage(
      { type: 'fit', X, options: rest, reports: onEpoch !== undefined } satisfies ToWorker,
      transfer ? transferables(X, rest) : [],
    );
  });
}
