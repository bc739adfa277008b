import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '@wabot/core';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { type RawWrite, rawKeyv, type StoreBackend } from '../backend.js';

export interface SqliteOptions {
  /** Table name (letters, digits, `_`). Default `wabot_kv`. */
  table?: string;
  /** Milliseconds a writer waits for another process's write lock before failing. Default 5000. */
  busyTimeout?: number;
}

const TABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A Keyv storage adapter on better-sqlite3 (synchronous, prebuilt, no event-loop hops), plus the
 * listing, batch and compare-and-set that `KeyvStore` needs. The file is opened in WAL mode with
 * `synchronous=NORMAL`: a committed write survives the process being killed at any moment; after a
 * power loss the last few commits may be missing but the file is never corrupt.
 */
export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { table: string; file: string };
  namespace?: string | undefined;
  readonly db: Database.Database;
  private readonly stmt: {
    get: Database.Statement<[string], { value: string }>;
    upsert: Database.Statement<[string, string]>;
    del: Database.Statement<[string]>;
    clear: Database.Statement<[]>;
    from: Database.Statement<[string], { key: string; value: string }>;
    insertNew: Database.Statement<[string, string]>;
    updateIf: Database.Statement<[string, string, string]>;
    deleteIf: Database.Statement<[string, string]>;
  };

  constructor(file: string, options: SqliteOptions = {}) {
    super();
    const table = options.table ?? 'wabot_kv';
    if (!TABLE.test(table)) throw new TypeError(`invalid SQLite table name: ${table}`);
    this.opts = { table, file };
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeout ?? 5000))}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const t = `"${table}"`;
    this.stmt = {
      get: this.db.prepare(`SELECT value FROM ${t} WHERE key = ?`),
      upsert: this.db.prepare(
        `INSERT INTO ${t} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
      del: this.db.prepare(`DELETE FROM ${t} WHERE key = ?`),
      clear: this.db.prepare(`DELETE FROM ${t}`),
      // BINARY collation orders by UTF-8 bytes, where every key with a given prefix sits in one
      // contiguous run starting at the prefix itself; `scan` walks that run and stops at its end.
      from: this.db.prepare(`SELECT key, value FROM ${t} WHERE key >= ? ORDER BY key`),
      insertNew: this.db.prepare(`INSERT INTO ${t} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING`),
      updateIf: this.db.prepare(`UPDATE ${t} SET value = ? WHERE key = ? AND value = ?`),
      deleteIf: this.db.prepare(`DELETE FROM ${t} WHERE key = ? AND value = ?`),
    };
  }

  // Keyv's adapter type is generic in the value; this adapter only ever holds the strings Keyv
  // serialised, which is what it hands back.
  async get<Value>(key: string): Promise<StoredData<Value>> {
    return this.text(key) as Value | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return keys.map((key) => this.text(key) as Value | undefined);
  }

  /** The stored text for `key`. */
  text(key: string): string | undefined {
    return this.stmt.get.get(key)?.value;
  }

  async has(key: string): Promise<boolean> {
    return this.stmt.get.get(key) !== undefined;
  }

  async set(key: string, value: string): Promise<void> {
    this.stmt.upsert.run(key, value);
  }

  async setMany(entries: Array<{ key: string; value: string }>): Promise<void> {
    this.db.transaction(() => {
      for (const { key, value } of entries) this.stmt.upsert.run(key, value);
    })();
  }

  async delete(key: string): Promise<boolean> {
    return this.stmt.del.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.db.transaction(() => keys.reduce((n, key) => n + this.stmt.del.run(key).changes, 0))() > 0;
  }

  async clear(): Promise<void> {
    this.stmt.clear.run();
  }

  async disconnect(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  scan(prefix: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const row of this.stmt.from.iterate(prefix)) {
      if (!row.key.startsWith(prefix)) break;
      out.push([row.key, row.value]);
    }
    return out;
  }

  /** One IMMEDIATE transaction: all writes land together or none do. */
  write(writes: ReadonlyArray<RawWrite>): void {
    this.db
      .transaction(() => {
        for (const { key, text } of writes) {
          if (text === undefined) this.stmt.del.run(key);
          else this.stmt.upsert.run(key, text);
        }
      })
      .immediate();
  }

  /** A single conditional statement; SQLite serialises writers on its write lock. */
  compareAndSwap(key: string, expected: string | undefined, next: string | undefined): boolean {
    if (expected === undefined) {
      return next === undefined ? !this.stmt.get.get(key) : this.stmt.insertNew.run(key, next).changes === 1;
    }
    if (next === undefined) return this.stmt.deleteIf.run(key, expected).changes === 1;
    return this.stmt.updateIf.run(next, key, expected).changes === 1;
  }
}

/** Opens (creating when needed) a SQLite file, or `:memory:`, as a `StoreBackend`. */
export function openSqliteBackend(file: string, options: SqliteOptions = {}): StoreBackend {
  let adapter: SqliteKeyvAdapter;
  try {
    adapter = new SqliteKeyvAdapter(file, options);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`cannot open the SQLite store at ${file}: ${reason}`, { cause: error });
  }
  return {
    kind: 'sqlite',
    keyv: rawKeyv(adapter),
    readRaw: async (key) => adapter.text(key),
    scan: async (prefix) => adapter.scan(prefix),
    write: async (writes) => adapter.write(writes),
    compareAndSwap: async (key, expected, next) => adapter.compareAndSwap(key, expected, next),
    close: () => adapter.disconnect(),
  };
}
