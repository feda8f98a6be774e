// What the pool (threads.ts) and its threads (thread.ts) share: the words of the control array, the
// messages, and how a thread takes its share of a run. Nothing here starts a thread.
//
// A run's calls are claimed, not assigned: each call has a claim word, and a thread claims a call by
// writing the run's tag into it. Calls of a phase touch disjoint memory and write their results to
// their own slots, so whichever thread runs a call, and in whatever order, the bits are the same; a
// thread that is late (asleep, or descheduled by another process) simply claims fewer calls, and one
// that never comes costs nothing. Phases are gated by a count of finished calls, not by a barrier of
// threads: nobody waits for a thread that holds no call.
import { SCRATCH_PARAMETERS, type KernelName } from './kernels.js';

export type ThreadMessage =
  | {
    type: 'setup'; index: number; control: Int32Array; program: Float64Array; claims: Int32Array; results: Float64Array;
    failure: Uint8Array; kernels: readonly string[];
  }
  | { type: 'attach'; key: number; module: WebAssembly.Module; memory: WebAssembly.Memory };

export type ThreadReply = { type: 'ready' } | { type: 'handled' } | { type: 'done' };

/** Words of the control array, shared by every thread of the pool. */
export const enum Control {
  /** Bumped for every command; threads wait on it between runs. */
  Sequence = 0,
  /** The command: Run or Messages. */
  Command = 1,
  /** The memory the run works in (SharedInstance.key). */
  Key = 2,
  /** Threads that may take part in the run, the caller included when it takes part. */
  Participants = 3,
  /** The thread index of the pool's first worker: 1 when the caller is thread 0, else 0. */
  FirstWorker = 4,
  /** The tag of the run whose calls may be claimed; 0 while none is open. */
  Open = 5,
  /** Calls of the open run finished (phase p may start once the calls of the phases before it are). */
  Finished = 6,
  /** 1 once a kernel has failed in the current run; its message is in the failure bytes. */
  Failed = 7,
  FailureLength = 8,
  /** 1: the thread finishing a run's last call posts 'done' (the caller cannot wait on shared memory). */
  PostWhenDone = 9,
  /** Microseconds a waiting thread spins before it sleeps. */
  SpinMicros = 11,
  /** Byte offset of thread 0's scratch region, and the bytes from one thread's region to the next (0: none). */
  ScratchStart = 12,
  ScratchStride = 13,
  /** 1 once the pool is broken (a thread died): waiting threads give up. */
  Broken = 14,
  /** From here, per worker: messages posted to it and not yet handled. */
  Pending = 16,
  /** From here, per worker: 1 from before it reads Open until it is done claiming (see ThreadPool's tags). */
  Claiming = 16 + 128,
}

export const enum Command {
  Run = 1,
  /** Workers with messages pending go back to their event loop to handle them. */
  Messages = 2,
}

/** Node's process object when running in Node (read through globalThis: browsers have none). */
export const nodeProcess = ((globalThis as { process?: NodeJS.Process }).process?.versions?.node ? (globalThis as { process?: NodeJS.Process }).process : undefined);

/** Node's modules, loaded only in Node; the specifier is hidden from bundlers so browser builds skip it. */
export async function nodeModule<T>(name: string): Promise<T> {
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as T;
}

/**
 * How long a thread with nothing to do spins before it sleeps. Waking a sleeping thread takes 50–200 µs on
 * a virtual machine, so a short spin catches the next phase of a busy run; a long one would take the core
 * from whatever else the machine runs (another process, or the thread holding the call everyone waits for).
 */
export const SPIN_MICROS = 100;

/** Spins until `ready()` or `micros` have passed; whether it became ready. */
export function spinUntil(ready: () => boolean, micros: number): boolean {
  if (ready()) return true;
  const until = performance.now() + micros / 1000;
  for (let spin = 1; ; spin++) {
    if (ready()) return true;
    // The clock is read now and then: it costs more than a load.
    if ((spin & 63) === 0 && performance.now() >= until) return ready();
  }
}

type KernelTable = Record<string, (...args: number[]) => number>;

/**
 * One thread's part in one run: the program parsed, and calls claimed phase after phase. `work()` claims
 * and runs what it can of the current phase and returns the count of finished calls the thread must see
 * before it goes on (the end of that phase), or −1 once it has gone through every phase.
 */
export class Share {
  readonly total: number;
  /** Program offset of each call; end (exclusive) of each phase's calls. */
  readonly #at: Int32Array;
  readonly #phaseEnd: Int32Array;
  #phase = 0;
  readonly #tag: number;
  readonly #thread: number;
  readonly #participants: number;
  #failed = false;
  /** True once the run this share was parsed for turned out to be closed: nothing more is claimed. */
  stale = false;

