import { ValidationError } from '@wabot/core';
import type { StoreBackend } from './backend.js';
import { KeyvStore, type KeyvStoreOptions } from './keyv-store.js';

export interface CreateStoreOptions extends KeyvStoreOptions {
  /** Table for SQLite and PostgreSQL (created when missing). Default `wabot_kv`. */
  table?: string;
  /** PostgreSQL schema. Default `public`. */
  schema?: string;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
  /** Redis: milliseconds to wait for the first connection. Default 5000. */
  connectTimeout?: number;
  /** SQLite: milliseconds to wait for another process's write lock. Default 5000. */
  busyTimeout?: number;
}

/**
 * Opens a `KeyvStore` from a URL (the server reads it from `WABOT_STORE_URL`):
 * - `sqlite://<file>`: a SQLite file, created with its directory when missing (`sqlite://./data/wabot.db`,
 *   `sqlite:///var/lib/wabot/wabot.db`, or `sqlite://:memory:`); the embedded default
 * - `redis://[user:password@]host[:port][/db]` (or `rediss://`)
 * - `postgres://…` or `postgresql://…`
 * - `memory://`: nothing survives the process
 *
 * A malformed or unsupported URL is refused with a `ValidationError`; a backend that cannot be reached
 * with a `StoreError`. Neither message contains the URL's password or query string.
 *
 * @example
 * ```ts
 * const store = await createStore(process.env.WABOT_STORE_URL ?? 'sqlite://./data/wabot.db');
 * ```
 */
export async function createStore(url: string, options: CreateStoreOptions = {}): Promise<KeyvStore> {
  const backend = await openBackend(url, options);
  try {
    return new KeyvStore(backend, options);
  } catch (error) {
    await backend.close();
    throw error;
  }
}

async function openBackend(url: string, options: CreateStoreOptions): Promise<StoreBackend> {
  if (typeof url !== 'string' || url.trim() === '')
    throw new ValidationError('a store URL is required', 'url');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const refuse = (why: string) => new ValidationError(`${why}: ${redactUrl(url)}`, 'url');
  try {
    switch (scheme) {
      case 'sqlite': {
        const file = url.slice('sqlite://'.length);
        if (!url.toLowerCase().startsWith('sqlite://') || file === '' || file.includes('?')) {
          throw refuse('expected sqlite://<file>');
        }
        return (await import('./backends/sqlite.js')).openSqliteBackend(file, {
          table: options.table,
          busyTimeout: options.busyTimeout,
        });
      }
      case 'memory':
        if (!/^memory:(\/\/)?$/i.test(url)) throw refuse('expected memory://');
        return (await import('./backends/memory.js')).openMemoryBackend();
      case 'redis':
      case 'rediss':
        assertParses(url, refuse);
        return await (await import('./backends/redis.js')).openRedisBackend(url, {
          connectTimeout: options.connectTimeout,
        });
      case 'postgres':
      case 'postgresql':
        assertParses(url, refuse);
        return await (await import('./backends/postgres.js')).openPostgresBackend(url, {
          table: options.table,
          schema: options.schema,
          poolSize: options.poolSize,
        });
      default:
        throw refuse('unsupported store URL (use sqlite://, redis://, postgres:// or memory://)');
    }
  } catch (error) {
    // Option checks inside the backends throw TypeError; present them as bad input too.
    if (error instanceof TypeError) throw new ValidationError(error.message);
    throw error;
  }
}

function assertParses(url: string, refuse: (why: string) => ValidationError): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('malformed URL');
  }
  if (parsed.hostname === '') throw refuse('the URL has no host');
}

/**
 * The URL with its credentials and query string blanked, for messages and logs:
 * `postgres://root:secret@db:5432/app?sslmode=require` becomes `postgres://***@db:5432/app?***`.
 * Works on malformed URLs too (a password may contain `@`, `?` or `/`), so it is safe to call before
 * parsing; text that does not look like a URL at all is blanked entirely.
 */
export function redactUrl(url: string): string {
  const text = String(url);
  // Only a leading `scheme://` counts: a password may contain '://' too.
  const schemeEnd = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0].length ?? -1;
  const at = text.lastIndexOf('@');
  const query = text.indexOf('?');
  if (schemeEnd < 0 && at < 0) return '***';
  // Blank two ranges of the original text: everything between the scheme and the last '@' (the
  // password ends at an '@' no later than that one) and everything from the first '?' on.
  const credentialsFrom = Math.max(schemeEnd, 0);
  const hidden = (i: number) => (i >= credentialsFrom && i < at) || (query >= 0 && i > query);
  let out = '';
  let inHidden = false;
  for (let i = 0; i < text.length; i++) {
    if (hidden(i)) {
      if (!inHidden) out += '***';
      inHidden = true;
    } else {
      out += text[i];
      inHidden = false;
    }
  }
  return out;
}
