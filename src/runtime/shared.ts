// What the pool (threads.ts) and its threads (thread.ts) share: the words of the control array, the
// messages, the barrier and how a thread runs its share of a program. Nothing here starts a thread.

export type ThreadMessage =
  | { type: 'setup'; index: number; control: Int32Array; program: Float64Array; results: Float64Array; failure: Uint8Array; kernels: readonly string[] }
  | { type: 'attach'; key: number; module: WebAssembly.Module; memory: WebAssembly.Memory }
  | { type: 'detach'; key: number };

export type ThreadReply = { type: 'ready' } | { type: 'handled' } | { type: 'done' };

/** Words of the control array, shared by every thread of the pool. */
export const enum Control {
  /** Bumped for every command; threads wait on it between runs. */
  Sequence = 0,
  /** The command: Run or Messages. */
  Command = 1,
  /** The memory the run works in (SharedInstance.key). */
  Key = 2,
  /** Threads taking part in the run, the caller included when it takes part. */
  Participants = 3,
  /** The thread index of the pool's first worker: 1 when the caller is thread 0, else 0. */
  FirstWorker = 4,
  /** Workers done with the current command. */
  Done = 5,
  /** Barrier: threads arrived, and its generation. */
  Arrived = 6,
  Generation = 7,
  /** 1 once a kernel has failed in the current run; its message is in the failure bytes. */
  Failed = 8,
  FailureLength = 9,
  /** 1: the last worker done posts 'done' (the caller cannot wait on the Done word). */
  PostWhenDone = 10,
  /** Workers in the pool. */
  Workers = 11,
  /** How long a thread spins before it sleeps (see spinsFor). */
  Spins = 12,
  /** From here, per worker: messages posted to it and not yet handled. */
  Pending = 16,
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

/** Spins this many times before sleeping: barriers between short phases are met sooner than a sleep wakes. */
/**
 * Spins (about a nanosecond each) before a waiting thread sleeps. Waking a sleeping thread took 50–200 µs on
 * this project's virtual machine, more than many phases: with no more threads than cores, spinning a
 * millisecond or so costs nothing (the cores are ours) and took sgd on MovieLens from 1.2× to up to 1.9× on two
 * threads. With more threads than cores a spinning thread holds the core another needs: then sleep soon.
 */
export function spinsFor(threads: number, cores: number): number {
  return threads <= cores ? 1 << 20 : 2000;
}

/** Waits until all `participants` threads have arrived. */
export function barrier(control: Int32Array, participants: number): void {
  const generation = Atomics.load(control, Control.Generation);
  if (Atomics.add(control, Control.Arrived, 1) === participants - 1) {
    Atomics.store(control, Control.Arrived, 0);
    Atomics.add(control, Control.Generation, 1);
    Atomics.notify(control, Control.Generation);
    return;
  }
  const spins = Atomics.load(control, Control.Spins);
  for (let spin = 0; spin < spins; spin++) if (Atomics.load(control, Control.Generation) !== generation) return;
  while (Atomics.load(control, Control.Generation) === generation) Atomics.wait(control, Control.Generation, generation);
}

/**
 * Runs this thread's share of the program in `program` (phases of calls: kernel index, argument count,
 * arguments), meeting the others at a barrier between phases; results go to `results`, by call.
 */
export function runShare(
  kernels: Record<string, (...args: number[]) => number> | undefined, control: Int32Array, program: Float64Array, results: Float64Array,
  failure: Uint8Array, thread: number, names: readonly string[],
): void {
  const participants = Atomics.load(control, Control.Participants);
  const phases = program[0];
  let at = 1;
  let index = 0;
  let failed = kernels === undefined;
  for (let p = 0; p < phases; p++) {
    const calls = program[at++];
    for (let c = 0; c < calls; c++) {
      const name = names[program[at]];
      const count = program[at + 1];
      if (!failed && c % participants === thread) {
        const args = Array.from(program.subarray(at + 2, at + 2 + count));
        try {
          results[index] = kernels![name](...args);
        } catch (error) {
          failed = true;
          fail(control, failure, `kernel ${name} failed on thread ${thread}: ${(error as Error)?.message ?? error}`);
        }
      }
      at += 2 + count;
      index++;
    }
    // After a failure the thread still meets the others at every barrier, so that none waits for ever.
    if (p < phases - 1) barrier(control, participants);
  }
  if (kernels === undefined) fail(control, failure, `thread ${thread} has no instance of this run's memory`);
}

function fail(control: Int32Array, failure: Uint8Array, message: string): void {
  if (Atomics.compareExchange(control, Control.Failed, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, failure.length);
  failure.set(bytes);
  Atomics.store(control, Control.FailureLength, bytes.length);
}

