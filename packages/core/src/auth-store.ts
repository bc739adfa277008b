import type { AuthStore } from './driver.js';
import { Namespaces, type Store } from './store.js';

/** The driver's credential area for one instance: `auth` namespace, keys prefixed by the instance id. */
export function instanceAuthStore(store: Store, instanceId: string): AuthStore {
  const prefix = `${instanceId}:`;
  return {
    get: <T>(key: string) => store.get<T>(Namespaces.auth, prefix + key),
    setMany: (entries) =>
      store.batch(
        Object.entries(entries).map(([key, value]) => ({
          namespace: Namespaces.auth,
          key: prefix + key,
          value,
        })),
      ),
    clear: async () => {
      const entries = await store.list(Namespaces.auth, prefix);
      if (entries.length) {
        await store.batch(entries.map((e) => ({ namespace: Namespaces.auth, key: e.key, value: undefined })));
      }
    },
  };
}
