// The script each pool thread runs (src/runtime/threads.ts), in Node's worker_threads and in browsers'
// Web Workers alike. Between runs it waits on the control word; a run's program is read from shared
// memory and its share run on the instance of the run's memory. It goes back to its event loop only
// when a message is posted to it (setup, a memory to attach or to forget).
import { Command, Control, nodeModule, nodeProcess, runShare, type ThreadMessage, type ThreadReply } from './shared.js';

type KernelTable = Record<string, (...args: number[]) => number>;

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

/** Longest sleep between two looks at the control word when idle. */
const IDLE_WAIT_MS = 20;
/** Spins of a thread left out of the last run before it sleeps. */
const IDLE_SPINS = 2000;

const instances = new Map<number, KernelTable>();
let setup: Extract<ThreadMessage, { type: 'setup' }> | undefined;
/** The last command seen. */
let seen = 0;

/** Runs commands until one says a message waits for this thread. */
function serve(channel: Port): void {
  const { control, program, results, failure, kernels: names, index } = setup!;
  // Whether this thread took part in the last run: only then is the next command likely soon (the next
  // epoch), and only then may it spin — a thread left out spinning would take a core from those working.
  let active = false;
  for (;;) {
    const spins = active ? Atomics.load(control, Control.Spins) : IDLE_SPINS;
    for (let spin = 0; Atomics.load(control, Control.Sequence) === seen; spin++) {
      // Timed: a thread asleep in Atomics.wait does not see Worker.terminate(), which Node's exit waits for.
      if (spin > spins) Atomics.wait(control, Control.Sequence, seen, IDLE_WAIT_MS);
    }
    seen = Atomics.load(control, Control.Sequence);
    if (Atomics.load(control, Control.Command) === Command.Run) {
      const thread = Atomics.load(control, Control.FirstWorker) + index;
      active = thread < Atomics.load(control, Control.Participants);
      if (active) {
        runShare(instances.get(Atomics.load(control, Control.Key)), control, program, results, failure, thread, names);
      }
      if (Atomics.add(control, Control.Done, 1) === Atomics.load(control, Control.Workers) - 1) {
        Atomics.notify(control, Control.Done);
        if (Atomics.load(control, Control.PostWhenDone)) channel.post({ type: 'done' });
      }
    }
    // A message posted to this thread waits in its event loop: go there, whatever command woke it (a run
    // may have followed the Messages command before this thread looked).
    if (Atomics.load(control, Control.Pending + index) > 0) return;
  }
}

// No top-level await: bundlers build worker scripts in formats without it.
void port().then((channel) => {
  channel.listen((message) => {
    switch (message.type) {
      case 'setup':
        setup = message;
        seen = Atomics.load(message.control, Control.Sequence);
        break;
      case 'attach': {
        const imports = { env: { memory: message.memory, abort: () => { throw new Error('a kernel aborted'); } } };
        instances.set(message.key, new WebAssembly.Instance(message.module, imports).exports as unknown as KernelTable);
        break;
      }
      case 'detach':
        instances.delete(message.key);
        break;
    }
    const { control, index } = setup!;
    channel.post({ type: 'handled' });
    if (Atomics.sub(control, Control.Pending + index, 1) === 1) serve(channel);
  });
  channel.post({ type: 'ready' });
});
