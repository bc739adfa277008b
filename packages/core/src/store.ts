import { base64ToBytes, bytesToBase64 } from './bytes.js';

/**
 * The storage seam. Values are JSON-like data that may also contain `Uint8Array`s (Buffers come back
 * as `Uint8Array`s with the same bytes). Keys are plain strings; data that belongs to an instance uses
 * keys that start with `<instanceId>:` so `list(ns, '<instanceId>:')` finds it on every backend.
 *
 * Every adapter runs `storeContract` from `@wabot/core/testing`.
 */
export interface Store {
  get<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
  set<T = unknown>(namespace: string, key: string, value: T): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** Every entry of the namespace whose key starts with `prefix` (all when omitted), sorted by key. */
  list<T = unknown>(namespace: string, prefix?: string): Promise<Array<StoreEntry<T>>>;
  /**
   * Writes several keys at once (a `value` of `undefined` deletes). Atomic on backends that can do it;
   * an adapter documents its guarantee when it cannot.
   */
  batch(ops: ReadonlyArray<BatchOp>): Promise<void>;
  /**
   * Atomic read-modify-write of one key: `fn` gets the current value and returns the next one
   * (`undefined` deletes). Two concurrent updates of the same key never lose a write: adapters use
   * compare-and-set and call `fn` again when they lose the race. Resolves to what was written.
   */
  update<T = unknown>(
    namespace: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined>;
  close(): Promise<void>;
}

export interface StoreEntry<T = unknown> {
  key: string;
  value: T;
}

export interface BatchOp {
  namespace: string;
  key: string;
  value: unknown;
}

/** The namespaces wabot itself uses. */
export const Namespaces = {
  instances: 'instances',
  intents: 'intents',
  contacts: 'contacts',
  contactGroups: 'contact_groups',
  attachments: 'attachments',
  blobs: 'blobs',
  auth: 'auth',
  outbox: 'outbox',
  deadLetters: 'dead_letters',
  webhookSecrets: 'webhook_secrets',
  menus: 'menus',
} as const;

const BINARY_TAG = '$wabot:bin';

/**
 * Turns a store value into JSON text that keeps `Uint8Array`s (and Buffers) byte-exact.
 * Adapters that store text use this pair so every backend round-trips binary data the same way.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key, v) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { [BINARY_TAG]: bytesToBase64(raw) };
    return v;
  });
}

export function decodeValue<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const tagged = (v as Record<string, unknown>)[BINARY_TAG];
      if (typeof tagged === 'string' && Object.keys(v).length === 1) {
        return base64ToBytes(tagged);
      }
    }
    return v;
  }) as T;
}

/** A deep copy through the codec, so a store never hands out references to what it keeps. */
export function cloneValue<T>(value: T): T {
  return value === undefined ? value : decodeValue<T>(encodeValue(value));
}

/** Keeps everything in memory. Good for tests and throwaway bots; data is gone when the process ends. */
export class MemoryStore implements Store {
  private readonly data = new Map<string, Map<string, string>>();
  private closed = false;

  private ns(namespace: string): Map<string, string> {
    this.assertOpen();
    let m = this.data.get(namespace);
    if (!m) {
      m = new Map();
      this.data.set(namespace, m);
    }
    return m;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    const text = this.ns(namespace).get(key);
    return text === undefined ? undefined : decodeValue<T>(text);
  }

  async set<T>(namespace: string, key: string, value: T): Promise<void> {
    if (value === undefined) {
      this.ns(namespace).delete(key);
      return;
    }
    this.ns(namespace).set(key, encodeValue(value));
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    return this.ns(namespace).delete(key);
  }

  async list<T>(namespace: string, prefix = ''): Promise<Array<StoreEntry<T>>> {
    const out: Array<StoreEntry<T>> = [];
    for (const [key, text] of this.ns(namespace)) {
      if (key.startsWith(prefix)) out.push({ key, value: decodeValue<T>(text) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async batch(ops: ReadonlyArray<BatchOp>): Promise<void> {
    // Encode everything first so a bad value leaves the store untouched.
    const encoded = ops.map((op) => ({
      ...op,
      text: op.value === undefined ? undefined : encodeValue(op.value),
    }));
    for (const op of encoded) {
      if (op.text === undefined) this.ns(op.namespace).delete(op.key);
      else this.ns(op.namespace).set(op.key, op.text);
    }
  }

  async update<T>(
    namespace: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    const m = this.ns(namespace);
    const text = m.get(key);
    const next = fn(text === undefined ? undefined : decodeValue<T>(text));
    if (next === undefined) m.delete(key);
    else m.set(key, encodeValue(next));
    return cloneValue(next);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
