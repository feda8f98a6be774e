// A turn of the event loop for long work that must stay abortable: setTimeout(0) waits at least 1 ms in Node
// and 4 ms once nested in browsers, which cost a tenth of a fit's time (browsers: more) when it yields every
// 10–20 ms; setImmediate (Node) and a MessageChannel task (browsers, workers) wait for nothing but the turn.

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

/** Resolves on the next turn of the event loop, after the events (a Ctrl-C, a click, a message) it brings. */
export function nextTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}
