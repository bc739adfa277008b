import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';

export interface StoreContractOptions {
  /** Name shown in the test report. */
  name: string;
}

/**
 * The behaviour every `Store` must have. Run it from an adapter's tests:
 * `storeContract(() => new MyStore(), { name: 'my store' })`.
 */
export function storeContract(factory: () => Store | Promise<Store>, options: StoreContractOptions): void {
  describe(`Store contract: ${options.name}`, () => {
    it('round-trips a value', async () => {
      const store = await factory();
      await store.set('ns', 'k', { a: 1 });
      expect(await store.get('ns', 'k')).toEqual({ a: 1 });
      await store.close();
    });
  });
}
