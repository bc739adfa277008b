import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeValue, encodeValue } from '@wabot/core';
import { storeContract } from '@wabot/core/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { authStateTests, twoWritersTest, uniquePrefix } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wabot-sqlite-'));
const file = join(dir, 'nested', 'store.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every contract test opens its own connection to one shared file, under its own key prefix.
storeContract(() => createStore(`sqlite://${file}`, { prefix: uniquePrefix() }), {
  name: 'KeyvStore sqlite://',
});
authStateTests(() => createStore(`sqlite://${file}`, { prefix: uniquePrefix() }));

describe('sqlite://', () => {
  it('creates the directory and uses WAL mode', async () => {
    const store = await createStore(`sqlite://${join(dir, 'a', 'b', 'wal.db')}`);
    await store.set('ns', 'k', 1);
    await store.close();
    const db = new Database(join(dir, 'a', 'b', 'wal.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('finds everything again after close and reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = await createStore(`sqlite://${path}`);
    await first.batch([
      { namespace: 'instances', key: 'i1', value: { name: 'one', token: new Uint8Array([1, 2]) } },
      { namespace: 'intents', key: 'i1:greet', value: { keywords: 'hi,hello' } },
    ]);
    await first.set('contacts', 'i1:15550001111', { name: 'Ann' });
    await first.close();
    const again = await createStore(`sqlite://${path}`);
    expect(await again.get('instances', 'i1')).toEqual({ name: 'one', token: new Uint8Array([1, 2]) });
    expect(await again.list('intents', 'i1:')).toEqual([
      { key: 'i1:greet', value: { keywords: 'hi,hello' } },
    ]);
    expect(await again.get('contacts', 'i1:15550001111')).toEqual({ name: 'Ann' });
    await again.close();
  });

  it('keeps data of different prefixes and tables apart in one file', async () => {
    const path = join(dir, 'shared.db');
    const a = await createStore(`sqlite://${path}`, { prefix: 'alpha' });
    const b = await createStore(`sqlite://${path}`, { prefix: 'beta' });
    const c = await createStore(`sqlite://${path}`, { prefix: 'alpha', table: 'other_table' });
    await a.set('ns', 'k', 'a');
    await b.set('ns', 'k', 'b');
    await c.set('ns', 'k', 'c');
    expect([await a.get('ns', 'k'), await b.get('ns', 'k'), await c.get('ns', 'k')]).toEqual(['a', 'b', 'c']);
    expect(await a.list('ns')).toEqual([{ key: 'k', value: 'a' }]);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("stores core's encodeValue text under <prefix>:<namespace>:<key>, readable without wabot", async () => {
    const path = join(dir, 'format.db');
    const store = await createStore(`sqlite://${path}`, { prefix: 'fmt' });
    const value = { creds: { noiseKey: new Uint8Array([0, 1, 254, 255]) }, n: 1 };
    await store.set('auth', 'inst1:creds', value);
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT key, value FROM wabot_kv').all() as Array<{ key: string; value: string }>;
    db.close();
    expect(rows.map((r) => r.key)).toEqual(['fmt:auth:inst1:creds']);
    expect(rows[0]?.value).toBe(encodeValue(value));
    expect(decodeValue(rows[0]?.value ?? '')).toEqual(value);
  });

  it('an in-memory database works with sqlite://:memory:', async () => {
    const store = await createStore('sqlite://:memory:');
    await store.set('ns', 'k', [1]);
    expect(await store.list('ns')).toEqual([{ key: 'k', value: [1] }]);
    await store.close();
  });

  it('rejects calls after close with a StoreError', async () => {
    const store = await createStore(`sqlite://${join(dir, 'closed.db')}`);
    await store.close();
    await expect(store.get('ns', 'k')).rejects.toMatchObject({ name: 'StoreError' });
  });

  twoWritersTest(async () => {
    const path = join(dir, 'two-writers.db');
    return [await createStore(`sqlite://${path}`), await createStore(`sqlite://${path}`)];
  });
});
