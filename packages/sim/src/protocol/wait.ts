import type { EventEmitter } from 'node:events';
import { StateError } from '@wabot/core';

/**
 * Resolves with the first already-present item or the next emitted one that matches, or rejects
 * with a StateError after `timeoutMs`.
 */
export function waitFor<T>(
  emitter: EventEmitter,
  event: string,
  existing: readonly T[],
  predicate: (item: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const found = existing.find(predicate);
  if (found !== undefined) {
    return Promise.resolve(found);
  }
  return new Promise<T>((resolve, reject) => {
    const onItem = (item: T) => {
      if (predicate(item)) {
        cleanup();
        resolve(item);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new StateError(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(event, onItem);
    };
    emitter.on(event, onItem);
  });
}
