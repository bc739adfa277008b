import { type RawWrite, rawKeyv, type StoreBackend } from '../backend.js';

/**
 * Keyv's in-memory Map. Every operation is synchronous underneath, so batches and compare-and-set
 * are trivially atomic. Data is gone when the process ends.
 */
export function openMemoryBackend(): StoreBackend {
  const map = new Map<string, string>();
  return {
    kind: 'memory',
    keyv: rawKeyv(map),
    async readRaw(key) {
      return map.get(key);
    },
    async scan(prefix) {
      return [...map.entries()].filter(([key]) => key.startsWith(prefix));
    },
    async write(writes: ReadonlyArray<RawWrite>) {
      for (const { key, text } of writes) {
        if (text === undefined) map.delete(key);
        else map.set(key, text);
      }
    },
    async compareAndSwap(key, expected, next) {
      if (map.get(key) !== expected) return false;
      if (next === undefined) map.delete(key);
      else map.set(key, next);
      return true;
    },
    async close() {
      map.clear();
    },
  };
}
