import { fileURLToPath } from 'node:url';
import { startChild } from './child.mjs';

const FILE = fileURLToPath(new URL('./servers/receiver.mjs', import.meta.url));

/**
 * Starts the webhook receiver in a child process. `arrivals` collects `[messageId, epochMs]` for
 * requests whose body names a message, once `track(true)` was called.
 */
export async function startReceiver() {
  const child = startChild(FILE);
  const { port } = await child.next('ready', 15_000);
  const arrivals = new Map();
  const listeners = new Set();
  child.child.on('message', (m) => {
    if (m?.type !== 'arrivals') return;
    for (const [id, at] of m.arrivals) {
      arrivals.set(id, at);
      for (const fn of listeners) fn(id, at);
    }
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    /** Calls `fn(id, at)` for every tracked arrival. */
    onArrival(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    track(on) {
      child.send({ type: 'track', on });
    },
    async count() {
      child.send({ type: 'count' });
      return (await child.next('count', 10_000)).count;
    },
    stop: () => child.stop(),
  };
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable with the receiver's. */
export function epochNow() {
  return performance.timeOrigin + performance.now();
}
