import KeyvPostgres from '@keyv/postgres';
import { storeContract } from '@wabot/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { authStateTests, describeWithEnv, runId, twoWritersTest, uniquePrefix } from './helpers.js';

// One table per run, dropped at the end, so parallel runs on one database never meet.
const table = `wabot_test_${runId}`.toLowerCase();

describeWithEnv('DATABASE_URL', 'KeyvStore on PostgreSQL', (url) => {
  afterAll(async () => {
    const admin = new KeyvPostgres({ uri: url, table });
    await admin.query(`DROP TABLE IF EXISTS "public"."${table}"`);
    await admin.disconnect();
  });

  const open = () => createStore(url, { table, prefix: uniquePrefix() });
  storeContract(open, { name: 'KeyvStore postgres://', timeout: 60_000 });
  authStateTests(open);

  describe('postgres://', () => {
    twoWritersTest(async () => {
      const prefix = uniquePrefix();
      return [await createStore(url, { table, prefix }), await createStore(url, { table, prefix })];
    });

    it('one store closing leaves another on the same URL working', async () => {
      const one = await open();
      const two = await open();
      await one.set('ns', 'k', 1);
      await one.close();
      await two.set('ns', 'k', 2);
      expect(await two.get('ns', 'k')).toBe(2);
      await two.close();
    });

    it('a batch is one statement: a failing row leaves every other row as it was', async () => {
      const store = await open();
      try {
        await store.set('ns', 'keep', 'before');
        // Keys are limited to 512 characters: the long key makes the statement fail as a whole.
        await expect(
          store.batch([
            { namespace: 'ns', key: 'keep', value: 'after' },
            { namespace: 'ns', key: 'x'.repeat(600), value: 1 },
          ]),
        ).rejects.toMatchObject({ name: 'StoreError' });
        expect(await store.list('ns')).toEqual([{ key: 'keep', value: 'before' }]);
      } finally {
        await store.close();
      }
    });
  });
});

describe('postgres:// connection failures', () => {
  it('an unreachable server fails with a StoreError that does not show the password', async () => {
    const error = await createStore('postgres://user:hunter2secret@127.0.0.1:1/db').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StoreError' });
    expect(String((error as Error).message)).not.toContain('hunter2secret');
  }, 20_000);
});
