// The script a Web Worker runs.
import { serve } from './protocol.js';

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
};
serve({
  postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []),
  listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  close: () => scope.close(),
});
