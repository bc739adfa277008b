import {
  type BatchOp,
  decodeValue,
  encodeValue,
  type Store,
  type StoreEntry,
  StoreError,
  ValidationError,
} from '@wabot/core';
import type { RawWrite, StoreBackend } from './backend.js';
import { KeyLayout } from './keys.js';

export interface KeyvStoreOptions {
  /**
   * Prepended to every key (`<prefix>:<namespace>:<key>`), so several wabot deployments or test runs
   * can share one database. Letters, digits, `_`, `-`, `.`. Default `wabot`.
   */
  prefix?: string;
  /** How many times `update()` retries after losing a compare-and-set before it fails. Default 200. */
  maxUpdateAttempts?: number;
}

/**
 * The wabot `Store` on Keyv: a SQLite file (the embedded default), Redis, PostgreSQL or memory.
 * Open one with {@link createStore}; every backend passes the same conformance suite.
 *
 * Guarantees on every backend: `list` returns entries sorted by key (JavaScript string order) and
 * matches the prefix literally; values (including `Uint8Array`/Buffer anywhere inside) round-trip
 * byte-exact and are copies; `update` is a compare-and-set loop, so concurrent writers, in this
 * process or others, never lose a write. `batch` is atomic on SQLite (one transaction), PostgreSQL
 * (one statement) and memory; on Redis it is a MULTI/EXEC transaction (other clients see all of it or
 * none of it; Redis has no rollback, but the SET/DEL/ZADD/ZREM it queues cannot fail halfway).
 *
 * @example
 * ```ts
 * const store = await createStore('sqlite://./data/wabot.db');
 * await store.set('instances', 'abc', { name: 'support bot' });
 * await store.update<{ sent: number }>('instances', 'abc:stats', (s) => ({ sent: (s?.sent ?? 0) + 1 }));
 * const everything = await store.list('auth', 'abc:');
 * await store.close();
 * ```
 */
export class KeyvStore implements Store {
  private readonly layout: KeyLayout;
  private readonly maxUpdateAttempts: number;
  private closed = false;

  /** Wraps an open backend; applications call {@link createStore}, which picks one from a URL. */
  constructor(
    private readonly backend: StoreBackend,
    options: KeyvStoreOptions = {},
  ) {
    this.layout = new KeyLayout(options.prefix ?? 'wabot');
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? 200;
  }

  /** `sqlite`, `redis`, `postgres` or `memory`. */
  get kind(): string {
    return this.backend.kind;
  }

  async get<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    const raw = this.rawKey(namespace, key);
    const text = await this.run('get', () => this.backend.keyv.get(raw));
    return text === undefined ? undefined : decodeValue<T>(text);
  }

  async set<T = unknown>(namespace: string, key: string, value: T): Promise<void> {
    const raw = this.rawKey(namespace, key);
    if (value === undefined) {
      await this.run('set', () => this.backend.keyv.delete(raw));
      return;
    }
    const text = encode(value);
    await this.run('set', () => this.backend.keyv.set(raw, text));
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const raw = this.rawKey(namespace, key);
    return this.run('delete', () => this.backend.keyv.delete(raw));
  }

  async list<T = unknown>(namespace: string, prefix = ''): Promise<Array<StoreEntry<T>>> {
    this.assertOpen();
    const base = this.layout.namespace(namespace);
    const rows = await this.run('list', () => this.backend.scan(base + prefix));
    return rows
      .map(([raw, text]) => ({ key: raw.slice(base.length), value: decodeValue<T>(text) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Writes every op, the last op for a key winning. Everything is encoded before anything is written,
   * so a value that cannot be stored rejects the whole batch and changes nothing. Atomicity per
   * backend: see the class comment.
   */
  async batch(ops: ReadonlyArray<BatchOp>): Promise<void> {
    this.assertOpen();
    const writes = new Map<string, RawWrite>();
    for (const op of ops) {
      const key = this.rawKey(op.namespace, op.key);
      writes.set(key, { key, text: op.value === undefined ? undefined : encode(op.value) });
    }
    if (writes.size === 0) return;
    await this.run('batch', () => this.backend.write([...writes.values()]));
  }

  /**
   * Atomic read-modify-write: reads the stored text, calls `fn`, and writes only if the text is still
   * the one read (compare-and-set; the encoded value is its own version, and since `fn` depends only
   * on the value, an unchanged value means an unchanged result); otherwise calls `fn` again on the
   * newer value. `fn` may therefore
   * run more than once and must not have side effects. Fails with `StoreError` after
   * `maxUpdateAttempts` lost races.
   */
  async update<T = unknown>(
    namespace: string,
    key: string,
    fn: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    const raw = this.rawKey(namespace, key);
    for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
      const current = await this.run('update', () => this.backend.readRaw(raw));
      const next = fn(current === undefined ? undefined : decodeValue<T>(current));
      const nextText = next === undefined ? undefined : encode(next);
      // Nothing to change: the read itself is the linearisation point.
      if (nextText === current) return nextText === undefined ? undefined : decodeValue<T>(nextText);
      if (await this.run('update', () => this.backend.compareAndSwap(raw, current, nextText))) {
        return nextText === undefined ? undefined : decodeValue<T>(nextText);
      }
      await backoff(attempt);
    }
    throw new StoreError(
      `update of ${namespace}/${key} lost the compare-and-set ${this.maxUpdateAttempts} times; too many concurrent writers`,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  private rawKey(namespace: string, key: string): string {
    this.assertOpen();
    return this.layout.raw(namespace, key);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store is closed');
  }

  /** Backend failures surface as `StoreError` with the driver's error as `cause`. */
  private async run<R>(operation: string, body: () => Promise<R>): Promise<R> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError(`${this.backend.kind} store: ${operation} failed: ${reason}`, { cause: error });
    }
  }
}

/** Losers of a compare-and-set wait a short random time so a crowd of writers spreads out. */
function backoff(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve();
  const ceiling = Math.min(2 ** Math.min(attempt, 6), 50);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Values must be JSON-like (plus binary data); anything else is the caller's mistake. */
function encode(value: unknown): string {
  let text: string | undefined;
  try {
    text = encodeValue(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`cannot be stored: ${reason}`, 'value');
  }
  // JSON.stringify gives undefined for functions and symbols.
  if (typeof text !== 'string') throw new ValidationError(`cannot be stored: a ${typeof value}`, 'value');
  return text;
}
