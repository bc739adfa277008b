import { Keyv, type KeyvStoreAdapter } from 'keyv';

/** One write of a batch on raw keys: `text` is the encoded value, `undefined` deletes. */
export interface RawWrite {
  key: string;
  text: string | undefined;
}

/**
 * What `KeyvStore` needs from a backend. Plain reads and writes go through `keyv`; the rest is what
 * Keyv's adapter contract has no portable call for (ordered prefix listing, multi-key atomic writes,
 * compare-and-set), so each backend does it with its own driver on the same keys and the same text
 * that Keyv stores.
 */
export interface StoreBackend {
  /** Short name for messages: `sqlite`, `redis`, `postgres` or `memory`. */
  readonly kind: string;
  /** A Keyv over this backend's adapter, storing the raw keys and texts unchanged. */
  readonly keyv: Keyv<string>;
  /** The text stored under `key`, exactly as written. */
  readRaw(key: string): Promise<string | undefined>;
  /** Every entry whose key starts with `prefix` (literally), in any order. */
  scan(prefix: string): Promise<Array<[key: string, text: string]>>;
  /** Applies every write; keys are distinct. Each backend documents how atomic this is. */
  write(writes: ReadonlyArray<RawWrite>): Promise<void>;
  /**
   * Replaces the text under `key` with `next` (deleting when `undefined`) only if it still is
   * `expected` (`undefined`: only if absent). Resolves false when another writer got there first.
   */
  compareAndSwap(key: string, expected: string | undefined, next: string | undefined): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A Keyv that hands strings to the adapter untouched: `KeyvStore` encodes values itself (keeping
 * binary data exact), and keys are used as given so the backend's own queries see the same rows.
 */
export function rawKeyv(store: KeyvStoreAdapter | Map<string, string>): Keyv<string> {
  const keyv = new Keyv<string>({
    store,
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
    serialize: (data) => String(data.value),
    deserialize: (text) => ({ value: text as never }),
  });
  // Failures reach callers as rejections (throwOnErrors); the event would otherwise be unhandled.
  keyv.on('error', () => {});
  return keyv;
}
