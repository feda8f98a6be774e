// The thread pool of the threaded build: worker threads (Node's worker_threads, browsers' Web Workers)
// started on first use, grown to the largest thread count asked for, shared by every run, and never
// keeping a Node process alive while idle. A run's phases go to every thread in one message each; the
// threads meet at a barrier between phases (src/runtime/thread.ts), and the last message back ends the run.
import type { KernelCall, Phase } from '../backends/kernels.js';

/** A run's shared memory, as the threads know it: instances are made once per memory and kept. */
export interface SharedInstance {
  key: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

export type ThreadMessage =
  | { type: 'attach'; key: number; module: WebAssembly.Module; memory: WebAssembly.Memory }
  | { type: 'detach'; key: number }
  | {
      type: 'run'; key: number; phases: readonly Phase[]; thread: number; threads: number;
      control: Int32Array; results: Float64Array;
    };

export type ThreadReply = { type: 'ready' } | { type: 'done'; failure: string | undefined };

/** Node's process object when running in Node (read through globalThis: browsers have none). */
export const nodeProcess = ((globalThis as { process?: NodeJS.Process }).process?.versions?.node ? (globalThis as { process?: NodeJS.Process }).process : undefined);
const inNode = nodeProcess !== undefined;

/** Node's modules, loaded only in Node; the specifier is hidden from bundlers so browser builds skip it. */
export async function nodeModule<T>(name: string): Promise<T> {
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as T;
}

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function hardwareThreads(): Promise<number> {
  if (inNode) return (await nodeModule<typeof import('node:os')>('node:os')).availableParallelism();
  return Math.max(1, Number((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency) || 1);
}

/**
 * Why this realm cannot share WebAssembly memory between threads, or undefined if it can. Browsers allow
 * it only on cross-origin isolated pages (COOP same-origin and COEP require-corp or credentialless).
 */
export function sharingUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available here';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (!inNode && typeof Worker !== 'function') return 'Web Workers are not available here';
  return undefined;
}

/** One worker thread, whatever the platform. */
interface Thread {
  post(message: ThreadMessage): void;
  /** Keeps the Node process alive while a run waits on the thread (no-op in browsers). */
  hold(held: boolean): void;
  terminate(): void;
  /** Memories this thread has an instance for. */
  attached: Set<number>;
  /** Resolves with the thread's next reply. */
  next(): Promise<ThreadReply>;
}

async function spawn(onFailure: (error: Error) => void): Promise<Thread> {
  const waiting: Array<{ resolve(reply: ThreadReply): void; reject(error: Error): void }> = [];
  const replies: ThreadReply[] = [];
  const deliver = (reply: ThreadReply) => {
    const next = waiting.shift();
    if (next) next.resolve(reply);
    else replies.push(reply);
  };
  const fail = (error: Error) => {
    for (const next of waiting.splice(0)) next.reject(error);
    onFailure(error);
  };
  let post: (message: ThreadMessage) => void;
  let hold: (held: boolean) => void = () => {};
  let terminate: () => void;
  if (inNode) {
    const { Worker } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
    // The thread runs a file: flags about how the main script is read (--input-type for `node -e`) would stop it.
    const execArgv = nodeProcess!.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    const worker = new Worker(new URL('./thread.js', import.meta.url), { execArgv });
    worker.unref();
    worker.on('message', deliver);
    worker.on('error', (error) => fail(new Error(`mfwasm: a worker thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new Error(`mfwasm: a worker thread exited (code ${code})`)));
    post = (message) => worker.postMessage(message);
    hold = (held) => (held ? worker.ref() : worker.unref());
    terminate = () => void worker.terminate();
  } else {
    // The literal new Worker(new URL(…, import.meta.url)) form is what Vite and webpack recognise and bundle.
    const worker = new Worker(new URL('./thread.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event) => deliver(event.data as ThreadReply));
    worker.addEventListener('error', (event) => fail(new Error(`mfwasm: a worker thread failed: ${event.message || 'its script could not be loaded'}`)));
    worker.addEventListener('messageerror', () => fail(new Error('mfwasm: a message from a worker thread could not be read')));
    post = (message) => worker.postMessage(message);
    terminate = () => worker.terminate();
  }
  const thread: Thread = {
    post,
    hold,
    terminate,
    attached: new Set(),
    next: () => {
      const reply = replies.shift();
      if (reply) return Promise.resolve(reply);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
  hold(true);
  try {
    const ready = await thread.next();
    if (ready.type !== 'ready') throw new Error(`mfwasm: a worker thread answered ${ready.type} before it was ready`);
  } finally {
    hold(false);
  }
  return thread;
}

class ThreadPool {
  #threads: Thread[] = [];
  /** Runs go one after another: two runs' barriers interleaved on the same threads would deadlock. */
  #queue: Promise<unknown> = Promise.resolve();
  #control = new Int32Array(new SharedArrayBuffer(8));
  #results = new Float64Array(new SharedArrayBuffer(8 * 64));

  /** Starts threads until there are `count`. */
  async grow(count: number): Promise<void> {
    while (this.#threads.length < count) {
      let thread: Thread | undefined;
      thread = await spawn(() => thread && this.#broken(thread));
      this.#threads.push(thread);
    }
  }

  /** A thread died: the others may wait at a barrier for it for ever, so every thread goes. */
  #broken(thread: Thread): void {
    if (!this.#threads.includes(thread)) return;
    const threads = this.#threads;
    this.#threads = [];
    this.#control = new Int32Array(new SharedArrayBuffer(8));
    for (const other of threads) other.terminate();
  }

  run(instance: SharedInstance, phases: readonly Phase[], threads: number): Promise<number[]> {
    const result = this.#queue.then(() => this.#run(instance, phases, threads));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #run(instance: SharedInstance, phases: readonly Phase[], threads: number): Promise<number[]> {
    await this.grow(threads);
    const used = this.#threads.slice(0, threads);
    const total = phases.reduce((sum, phase) => sum + phase.length, 0);
    if (this.#results.length < total) this.#results = new Float64Array(new SharedArrayBuffer(8 * total * 2));
    const control = this.#control;
    const results = this.#results;
    for (const thread of used) {
      if (!thread.attached.has(instance.key)) {
        thread.post({ type: 'attach', ...instance });
        thread.attached.add(instance.key);
      }
    }
    const replies = used.map((thread) => thread.next());
    used.forEach((thread, index) => {
      thread.hold(true);
      thread.post({ type: 'run', key: instance.key, phases, thread: index, threads, control, results });
    });
    try {
      const failures = (await Promise.all(replies)).map((reply) => (reply.type === 'done' ? reply.failure : `unexpected ${reply.type}`));
      const failure = failures.find((text) => text !== undefined);
      if (failure) throw new Error(failure);
    } finally {
      for (const thread of used) thread.hold(false);
    }
    return Array.from(results.subarray(0, total));
  }

  /** Tells the threads a memory is gone, so that their instances over it can be collected. */
  detach(key: number): void {
    for (const thread of this.#threads) {
      if (thread.attached.delete(key)) thread.post({ type: 'detach', key });
    }
  }
}

/** Tells the pool's threads, if there are any, that a memory is gone. */
export function forget(key: number): void {
  pool?.detach(key);
}

let pool: ThreadPool | undefined;
let unavailable: string | undefined;
let noted = false;

/**
 * The pool with at least `threads` threads started, or undefined when this realm cannot run threads — then
 * runs use one thread, and the reason is logged once (console.info), never thrown.
 */
export async function threadPool(threads: number): Promise<ThreadPool | undefined> {
  unavailable ??= sharingUnavailable();
  if (!unavailable) {
    try {
      pool ??= new ThreadPool();
      await pool.grow(threads);
      return pool;
    } catch (error) {
      unavailable = `worker threads could not be started (${(error as Error).message})`;
      pool = undefined;
    }
  }
  if (!noted) {
    noted = true;
    console.info(`mfwasm: training on one thread: ${unavailable}`);
  }
  return undefined;
}

export type { ThreadPool, KernelCall };
