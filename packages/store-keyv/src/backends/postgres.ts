import KeyvPostgres from '@keyv/postgres';
import { StoreError } from '@wabot/core';
import { type RawWrite, rawKeyv, type StoreBackend } from '../backend.js';

export interface PostgresOptions {
  /** Table name (lower-case letters, digits, `_`). Created when missing. Default `wabot_kv`. */
  table?: string;
  /** Schema of the table. Default `public`. */
  schema?: string;
  /** Most connections in the pool. Default 10. */
  poolSize?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

// @keyv/postgres keeps one module-wide connection pool and `disconnect()` ends whichever pool it
// holds, so the pool is ended only when the last store using it closes. Stores in one process should
// therefore share a URL; two different URLs in one process work, but the first pool is not ended.
let openStores = 0;

/**
 * PostgreSQL through @keyv/postgres. Each backend operation is a single SQL statement, so it runs on
 * the adapter's own pool without holding a connection: a batch is one statement (atomic), and
 * compare-and-set is a conditional INSERT/UPDATE/DELETE whose row lock makes a racing writer re-check
 * the condition. Keys are limited to 512 characters (the B-tree key column).
 */
export async function openPostgresBackend(url: string, options: PostgresOptions = {}): Promise<StoreBackend> {
  const table = options.table ?? 'wabot_kv';
  const schema = options.schema ?? 'public';
  for (const [name, value] of [
    ['table', table],
    ['schema', schema],
  ] as const) {
    if (!IDENTIFIER.test(value)) throw new TypeError(`invalid PostgreSQL ${name} name: ${value}`);
  }
  let lastError: unknown;
  const adapter = new KeyvPostgres({ uri: url, table, schema, keySize: 512, max: options.poolSize ?? 10 });
  adapter.on('error', (error: unknown) => {
    lastError = error;
  });
  openStores++;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    openStores--;
    if (openStores === 0) await adapter.disconnect();
  };

  const query = async <Row>(sql: string, values: unknown[]): Promise<Row[]> => {
    const rows: unknown = await adapter.query(sql, values);
    // The adapter swallows a failed connect and then fails with a TypeError; report the real cause.
    if (!Array.isArray(rows)) throw lastError ?? new Error('no result from PostgreSQL');
    return rows as Row[];
  };
  const t = `"${schema}"."${table}"`;

  try {
    await query('SELECT 1', []);
    // The primary key follows the database collation, which cannot serve prefix searches; a
    // pattern-ops index can. Another process may be creating it at the same moment.
    await query(`CREATE INDEX IF NOT EXISTS "${table}_prefix" ON ${t} (key text_pattern_ops)`, []).catch(
      (error: unknown) => {
        if (!isAlreadyThere(error)) throw error;
      },
    );
  } catch (error) {
    await close();
    const cause = lastError ?? error;
    throw new StoreError(`cannot open the PostgreSQL store: ${messageOf(cause)}`, { cause });
  }

  return {
    kind: 'postgres',
    keyv: rawKeyv(adapter),
    async readRaw(key) {
      const rows = await query<{ value: string }>(`SELECT value FROM ${t} WHERE key = $1`, [key]);
      return rows[0]?.value;
    },
    async scan(prefix) {
      const rows = await query<{ key: string; value: string }>(
        `SELECT key, value FROM ${t} WHERE key LIKE $1 ESCAPE '\\'`,
        [`${prefix.replace(/[\\%_]/g, '\\$&')}%`],
      );
      return rows.map((row) => [row.key, row.value]);
    },
    async write(writes: ReadonlyArray<RawWrite>) {
      const deletes = writes.filter((w) => w.text === undefined).map((w) => w.key);
      const sets = writes.filter((w) => w.text !== undefined);
      // One statement, so one implicit transaction; the keys are distinct, so the parts do not overlap.
      await query(
        `WITH removed AS (DELETE FROM ${t} WHERE key = ANY($1::text[]))
         INSERT INTO ${t} (key, value) SELECT * FROM UNNEST($2::text[], $3::text[])
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [deletes, sets.map((w) => w.key), sets.map((w) => w.text)],
      );
    },
    async compareAndSwap(key, expected, next) {
      if (expected === undefined && next === undefined) {
        return (await query(`SELECT 1 FROM ${t} WHERE key = $1`, [key])).length === 0;
      }
      if (expected === undefined) {
        const rows = await query(
          `INSERT INTO ${t} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`,
          [key, next],
        );
        return rows.length === 1;
      }
      if (next === undefined) {
        return (
          (await query(`DELETE FROM ${t} WHERE key = $1 AND value = $2 RETURNING key`, [key, expected]))
            .length === 1
        );
      }
      const rows = await query(`UPDATE ${t} SET value = $3 WHERE key = $1 AND value = $2 RETURNING key`, [
        key,
        expected,
        next,
      ]);
      return rows.length === 1;
    },
    close,
  };
}

/** Unique violation or duplicate relation: a concurrent CREATE ... IF NOT EXISTS won the race. */
function isAlreadyThere(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === '42P07';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
