import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStore, redactUrl } from '../src/index.js';

const SECRET = 'hunter2secret';

describe('createStore URL checks', () => {
  const bad = [
    '',
    '   ',
    `ftp://user:${SECRET}@host/x`,
    `mysql://root:${SECRET}@127.0.0.1/db`,
    'sqlite://',
    'sqlite:relative.db',
    `sqlite://file.db?password=${SECRET}`,
    'memory://somewhere',
    `redis://user:${SECRET}@`,
    `redis://user:${SECRET}@[not-an-ip`,
    `postgres://user:${SECRET}@[::bad/db`,
    `postgresql://:${SECRET}@/db`,
    `no scheme ${SECRET}`,
  ];
  for (const url of bad) {
    it(`refuses ${JSON.stringify(url.replace(SECRET, '<password>'))} with a ValidationError that hides the password`, async () => {
      const error = await createStore(url).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ValidationError', code: 'validation', field: 'url' });
      expect((error as Error).message).not.toContain(SECRET);
    });
  }

  it('refuses a prefix or table name that could collide with the key layout or inject SQL', async () => {
    await expect(createStore('memory://', { prefix: 'a:b' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(createStore('sqlite://:memory:', { table: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});

describe('KeyvStore input checks', () => {
  it('a namespace with ":" or an empty one is refused and nothing is written', async () => {
    const store = await createStore('memory://');
    await expect(store.set('a:b', 'k', 1)).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'namespace',
    });
    await expect(store.set('', 'k', 1)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(store.list('x:')).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      store.batch([
        { namespace: 'ok', key: 'k', value: 1 },
        { namespace: 'no:pe', key: 'k', value: 1 },
      ]),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(await store.list('ok')).toEqual([]);
    await store.close();
  });

  it('a value that cannot be stored (function, BigInt) is a ValidationError and changes nothing', async () => {
    const store = await createStore('memory://');
    await store.set('ns', 'k', 'before');
    await expect(store.set('ns', 'k', () => 1)).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'value',
    });
    await expect(store.set('ns', 'k', { n: 1n })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(store.update('ns', 'k', () => ({ n: 1n }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(await store.get('ns', 'k')).toBe('before');
    await store.close();
  });

  it('set with undefined deletes, like the MemoryStore', async () => {
    const store = await createStore('memory://');
    await store.set('ns', 'k', 1);
    await store.set('ns', 'k', undefined);
    expect(await store.list('ns')).toEqual([]);
    await store.close();
  });
});

describe('redactUrl', () => {
  it('blanks credentials and query strings', () => {
    expect(redactUrl(`postgres://root:${SECRET}@db:5432/app?sslmode=require`)).toBe(
      'postgres://***@db:5432/app?***',
    );
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(redactUrl('sqlite://./data/wabot.db')).toBe('sqlite://./data/wabot.db');
  });

  it('never shows the password, whatever characters it has and however broken the URL is', () => {
    const password = fc.stringMatching(/^[A-Z0-9@?:/#%!&=[\]]{6,24}$/);
    const lower = fc.stringMatching(/^[a-z.]{0,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('redis', 'rediss', 'postgres', 'postgresql', 'sqlite', 'ftp', ''),
        lower,
        password,
        lower,
        lower,
        fc.boolean(),
        (scheme, user, secret, host, path, withQuery) => {
          // The password must be recognisable: at least one upper-case letter or digit run.
          fc.pre(/[A-Z0-9]{3}/.test(secret));
          const url = `${scheme ? `${scheme}://` : ''}${user}:${secret}@${host}/${path}${withQuery ? `?password=${secret}` : ''}`;
          const shown = redactUrl(url);
          for (const run of secret.match(/[A-Z0-9]{3,}/g) ?? []) expect(shown).not.toContain(run);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