  constructor(
    readonly kernels: KernelTable | undefined, readonly control: Int32Array, readonly program: Float64Array, readonly claims: Int32Array,
    readonly results: Float64Array, readonly failure: Uint8Array, readonly names: readonly string[], tag: number, thread: number,
  ) {
    this.#tag = tag;
    this.#thread = thread;
    this.#participants = Atomics.load(control, Control.Participants);
    // The program may be rewritten under a late thread (its run over and the next one written): every
    // count is bounded, and nothing parsed is run unless a claim proves the run still open.
    const limit = program.length;
    const phases = Math.min(Math.max(0, program[0] | 0), limit);
    const at: number[] = [];
    const phaseEnd = new Int32Array(phases);
    let offset = 1;
    for (let p = 0; p < phases && offset < limit; p++) {
      const calls = Math.max(0, program[offset++] | 0);
      for (let c = 0; c < calls && offset < limit; c++) {
        at.push(offset);
        offset += 2 + Math.max(0, program[offset + 1] | 0);
      }
      phaseEnd[p] = at.length;
    }
    this.#at = Int32Array.from(at);
    this.#phaseEnd = phaseEnd;
    this.total = at.length;
    if (kernels === undefined) {
      this.#failed = true;
      fail(control, failure, `thread ${thread} has no instance of this run's memory`);
    }
  }

  work(): number {
    if (this.stale || this.#phase >= this.#phaseEnd.length) return -1;
    const first = this.#phase === 0 ? 0 : this.#phaseEnd[this.#phase - 1];
    const end = this.#phaseEnd[this.#phase++];
    const count = end - first;
    // Each thread starts at its own part of the phase: neighbouring calls (rows, columns, sgd's shares
    // of a round) stay with one thread, and its cache, when every thread is there.
    const start = Math.floor((count * this.#thread) / this.#participants);
    for (let step = 0; step < count; step++) {
      const call = first + ((start + step) % count);
      if (!this.#claim(call)) {
        if (this.stale) return -1;
        continue;
      }
      this.#run(call);
      if (Atomics.add(this.control, Control.Finished, 1) + 1 === end) this.#phaseDone(end);
    }
    return end;
  }

  /** Claims a call of the open run: false if another thread has it, or the run is over (then stale). */
  #claim(call: number): boolean {
    const claims = this.claims;
    for (;;) {
      const seen = Atomics.load(claims, call);
      // Taken in this run, or in a later one (then this share is stale): tags only grow.
      if (seen >= this.#tag) return false;
      if (Atomics.compareExchange(claims, call, seen, this.#tag) === seen) break;
    }
    // The run cannot close while a call of it is unfinished, and this one is: if it is open now, it is ours.
    if (Atomics.load(this.control, Control.Open) !== this.#tag) {
      this.stale = true;
      return false;
    }
    return true;
  }

  #run(call: number): void {
    if (this.#failed) return;
    const { program, names } = this;
    const at = this.#at[call];
    const name = names[program[at]];
    const args = Array.from(program.subarray(at + 2, at + 2 + program[at + 1]));
    const scratch = SCRATCH_PARAMETERS[name as KernelName];
    if (scratch && this.#thread > 0) {
      // A scratch buffer named by a call is the running thread's own region of it.
      const start = Atomics.load(this.control, Control.ScratchStart);
      const stride = Atomics.load(this.control, Control.ScratchStride);
      for (const p of scratch) if (args[p] >= start && args[p] < start + stride) args[p] += this.#thread * stride;
    }
    try {
      this.results[call] = this.kernels![name](...args);
    } catch (error) {
      this.#failed = true;
      fail(this.control, this.failure, `kernel ${name} failed on thread ${this.#thread}: ${(error as Error)?.message ?? error}`);
    }
  }

  #phaseDone(end: number): void {
    Atomics.notify(this.control, Control.Finished);
    if (end === this.total && Atomics.load(this.control, Control.PostWhenDone)) this.onRunDone?.();
  }

  /** Called by the thread that finishes the run's last call, when the caller waits for a message. */
  onRunDone: (() => void) | undefined;
}

/**
 * Blocks until `finished` calls of run `tag` are, the run is no longer open (this thread was late) or the
 * pool breaks. Workers only: the caller never blocks for long (src/runtime/threads.ts).
 */
export function waitFinished(control: Int32Array, tag: number, finished: number, micros: number): void {
  const over = () => Atomics.load(control, Control.Finished) >= finished || Atomics.load(control, Control.Open) !== tag;
  if (spinUntil(over, micros)) return;
  for (;;) {
    const seen = Atomics.load(control, Control.Finished);
    if (over() || Atomics.load(control, Control.Broken)) return;
    // Timed: a thread asleep in Atomics.wait does not see Worker.terminate(), which Node's exit waits for.
    Atomics.wait(control, Control.Finished, seen, 20);
  }
}

export function fail(control: Int32Array, failure: Uint8Array, message: string): void {
  if (Atomics.compareExchange(control, Control.Failed, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, failure.length);
  failure.set(bytes);
  Atomics.store(control, Control.FailureLength, bytes.length);
}
