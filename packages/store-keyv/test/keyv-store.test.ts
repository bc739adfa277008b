import { describe, expect, it } from 'vitest';
import { openMemoryBackend } from '../src/backends/memory.js';
import type { StoreBackend } from '../src/index.js';
import { KeyvStore } from '../src/index.js';

/** A memory backend with some of its calls replaced, to drive KeyvStore into its failure paths. */
function backendWith(overrides: Partial<StoreBackend>): StoreBackend {
  return { ...openMemoryBackend(), ...overrides };
}

describe('KeyvStore over a StoreBackend', () => {
  it('update gives up with a StoreError after maxUpdateAttempts lost compare-and-sets, writing nothing', async () => {
    const backend = backendWith({ compareAndSwap: async () => false });
    const store = new KeyvStore(backend, { maxUpdateAttempts: 5 });
    let calls = 0;
    await expect(
      store.update<number>('ns', 'k', (n) => {
        calls++;
        return (n ?? 0) + 1;
      }),
    ).rejects.toMatchObject({ name: 'StoreError', message: expect.stringContaining('5 times') });
    expect(calls).toBe(5);
    expect(await store.get('ns', 'k')).toBeUndefined();
    await store.close();
  });

  it('update re-runs fn on the newer value after losing one race', async () => {
    const inner = openMemoryBackend();
    let interfered = false;
    const store = new KeyvStore({
      ...inner,
      async compareAndSwap(key, expected, next) {
        if (!interfered) {
          // Another writer lands between our read and our write.
          interfered = true;
          await inner.write([{ key, text: '10' }]);
        }
        return inner.compareAndSwap(key, expected, next);
      },
    });
    const seen: Array<number | undefined> = [];
    const result = await store.update<number>('ns', 'k', (n) => {
      seen.push(n);
      return (n ?? 0) + 1;
    });
    expect(seen).toEqual([undefined, 10]);
    expect(result).toBe(11);
    expect(await store.get('ns', 'k')).toBe(11);
    await store.close();
  });

  it('a failing backend call becomes a StoreError that keeps the cause', async () => {
    const boom = new Error('connection reset');
    const store = new KeyvStore(
      backendWith({
        scan: async () => {
          throw boom;
        },
      }),
    );
    const error = await store.list('ns').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'StoreError',
      message: 'memory store: list failed: connection reset',
    });
    expect((error as Error).cause).toBe(boom);
    await store.close();
  });

  it('writes the last op per key of a batch once, with every key distinct', async () => {
    const inner = openMemoryBackend();
    const seen: Array<Array<{ key: string; text: string | undefined }>> = [];
    const store = new KeyvStore(
      {
        ...inner,
        async write(writes) {
          seen.push([...writes]);
          return inner.write(writes);
        },
      },
      { prefix: 'p' },
    );
    await store.batch([
      { namespace: 'a', key: 'k', value: 1 },
      { namespace: 'b', key: 'k', value: 2 },
      { namespace: 'a', key: 'k', value: undefined },
    ]);
    expect(seen).toEqual([
      [
        { key: 'p:a:k', text: undefined },
        { key: 'p:b:k', text: '2' },
      ],
    ]);
    await store.close();
  });

  it('close closes the backend once', async () => {
    let closes = 0;
    const store = new KeyvStore(backendWith({ close: async () => void closes++ }));
    await store.close();
    await store.close();
    expect(closes).toBe(1);
  });
});
