// The messages between a page (or a Node thread) and a worker that trains, and both ends of them.
// On top of the public API: the worker runs factorize() on X as it arrived (its own copy, or the caller's
// arrays transferred: handed over to the fit, which may keep them rather than copy them); the model comes back
// as toBytes().
import { describe } from '../check/describe.js';
import { abortReason, DivergenceError } from '../check/errors.js';
import { factorize } from '../model/factorize.js';
import { handOver, type ObservationsInput } from '../input/observations.js';
import { Factorization } from '../model/factorization.js';
import { OPTION_NAMES, type EpochReport, type FactorizeOptions, type Without } from '../fit/options.js';
import { rejectUnknown } from '../check/validate.js';
import type { SparseData } from '../evaluate/evaluate.js';
import { search, type SearchOptions, type SearchResult, type Trial } from '../evaluate/search.js';

type WorkerOptions = Without<FactorizeOptions, 'onEpoch' | 'signal'>;

type ToWorker =
  | { type: 'fit'; X: ObservationsInput; options: WorkerOptions; reports: boolean }
  | { type: 'search'; data: SparseData; options: Omit<SearchOptions, 'onTrial' | 'signal'> }
  /** The caller's onEpoch verdict for an epoch: training waits for it, so it stops exactly where asked. */
  | { type: 'verdict'; epoch: number; proceed: boolean }
  | { type: 'abort' };

/** An error as it crosses threads: its class by name, and DivergenceError's fields. */
interface SentError {
  name: string;
  message: string;
  divergence?: { solver: DivergenceError['solver']; epoch: number; loss: number; initialLoss: number; learningRate: number; advice: string };
}

type FromWorker =
  | { type: 'epoch'; report: EpochReport }
  | { type: 'trial'; trial: Trial }
  | { type: 'done'; bytes: Uint8Array; search?: Omit<SearchResult, 'refit'> }
  | { type: 'error'; error: SentError };

/** The little each side needs of a Worker, a worker_threads Worker, `self` or `parentPort`. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  listen(handler: (message: unknown) => void): void;
  /** Main side only: the worker failed, exited or could not read a message. */
  onFailure?(handler: (error: Error) => void): void;
  close(): void;
}

function send(error: unknown): SentError {
  if (error instanceof DivergenceError) {
    const { solver, epoch, loss, initialLoss, learningRate, advice } = error;
    return { name: error.name, message: error.message, divergence: { solver, epoch, loss, initialLoss, learningRate, advice } };
  }
  const { name = 'Error', message = String(error) } = (error ?? {}) as Error;
  return { name: String(name), message: String(message) };
}

function receive(sent: SentError): Error {
  if (sent.divergence) {
    const { solver, epoch, loss, initialLoss, learningRate, advice } = sent.divergence;
    return new DivergenceError(solver, epoch, loss, initialLoss, learningRate, advice);
  }
  const Type = sent.name === 'TypeError' ? TypeError : sent.name === 'RangeError' ? RangeError : Error;
  return Object.assign(new Type(sent.message), { name: sent.name });
}

