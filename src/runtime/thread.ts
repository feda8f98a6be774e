// The script each pool thread runs (src/runtime/threads.ts), in Node's worker_threads and in browsers'
// Web Workers alike: it instantiates the threaded build on a run's shared memory and runs its share of
// each phase's kernel calls, meeting the other threads at a barrier between phases.
import { nodeModule, nodeProcess, type ThreadMessage, type ThreadReply } from './threads.js';

type KernelTable = Record<string, (...args: unknown[]) => number>;

interface Port {
  post(reply: ThreadReply): void;
  listen(handler: (message: ThreadMessage) => void): void;
}

async function port(): Promise<Port> {
  if (nodeProcess) {
    const { parentPort } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
    if (!parentPort) throw new Error('mfwasm: runtime/thread.js is a worker script, started by the thread pool');
    return { post: (reply) => parentPort.postMessage(reply), listen: (handler) => parentPort.on('message', handler) };
  }
  const scope = globalThis as unknown as { postMessage(reply: unknown): void; addEventListener(type: 'message', handler: (event: MessageEvent) => void): void };
  return { post: (reply) => scope.postMessage(reply), listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)) };
}

/** Spins this many times before sleeping at a barrier: phases are often shorter than a sleep and wake. */
const SPINS = 20000;

/** Waits until all `threads` threads have arrived (control: [arrived, generation]). */
function barrier(control: Int32Array, threads: number): void {
  const generation = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === threads - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
    return;
  }
  for (let spin = 0; spin < SPINS; spin++) if (Atomics.load(control, 1) !== generation) return;
  while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation);
}

const instances = new Map<number, KernelTable>();

// No top-level await: bundlers build worker scripts in formats without it.
void port().then((channel) => {
channel.listen((message) => {
  switch (message.type) {
    case 'attach': {
      const imports = { env: { memory: message.memory, abort: () => { throw new Error('mfwasm: a kernel aborted'); } } };
      instances.set(message.key, new WebAssembly.Instance(message.module, imports).exports as unknown as KernelTable);
      return;
    }
    case 'detach':
      instances.delete(message.key);
      return;
    case 'run': {
      const { key, phases, thread, threads, control, results } = message;
      const kernels = instances.get(key);
      let failure: string | undefined = kernels ? undefined : `mfwasm: thread ${thread} has no instance for memory ${key}`;
      let index = 0;
      for (let p = 0; p < phases.length; p++) {
        const phase = phases[p];
        // After a failure the thread still meets the others at every barrier, so that none waits for ever.
        for (let c = thread; failure === undefined && c < phase.length; c += threads) {
          const [name, ...args] = phase[c];
          try {
            results[index + c] = kernels![name](...args);
          } catch (error) {
            failure = `mfwasm: kernel ${name} failed on thread ${thread}: ${(error as Error)?.message ?? error}`;
          }
        }
        index += phase.length;
        if (p < phases.length - 1) barrier(control, threads);
      }
      channel.post({ type: 'done', failure });
      return;
    }
  }
});
channel.post({ type: 'ready' });
});
