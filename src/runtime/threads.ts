// The thread pool of the threaded build: worker threads (Node's worker_threads, browsers' Web Workers)
// started on first use, grown to the largest thread count asked for, shared by every run, and never
// keeping a Node process alive.
//
// Messages between threads cost about 0.1 ms each way, more than a small epoch: runs do not use them.
// A run's phases are written as numbers into shared memory and the threads, which wait on a shared word
// between runs (src/runtime/thread.ts), are woken with Atomics.notify; they claim calls one at a time
// (src/runtime/shared.ts), so a thread another process keeps off its core delays nobody unless it holds
// a call. Where the calling thread may block (Node's main thread, any worker) it takes part as thread 0;
// when it has run what it could it spins briefly for the calls others hold, then awaits them, so that
// a thread that died is seen (its 'exit' event) and the run rejected. On a browser page's main thread,
// which may not block, the workers do all of it and the one finishing the last call posts a message.
// Messages are left for what cannot be shared as numbers: a run's module and memory (attach), once per memory.
import { ThreadChoice, shapeOf } from './choice.js';
import { KERNEL_NAMES, runHere, type Awaitable, type Phase } from './kernels.js';
import { Command, Control, nodeModule, nodeProcess, Share, SPIN_MICROS, spinUntil, type ThreadMessage, type ThreadReply } from './shared.js';

/** A run's shared memory, as the threads know it: instances are made once per memory and kept. */
export interface SharedInstance {
  key: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

const CONTROL_WORDS = 16 + 256;
/** f64 of the shared program: a run longer than this goes in several commands (calls within a phase are independent). */
const PROGRAM_ENTRIES = 1 << 17;
/** A call takes at least two entries of the program. */
const MAX_CALLS = PROGRAM_ENTRIES / 2;
/** Tags of runs grow by one a run; before they would overflow an Int32 the claims are cleared and they start again. */
const LAST_TAG = 2 ** 31 - 2;

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
  /**
   * Whether it had an instance over a memory since let go: the instance keeps the memory alive until this thread's
   * heap is collected, which a thread waiting on shared memory between runs never gets to. Such a thread is ended
   * and started anew before the next run (ThreadPool.attach).
   */
  holdsForgotten: boolean;
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
    holdsForgotten: false,
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

/** Scratch regions of a run: thread t's region of a scratch buffer is `stride` bytes after thread t − 1's. */
export interface ScratchLayout {
  start: number;
  stride: number;
}

/** The runs of one workspace on the pool (see ThreadPool.runner). */
export interface PoolRunner {
  run(phases: readonly Phase[]): Awaitable<number[]>;
  /** Threads its runs now take: the count asked for, or 1 once its helpers were found starved or slower (ThreadChoice). */
  readonly threads: number;
}

/**
 * A workspace stops waking its helpers once the caller has waited for them more than this share of its
 * runs' time, judged once its runs have taken STARVED_AFTER_MS: another process holds the cores, and one
 * thread is then faster. Calls and scratch do not depend on who runs them, so the results keep every bit.
 * An idle machine also holds a helper back now and then, a few milliseconds at a time (the virtual machine's
 * scheduling, a page fault): judged on a run's first milliseconds, one such wait would send it alone for good.
 */
const STARVED_SHARE = 0.25;
const STARVED_AFTER_MS = 50;

class ThreadPool {
  /** Logical cores of the machine. */
  readonly cores: number;
  #threads: Thread[] = [];
  readonly #control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  readonly #program = new Float64Array(new SharedArrayBuffer(8 * PROGRAM_ENTRIES));
  /** Per call: the tag of the last run that claimed it. */
  readonly #claims = new Int32Array(new SharedArrayBuffer(4 * MAX_CALLS));
  readonly #results = new Float64Array(new SharedArrayBuffer(8 * MAX_CALLS));
  readonly #failure = new Uint8Array(new SharedArrayBuffer(1024));
  /** Whether the calling thread takes part (it may block): then workers are threads 1…n. */
  readonly #callerTakesPart = mayBlock();
  #broken: Error | undefined;
  #tag = 0;
  /** Resolves the run awaiting its workers' 'done' (a page's main thread only). */
  #whenDone: (() => void) | undefined;
  /** Whatever is in flight (a run awaiting its threads, a message): the next waits for it. */
  #queue: Promise<unknown> = Promise.resolve();
  #busy = false;
  /** Tasks enqueued and not yet finished. */
  #waiting = 0;
  #growing: Promise<unknown> = Promise.resolve();
  /** The memories attached and not let go, by key: a thread started anew gets instances over them again (#renew). */
  readonly #memories = new Map<number, SharedInstance>();