/** Worker side: trains what it is sent, reports every epoch and waits for the verdict, aborts when told. */
export function serve(port: Port): void {
  const controller = new AbortController();
  let verdict: ((proceed: boolean) => void) | undefined;
  let busy = false;
  const fail = (error: unknown) => port.postMessage({ type: 'error', error: send(error) } satisfies FromWorker);
  port.listen(async (raw) => {
    const message = raw as Partial<ToWorker> | null | undefined;
    const type = typeof message === 'object' && message !== null ? message.type : undefined;
    if (type === 'abort') {
      controller.abort();
      verdict?.(false);
    } else if (type === 'verdict') {
      verdict?.((message as { proceed: unknown }).proceed !== false);
    } else if (type === 'search' && !busy) {
      busy = true;
      const { data, options } = message as Extract<ToWorker, { type: 'search' }>;
      try {
        const { refit, ...rest } = await search(data, { ...options, signal: controller.signal, onTrial: (trial) => port.postMessage({ type: 'trial', trial } satisfies FromWorker) });
        const bytes = refit.toBytes();
        port.postMessage({ type: 'done', bytes, search: rest } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        fail(error);
      }
    } else if (type === 'fit' && !busy) {
      busy = true;
      const { X, options, reports } = message as Extract<ToWorker, { type: 'fit' }>;
      try {
        if (typeof options !== 'object' || options === null) throw new TypeError(`options: expected an object with at least { rank }, got ${describe(options)}`);
        // A message's arrays belong to the worker alone.
        if (typeof X === 'object' && X !== null && !Array.isArray(X)) handOver(X as Parameters<typeof handOver>[0]);
        const model = await factorize(X, {
          ...options,
          // The signal also makes training yield, so that an 'abort' message gets through.
          signal: controller.signal,
          ...(reports
            ? {
                onEpoch: (report: EpochReport) =>
                  new Promise<boolean>((resolve) => {
                    verdict = resolve;
                    port.postMessage({ type: 'epoch', report } satisfies FromWorker);
                  }),
              }
            : {}),
        });
        // A float32 fit's factors are float32 values: sent so, they lose nothing.
        const bytes = model.toBytes({ precision: options.precision === 'float32' ? 'float32' : 'float64' });
        port.postMessage({ type: 'done', bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        fail(error);
      } finally {
        verdict = undefined;
      }
    } else {
      fail(new TypeError(`mfwasm worker: expected a message { type: 'fit' | 'search' | 'verdict' | 'abort' }${type === 'fit' || type === 'search' ? ' (one job per worker)' : ''}, got ${describe(type ?? message)}`));
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
  visit((options as { mask?: unknown }).mask);
  visit(options.validation);
  return [...found];
}

export type WorkerFitOptions = FactorizeOptions & {
  /**
   * Hand the input's typed arrays over to the worker instead of copying them: no copy is made, and they
   * are then detached here (length 0). Default false (copied; the caller's arrays are untouched).
   */
  transfer?: boolean;
};

/** A call refused before anything was sent: its worker is let go (a worker left running keeps the process alive). */
function refuse<T>(port: Port, error: unknown): Promise<T> {
  port.close();
  return Promise.reject(error);
}

/** Main side: one fit in a fresh worker; resolves to the model, rejects with the worker's error. */
export function fitInWorker(port: Port, X: ObservationsInput, options: WorkerFitOptions): Promise<Factorization> {
  if (typeof options !== 'object' || options === null) {
    return refuse(port, new TypeError(`options: expected an object with at least { rank }, got ${describe(options)}`));
  }
  // Here, where `transfer` is known too (the worker's fit would not name it among the options it lists).
  try {
    rejectUnknown('options', options, [...OPTION_NAMES, 'transfer']);
  } catch (error) {
    return refuse(port, error);
  }
  const { onEpoch, signal, transfer = false, ...rest } = options;
  return run(port, { type: 'fit', X, options: rest as WorkerOptions, reports: onEpoch !== undefined }, transfer ? transferables(X, rest) : [], signal, onEpoch, undefined);
}

/** Main side: one search in a fresh worker, each trial reported to onTrial as it ends; resolves to the search's result. */
export function searchInWorker(port: Port, data: SparseData, options: SearchOptions): Promise<SearchResult> {
  if (typeof options !== 'object' || options === null) {
    return refuse(port, new TypeError(`search: options: expected { base, grid | distributions, … }, got ${describe(options)}`));
  }
  const { onTrial, signal, ...rest } = options;
  return run(port, { type: 'search', data, options: rest }, [], signal, undefined, onTrial) as unknown as Promise<SearchResult>;
}

function run(
  port: Port, job: ToWorker, transfer: Transferable[], signal: AbortSignal | undefined,
  onEpoch: FactorizeOptions['onEpoch'], onTrial: SearchOptions['onTrial'],
): Promise<Factorization> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      port.close();
      outcome();
    };
    const onAbort = () => finish(() => reject(abortReason(signal!)));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    if (onEpoch !== undefined && typeof onEpoch !== 'function') {
      finish(() => reject(new TypeError(`options.onEpoch: expected a function, got ${describe(onEpoch)}`)));
      return;
    }
    signal?.addEventListener('abort', onAbort);
    port.onFailure?.((error) => finish(() => reject(error)));
    port.listen(async (raw) => {
      const message = raw as FromWorker;
      if (settled) return;
      if (message.type === 'trial') {
        // A search's trial: reported, nothing to answer.
        try {
          await onTrial?.(message.trial);
        } catch (error) {
          finish(() => reject(error));
        }
      } else if (message.type === 'epoch') {
        let proceed = true;
        try {
          let verdict = onEpoch?.(message.report);
          if (verdict instanceof Promise) verdict = await verdict;
          proceed = verdict !== false;
        } catch (error) {
          finish(() => reject(error));
          return;
        }
        if (!settled) port.postMessage({ type: 'verdict', epoch: message.report.epoch, proceed } satisfies ToWorker);
      } else if (message.type === 'done') {
        const model = Factorization.fromBytes(message.bytes);
        finish(() => resolve(message.search ? ({ ...message.search, refit: model } as never) : model));
      } else {
        finish(() => reject(receive(message.error)));
      }
    });
    try {
      port.postMessage(job, transfer);
    } catch (error) {
      // Input that cannot be cloned (a function, a symbol…): nothing was sent, the worker is let go.
      finish(() => reject(new TypeError(`factorizeInWorker: the input cannot be sent to a worker: ${(error as Error).message}`)));
    }
  });
}
