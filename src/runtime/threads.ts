// The thread pool of the threaded build: worker threads (Node's worker_threads, browsers' Web Workers)
// started on first use, grown to the largest thread count asked for, shared by every run, and never
// keeping a Node process alive.
//
// Messages between threads cost about 0.1 ms each way, more than a small epoch: runs do not use them.
// A run's phases are written as numbers into shared memory and the threads, which wait on a shared word
// between runs (src/runtime/thread.ts), are woken with Atomics.notify; they meet at a barrier between
// phases. Where the calling thread may block (Node's main thread, any worker) it takes part as thread 0
// and run() returns at once; on a browser page's main thread, which may not block, the workers do all
// of it and the last one to finish posts a message. Messages are left for what cannot be shared as
// numbers: a run's module and memory (attach), once per memory.
import { KERNEL_NAMES, type Phase } from './kernels.js';
import { Command, Control, nodeModule, nodeProcess, runShare, spinsFor, type ThreadMessage, type ThreadReply } from './shared.js';

/** A run's shared memory, as the threads know it: instances are made once per memory and kept. */
export interface SharedInstance {
  key: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

const CONTROL_WORDS = 16 + 256;
/** f64 of the shared program: a run longer than this goes in several commands (calls within a phase are independent). */
const PROGRAM_ENTRIES = 1 << 17;

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function hardwareThreads(): Promise<number> {
  if (nodeProcess) return (await nodeModule<typeof import('node:os')>('node:os')).availableParallelism();
  return Math.max(1, Number((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency) || 1);
}

/**
 * Why this realm cannot share WebAssembly memory between threads, or undefined if it can. Browsers allow
 * it only on cross-origin isolated pages (COOP same-origin and COEP require-corp or credentialless).
 */
export function sharingUnavailable(): string | undefined {
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available here';
  if (!nodeProcess && typeof Worker !== 'function') return 'Web Workers are not available here';
  return undefined;
}

/** Whether this thread may block on Atomics.wait (not a browser page's main thread). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** One worker thread, whatever the platform. */
interface Thread {
  post(message: ThreadMessage): void;
  /** Resolves with the reply to `message` (keeping a Node process alive until then). */
  ask(message?: ThreadMessage): Promise<ThreadReply>;
  terminate(): void;
  /** Memories this thread has an instance for. */
  attached: Set<number>;
}

/** A worker; its 'done' replies go to `onDone` (any worker may be the last of a run), the others to next(). */
async function spawn(onFailure: (error: Error) => void, onDone: () => void): Promise<Thread> {
  const waiting: Array<{ resolve(reply: ThreadReply): void; reject(error: Error): void }> = [];
  const replies: ThreadReply[] = [];
  const deliver = (reply: ThreadReply) => {
    if (reply.type === 'done') return onDone();
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
  if (nodeProcess) {
    const { Worker } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
    // No flags of the parent's: the thread needs none, and some stop a worker from starting (--input-type of
    // `node -e`, V8 flags such as --expose-gc).
    const worker = new Worker(new URL('./thread.js', import.meta.url), { execArgv: [] });
    worker.on('message', deliver);
    worker.on('error', (error) => fail(new Error(`mfwasm: a worker thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new Error(`mfwasm: a worker thread exited (code ${code})`)));
    // Keeps the process alive only while a reply is awaited (unref after the listeners, which ref it): between
    // runs it waits on shared memory, and a run in Node never waits on a message.
    worker.unref();
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
  const next = (): Promise<ThreadReply> => {
    const reply = replies.shift();
    if (reply) return Promise.resolve(reply);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const thread: Thread = {
    post,
    terminate,
    attached: new Set(),
    async ask(message) {
      hold(true);
      try {
        const reply = next();
        if (message) post(message);
        return await reply;
      } finally {
        hold(false);
      }
    },
  };
  const ready = await thread.ask();
  if (ready.type !== 'ready') throw new Error(`mfwasm: a worker thread answered ${ready.type} before it was ready`);
  return thread;
}

class ThreadPool {
  /** Logical cores of the machine. */
  readonly cores: number;
  #threads: Thread[] = [];
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  readonly #program = new Float64Array(new SharedArrayBuffer(8 * PROGRAM_ENTRIES));
  /** A call takes at least two entries of the program: half as many results suffice. */
  readonly #results = new Float64Array(new SharedArrayBuffer(4 * PROGRAM_ENTRIES));
  readonly #failure = new Uint8Array(new SharedArrayBuffer(1024));
  /** Whether the calling thread takes part (it may block): then workers are threads 1…n. */
  readonly #callerTakesPart = mayBlock();
  #broken: Error | undefined;
  /** Resolves the run awaiting its workers' 'done' (a page's main thread only). */
  #whenDone: (() => void) | undefined;
  /** Runs on a page's main thread await the workers, and messages wait for them: one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #growing: Promise<unknown> = Promise.resolve();

  constructor(cores: number) {
    this.cores = cores;
    Atomics.store(this.#control, Control.Spins, spinsFor(1, cores));
  }

  /** Workers a run on `threads` threads needs. */
  #workersFor(threads: number): number {
    return this.#callerTakesPart ? threads - 1 : threads;
  }

  /** Starts workers until a run can use `threads` threads (one start at a time). */
  grow(threads: number): Promise<void> {
    const grown = this.#growing.then(() => this.#grow(threads));
    this.#growing = grown.catch(() => undefined);
    return grown;
  }

  async #grow(threads: number): Promise<void> {
    while (this.#threads.length < this.#workersFor(threads)) {
      let thread: Thread | undefined;
      thread = await spawn((error) => thread && this.#lost(thread, error), () => this.#whenDone?.());
      const index = this.#threads.length;
      await this.#send(thread, index, { type: 'setup', index, control: this.#control, program: this.#program, results: this.#results, failure: this.#failure, kernels: KERNEL_NAMES });
      // Counted only once it waits on the control word: a run waits for every counted worker.
      this.#threads.push(thread);
      Atomics.store(this.#control, Control.Workers, this.#threads.length);
    }
  }

  /** A worker died: the others may wait at a barrier for it for ever, and the pool is of no more use. */
  #lost(thread: Thread, error: Error): void {
    if (!this.#threads.includes(thread)) return;
    this.#broken = error;
    for (const other of this.#threads) other.terminate();
    this.#threads = [];
    pool = undefined;
  }

  /**
   * Posts a message to worker `index` and waits until it is handled (waking the worker if it is waiting on
   * the control word). After the runs queued before it: the Messages command must not overwrite a run's.
   */
  #send(thread: Thread, index: number, message: ThreadMessage): Promise<void> {
    const sent = this.#queue.then(() => this.#post(thread, index, message));
    this.#queue = sent.catch(() => undefined);
    return sent;
  }

  async #post(thread: Thread, index: number, message: ThreadMessage): Promise<void> {
    const control = this.#control;
    Atomics.add(control, Control.Pending + index, 1);
    const handled = thread.ask(message);
    Atomics.store(control, Control.Command, Command.Messages);
    Atomics.add(control, Control.Sequence, 1);
    Atomics.notify(control, Control.Sequence);
    const reply = await handled;
    if (reply.type !== 'handled') throw new Error(`mfwasm: a worker thread answered ${reply.type} to a message`);
  }

  /** Makes an instance over `instance`'s memory on every worker. */
  async attach(instance: SharedInstance, threads: number): Promise<void> {
    await this.grow(threads);
    for (const [index, thread] of this.#threads.entries()) {
      if (thread.attached.has(instance.key)) continue;
      await this.#send(thread, index, { type: 'attach', key: instance.key, module: instance.module, memory: instance.memory });
      thread.attached.add(instance.key);
    }
  }

  /** Tells the threads a memory is gone, so that their instances over it can be collected. */
  detach(key: number): void {
    this.#threads.forEach((thread, index) => {
      if (thread.attached.delete(key)) void this.#send(thread, index, { type: 'detach', key }).catch(() => undefined);
    });
  }

  /**
   * Runs the phases on `threads` threads over an attached memory — the caller's share through `own`, its
   * instance over that memory — synchronously where the caller may block.
   */
  run(key: number, own: Kernels, phases: readonly Phase[], threads: number): number[] | Promise<number[]> {
    if (this.#broken) throw this.#broken;
    if (this.#callerTakesPart) {
      const results: number[] = [];
      for (const command of commands(phases)) this.#command(key, own, command, threads, results);
      return results;
    }
    const result = this.#queue.then(async () => {
      const results: number[] = [];
      for (const command of commands(phases)) await this.#command(key, own, command, threads, results);
      return results;
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** One command: its phases written to the program, the workers woken, the caller's share, the results. */
  #command(key: number, own: Kernels, phases: readonly Phase[], threads: number, results: number[]): void | Promise<void> {
    const control = this.#control;
    const program = this.#program;
    let at = 0;
    program[at++] = phases.length;
    let calls = 0;
    for (const phase of phases) {
      program[at++] = phase.length;
      for (const [name, ...args] of phase) {
        program[at++] = KERNEL_INDEX.get(name)!;
        program[at++] = args.length;
        for (const arg of args) program[at++] = arg as number;
      }
      calls += phase.length;
    }
    const workers = this.#threads.length;
    Atomics.store(control, Control.Command, Command.Run);
    Atomics.store(control, Control.Key, key);
    Atomics.store(control, Control.Participants, threads);
    Atomics.store(control, Control.FirstWorker, this.#callerTakesPart ? 1 : 0);
    Atomics.store(control, Control.Done, 0);
    Atomics.store(control, Control.Failed, 0);
    Atomics.store(control, Control.PostWhenDone, this.#callerTakesPart ? 0 : 1);
    Atomics.store(control, Control.Spins, spinsFor(threads, this.cores));
    const finished = this.#callerTakesPart ? undefined : new Promise<void>((resolve) => (this.#whenDone = resolve));
    Atomics.add(control, Control.Sequence, 1);
    Atomics.notify(control, Control.Sequence);
    const collect = () => {
      if (Atomics.load(control, Control.Failed)) {
        const length = Atomics.load(control, Control.FailureLength);
        throw new Error(`mfwasm: ${new TextDecoder().decode(this.#failure.slice(0, length))}`);
      }
      for (let c = 0; c < calls; c++) results.push(this.#results[c]);
    };
    if (this.#callerTakesPart) {
      runShare(own, control, program, this.#results, this.#failure, 0, KERNEL_NAMES);
      // Every worker, taking part or not, counts itself done: no command starts while one still reads this one.
      for (let spin = 0; Atomics.load(control, Control.Done) < workers; spin++) {
        const done = Atomics.load(control, Control.Done);
        if (spin > Atomics.load(control, Control.Spins)) Atomics.wait(control, Control.Done, done, 1000);
        if (this.#broken) throw this.#broken;
      }
      return collect();
    }
    return finished!.then(collect);
  }
}

/** An instance's kernels by name. */
type Kernels = Record<string, (...args: number[]) => number>;

const KERNEL_INDEX = new Map(KERNEL_NAMES.map((name, index) => [name, index]));

/** Phases cut into commands whose programs fit the shared program (a phase's calls are independent, so a phase may be cut). */
function commands(phases: readonly Phase[]): Phase[][] {
  const size = (call: Phase[number]) => 2 + call.length - 1;
  const all: Phase[][] = [];
  let current: Phase[] = [];
  let used = 1;
  for (const phase of phases) {
    let part: Phase[number][] = [];
    used += 1;
    for (const call of phase) {
      if (used + size(call) > PROGRAM_ENTRIES) {
        if (part.length) current.push(part);
        all.push(current);
        current = [];
        part = [];
        used = 2;
      }
      part.push(call);
      used += size(call);
    }
    current.push(part);
  }
  if (current.length) all.push(current);
  return all;
}

let pool: Promise<ThreadPool> | undefined;
let unavailable: string | undefined;
let noted = false;

/** Tells the pool's threads, if there are any, that a memory is gone. */
export function forget(key: number): void {
  void pool?.then((threads) => threads.detach(key));
}

/**
 * The pool with enough threads started for a run on `threads`, or undefined when this realm cannot run
 * threads — then runs use one thread, and the reason is logged once (console.info), never thrown.
 */
export async function threadPool(threads: number): Promise<ThreadPool | undefined> {
  unavailable ??= sharingUnavailable();
  if (!unavailable) {
    try {
      pool ??= hardwareThreads().then((cores) => new ThreadPool(cores));
      const ready = await pool;
      await ready.grow(threads);
      return ready;
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

export type { ThreadPool };