  constructor(cores: number) {
    this.cores = cores;
    Atomics.store(this.#control, Control.SpinMicros, SPIN_MICROS);
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
      const index = this.#threads.length;
      const thread = await this.#spawnAt(index, (started, message) => this.#send(started, index, message));
      // Counted only once it waits on the control word.
      this.#threads.push(thread);
    }
  }

  /** A new worker set up as thread `index`, its setup posted by `post` (#send, or #post within the queue). */
  async #spawnAt(index: number, post: (thread: Thread, message: ThreadMessage) => Promise<void>): Promise<Thread> {
    let thread: Thread | undefined;
    thread = await spawn((error) => thread && this.#lost(thread, error), () => this.#whenDone?.());
    await post(thread, {
      type: 'setup', index, control: this.#control, program: this.#program, claims: this.#claims, results: this.#results,
      failure: this.#failure, kernels: KERNEL_NAMES,
    });
    return thread;
  }

  /**
   * Ends the threads that hold a memory since let go and starts new ones in their places, between runs, with
   * instances over the memories the old ones had and still in use (a fit training beside the one that asked).
   */
  #renew(): Promise<void> {
    if (!this.#threads.some((thread) => thread.holdsForgotten)) return Promise.resolve();
    return this.#enqueue(async () => {
      for (const [index, thread] of this.#threads.entries()) {
        if (!thread.holdsForgotten) continue;
        const fresh = await this.#spawnAt(index, (started, message) => this.#post(started, index, message));
        for (const key of thread.attached) {
          const { module, memory } = this.#memories.get(key)!;
          await this.#post(fresh, index, { type: 'attach', key, module, memory });
          fresh.attached.add(key);
        }
        // Replaced before it ends, so that its exit is no loss of the pool's (#lost).
        this.#threads[index] = fresh;
        thread.terminate();
      }
    });
  }

  /**
   * A worker died: a call it held will never finish, and the pool is of no more use. A run awaiting its
   * threads is rejected; the next run starts a new pool.
   */
  #lost(thread: Thread, error: Error): void {
    if (!this.#threads.includes(thread) || this.#broken) return;
    this.#broken = new Error(`mfwasm: a thread of the pool stopped (${error.message.replace(/^mfwasm: /, '')}); the run on it cannot finish — run it again: new threads are started`, { cause: error });
    Atomics.store(this.#control, Control.Broken, 1);
    Atomics.notify(this.#control, Control.Finished);
    for (const other of this.#threads) other.terminate();
    this.#threads = [];
    this.#whenDone?.();
    pool = undefined;
  }

  /** Ends a worker as if it had crashed: how tests check that a run sees a thread die. */
  terminateWorker(index: number): void {
    this.#threads[index]?.terminate();
  }

  /**
   * Posts a message to worker `index` and waits until it is handled (waking the worker if it is waiting on
   * the control word). After whatever is in flight: the Messages command must not overwrite a run's.
   */
  #send(thread: Thread, index: number, message: ThreadMessage): Promise<void> {
    return this.#enqueue(() => this.#post(thread, index, message));
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    // Busy from now, not from when the task starts: a run that begins in between would share the threads with it
    // (a restart ending a thread mid-run left that run waiting for good).
    this.#waiting++;
    const done = this.#queue.then(async () => {
      this.#busy = true;
      try {
        return await task();
      } finally {
        this.#busy = false;
        this.#waiting--;
      }
    });
    this.#queue = done.catch(() => undefined);
    return done;
  }

  /** Whether a run must wait for the queue: a task or a run in flight, or a task waiting its turn. */
  get #occupied(): boolean {
    return this.#busy || this.#waiting > 0;
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

  /**
   * Makes an instance over `instance`'s memory on every worker — after any restart of threads that held a memory let
   * go (#renew, started by detach()): its messages must go to the threads that replace them.
   */
  async attach(instance: SharedInstance, threads: number): Promise<void> {
    await this.grow(threads);
    await this.#renew();
    this.#memories.set(instance.key, instance);
    for (const [index, thread] of this.#threads.entries()) {
      if (thread.attached.has(instance.key)) continue;
      await this.#send(thread, index, { type: 'attach', key: instance.key, module: instance.module, memory: instance.memory });
      thread.attached.add(instance.key);
    }
  }

  /**
   * A memory is gone: the threads with an instance over it are ended and started anew (#renew) at once, between runs.
   * Told to drop the instance instead, a thread kept the memory alive regardless — its heap is collected only when it
   * allocates, and between runs it waits on shared memory — and each threaded fit whose memory was let go added its
   * size to the process for good. (A Node process waits for the new threads to start, a few tens of milliseconds.)
   */
  detach(key: number): void {
    this.#memories.delete(key);
    for (const thread of this.#threads) if (thread.attached.delete(key)) thread.holdsForgotten = true;
    // A failure leaves the threads marked, for the next run's attach() to try again.
    this.#renew().catch(() => undefined);
  }

  /**
   * The runs of one workspace: phases on `threads` threads over an attached memory (`own`: the caller's
   * instance over it), synchronous where the caller may block and every call is done within a short spin.
   * Once its helpers are found starved its runs stay on the calling thread; short runs go there while they are
   * faster there (ThreadChoice).
   */
  runner(key: number, own: Kernels, threads: number, scratch: ScratchLayout): PoolRunner {
    let elapsed = 0;
    let waited = 0;
    let starved = false;
    const choice = new ThreadChoice();
    const timing = { waited: 0 };
    const pool = this;
    return {
      get threads() {
        return starved || choice.way === 'alone' ? 1 : threads;
      },
      run(phases) {
        if (starved) return runHere(own, phases);
        if (!pool.#callerTakesPart) return pool.#enqueue(() => pool.#runOnWorkers(key, phases, threads, scratch));
        // After a run still awaiting its threads, asking again then: another may have started meanwhile.
        if (pool.#occupied) return pool.#queue.then(() => this.run(phases));
        const shape = shapeOf(phases);
        const started = performance.now();
        if (choice.alone(shape)) {
          const results = runHere(own, phases);
          choice.timed(shape, true, performance.now() - started);
          return results;
        }
        timing.waited = 0;
        const account = (results: number[]) => {
          const ms = performance.now() - started;
          choice.timed(shape, false, ms);
          elapsed += ms;
          waited += timing.waited;
          if (elapsed >= STARVED_AFTER_MS && waited > STARVED_SHARE * elapsed) starved = true;
          return results;
        };
        const results = pool.#runHere(key, own, phases, threads, scratch, timing);
        return results instanceof Promise ? results.then(account) : account(results);
      },
    };
  }

  /** A run the calling thread takes part in: commands one after another, awaiting only when it must. */
  #runHere(key: number, own: Kernels, phases: readonly Phase[], threads: number, scratch: ScratchLayout, timing: { waited: number }): Awaitable<number[]> {
    if (this.#broken) throw this.#broken;
    const results: number[] = [];
    const all = commands(phases);
    const from = (next: number): Awaitable<number[]> => {
      for (let c = next; c < all.length; c++) {
        const done = this.#command(key, own, all[c], threads, scratch, results, timing);
        if (done instanceof Promise) {
          const rest = done.then(() => from(c + 1));
          // After what was queued meanwhile by an earlier await of this run, so that the queue stays one line.
          this.#queue = this.#queue.then(() => rest).catch(() => undefined);
          this.#busy = true;
          return rest.finally(() => (this.#busy = false));
        }
      }
      return results;
    };
    return from(0);
  }

  /** A command with the caller as thread 0: its calls, then a spin for the others', then an await. */
  #command(key: number, own: Kernels, phases: readonly Phase[], threads: number, scratch: ScratchLayout, results: number[], timing: { waited: number }): void | Promise<void> {
    const control = this.#control;
    const tag = this.#open(key, phases, threads, scratch, false);
    const share = new Share(own, control, this.#program, this.#claims, this.#results, this.#failure, KERNEL_NAMES, tag, 0);
    const finished = (count: number) => () => Atomics.load(control, Control.Finished) >= count;
    const proceed = (): void | Promise<void> => {
      for (;;) {
        const end = share.work();
        const target = end < 0 ? share.total : end;
        const waitFrom = performance.now();
        if (!spinUntil(finished(target), SPIN_MICROS)) {
          return this.#awaitFinished(target).then(() => {
            timing.waited += performance.now() - waitFrom;
            return proceed();
          });
        }
        timing.waited += performance.now() - waitFrom;
        if (target === share.total) return this.#close(results, share.total);
      }
    };
    return proceed();
  }

  /** Awaits `count` finished calls without blocking, so that a worker's death (its 'exit' event) is seen. */
  async #awaitFinished(count: number): Promise<void> {
    const control = this.#control;
    const waitAsync = (Atomics as { waitAsync?: (array: Int32Array, index: number, value: number, timeout: number) => { async: boolean; value: unknown } }).waitAsync;
    // A pending waitAsync does not keep a Node process alive, and the workers are unref'd: a timer does.
    const alive = setInterval(() => {}, 1000);
    try {
      for (;;) {
        if (this.#broken) throw this.#broken;
        const seen = Atomics.load(control, Control.Finished);
        if (seen >= count) return;
        if (waitAsync) {
          const waiting = waitAsync(control, Control.Finished, seen, 50);
          if (waiting.async) await waiting.value;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    } finally {
      clearInterval(alive);
    }
  }

  /** A run on a page's main thread: the workers do every call; the one finishing the last posts 'done'. */
  async #runOnWorkers(key: number, phases: readonly Phase[], threads: number, scratch: ScratchLayout): Promise<number[]> {
    const results: number[] = [];
    for (const command of commands(phases)) {
      if (this.#broken) throw this.#broken;
      const finished = new Promise<void>((resolve) => (this.#whenDone = resolve));
      this.#open(key, command, threads, scratch, true);
      if (callsOf(command) > 0) await finished;
      if (this.#broken) throw this.#broken;
      this.#close(results, callsOf(command));
    }
    return results;
  }

  /** Writes a command's program, opens it under a new tag and wakes the threads; returns the tag. */
  #open(key: number, phases: readonly Phase[], threads: number, scratch: ScratchLayout, postWhenDone: boolean): number {
    const control = this.#control;
    const program = this.#program;
    let at = 0;
    program[at++] = phases.length;
    for (const phase of phases) {
      program[at++] = phase.length;
      for (const [name, ...args] of phase) {
        program[at++] = KERNEL_INDEX.get(name)!;
        program[at++] = args.length;
        for (const arg of args) program[at++] = arg as number;
      }
    }
    if (this.#tag === LAST_TAG) this.#restartTags();
    const tag = ++this.#tag;
    Atomics.store(control, Control.Command, Command.Run);
    Atomics.store(control, Control.Key, key);
    Atomics.store(control, Control.Participants, threads);
    Atomics.store(control, Control.FirstWorker, this.#callerTakesPart ? 1 : 0);
    Atomics.store(control, Control.Finished, 0);
    Atomics.store(control, Control.Failed, 0);
    Atomics.store(control, Control.PostWhenDone, postWhenDone ? 1 : 0);
    Atomics.store(control, Control.ScratchStart, scratch.start);
    Atomics.store(control, Control.ScratchStride, scratch.stride);
    Atomics.store(control, Control.Open, tag);
    Atomics.add(control, Control.Sequence, 1);
    Atomics.notify(control, Control.Sequence);
    return tag;
  }

  /** Closes the open command (late threads then claim nothing) and collects its results, or its failure. */
  #close(results: number[], calls: number): void {
    const control = this.#control;
    Atomics.store(control, Control.Open, 0);
    if (Atomics.load(control, Control.Failed)) {
      const length = Atomics.load(control, Control.FailureLength);
      throw new Error(`mfwasm: ${new TextDecoder().decode(this.#failure.slice(0, length))}`);
    }
    for (let c = 0; c < calls; c++) results.push(this.#results[c]);
  }

  /**
   * Tags start again at 1 with every claim cleared, once no worker can still write an old tag (each says
   * when it may): a worker late by 2^31 runs would otherwise see the new, smaller tags as older than its own.
   */
  #restartTags(): void {
    const control = this.#control;
    for (let index = 0; index < this.#threads.length; index++) {
      while (Atomics.load(control, Control.Claiming + index)) Atomics.wait(control, Control.Claiming + index, 1, 1);
    }
    this.#claims.fill(0);
    this.#tag = 0;
  }
}

/** Calls of a command. */
function callsOf(phases: readonly Phase[]): number {
  let calls = 0;
  for (const phase of phases) calls += phase.length;
  return calls;
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
