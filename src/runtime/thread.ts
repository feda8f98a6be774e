// The script each pool thread runs (src/runtime/threads.ts), in Node's worker_threads and in browsers'
// Web Workers alike. Between runs it waits on the control word; a run's program is read from shared
// memory and its share run on the instance of the run's memory. It goes back to its event loop only
// when a message is posted to it (setup, a memory to attach); a thread whose memory was let go is ended instead.
import { Command, Control, nodeModule, nodeProcess, Share, spinUntil, waitFinished, type ThreadMessage, type ThreadReply } from './shared.js';

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

const instances = new Map<number, KernelTable>();
let setup: Extract<ThreadMessage, { type: 'setup' }> | undefined;
/** The last command seen. */
let seen = 0;

/** Runs commands until one says a message waits for this thread. */
function serve(channel: Port): void {
  const { control, program, claims, results, failure, kernels: names, index } = setup!;
  // Whether this thread took part in the last run: only then is the next command likely soon (the next
  // epoch), and only then is it worth a spin.
  let active = false;
  for (;;) {
    if (!(active && spinUntil(() => Atomics.load(control, Control.Sequence) !== seen, Atomics.load(control, Control.SpinMicros)))) {
      // Timed: a thread asleep in Atomics.wait does not see Worker.terminate(), which Node's exit waits for.
      while (Atomics.load(control, Control.Sequence) === seen) Atomics.wait(control, Control.Sequence, seen, IDLE_WAIT_MS);
    }
    seen = Atomics.load(control, Control.Sequence);
    active = false;
    Atomics.store(control, Control.Claiming + index, 1);
    const tag = Atomics.load(control, Control.Open);
    if (Atomics.load(control, Control.Command) === Command.Run && tag !== 0) {
      const thread = Atomics.load(control, Control.FirstWorker) + index;
      if (thread < Atomics.load(control, Control.Participants)) {
        active = true;
        const share = new Share(instances.get(Atomics.load(control, Control.Key)), control, program, claims, results, failure, names, tag, thread);
        share.onRunDone = () => channel.post({ type: 'done' });
        const spin = Atomics.load(control, Control.SpinMicros);
        // Past the last phase nothing waits for this thread: back to the command word at once.
        for (let end = share.work(); end >= 0 && end < share.total; end = share.work()) waitFinished(control, tag, end, spin);
      }
    }
    Atomics.store(control, Control.Claiming + index, 0);
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
    }
    const { control, index } = setup!;
    channel.post({ type: 'handled' });
    if (Atomics.sub(control, Control.Pending + index, 1) === 1) serve(channel);
  });
  channel.post({ type: 'ready' });
});
