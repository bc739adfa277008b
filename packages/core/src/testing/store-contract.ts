import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';

/** Groups of the contract a backend may switch off when it truly cannot support them. */
export type StoreContractGroup = 'binary' | 'large-values' | 'concurrency' | 'property';

export interface StoreContractOptions {
  /** Name shown in the test report. */
  name: string;
  /** Groups to leave out; each skipped group shows up as a skipped test with its name. */
  skip?: ReadonlyArray<StoreContractGroup>;
  /** Per-test timeout in milliseconds (default 30 000). Remote backends may need more. */
  timeout?: number;
  /** How many parallel writers the concurrency tests start (default 40). */
  writers?: number;
  /** How many random operation sequences the property test tries (default 30). */
  propertyRuns?: number;
}

/**
 * The behaviour every `Store` must have. Call it from an adapter's test file; `factory` returns a
 * store whose data is not shared with any other store it returned (a fresh table, key prefix or
 * database), and the suite closes each store it gets.
 *
 * @example
 * ```ts
 * import { storeContract } from '@wabot/core/testing';
 * storeContract(() => new MemoryStore(), { name: 'memory' });
 * storeContract(() => openMyStore(uniquePrefix()), { name: 'my store', skip: ['large-values'] });
 * ```
 */
export function storeContract(factory: () => Store | Promise<Store>, options: StoreContractOptions): void {
  const timeout = options.timeout ?? 30_000;
  const writers = options.writers ?? 40;
  const propertyRuns = options.propertyRuns ?? 30;
  const skipped = new Set(options.skip ?? []);

  /** Runs `body` against a fresh store and always closes it. */
  function withStore(body: (store: Store) => Promise<void>): () => Promise<void> {
    return async () => {
      const store = await factory();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    };
  }

  const test = (name: string, body: (store: Store) => Promise<void>) => it(name, withStore(body), timeout);
  const group = (name: StoreContractGroup, title: string, body: () => void) =>
    skipped.has(name) ? describe.skip(`${title} (skipped by the adapter)`, body) : describe(title, body);

  describe(`Store contract: ${options.name}`, () => {
    describe('get / set / delete', () => {
      test('get of a missing key resolves undefined', async (store) => {
        expect(await store.get('ns', 'missing')).toBeUndefined();
      });

      test('set then get round-trips and overwrite replaces', async (store) => {
        await store.set('ns', 'k', { a: 1 });
        expect(await store.get('ns', 'k')).toEqual({ a: 1 });
        await store.set('ns', 'k', { b: [2] });
        expect(await store.get('ns', 'k')).toEqual({ b: [2] });
      });

      test('keeps objects, arrays, strings, numbers, booleans and null', async (store) => {
        const values: Record<string, unknown> = {
          object: { nested: { deep: [1, 'two', { three: 3 }] }, empty: {} },
          array: [1, 'a', null, true, [], { x: -0.5 }],
          string: 'hello "world" \n\t é 😀',
          empty: '',
          integer: 42,
          negative: -17,
          float: 0.1 + 0.2,
          big: Number.MAX_SAFE_INTEGER,
          zero: 0,
          yes: true,
          no: false,
          nothing: null,
        };
        for (const [key, value] of Object.entries(values)) await store.set('values', key, value);
        for (const [key, value] of Object.entries(values)) {
          expect(await store.get('values', key), key).toEqual(value);
        }
      });

      test('delete resolves true when something was deleted, false otherwise', async (store) => {
        await store.set('ns', 'k', 1);
        expect(await store.delete('ns', 'k')).toBe(true);
        expect(await store.get('ns', 'k')).toBeUndefined();
        expect(await store.delete('ns', 'k')).toBe(false);
        expect(await store.delete('ns', 'never')).toBe(false);
      });

      test('namespaces are isolated', async (store) => {
        await store.set('ns1', 'k', 'one');
        await store.set('ns2', 'k', 'two');
        await store.set('ns1x', 'k', 'three');
        expect(await store.get('ns1', 'k')).toBe('one');
        expect(await store.get('ns2', 'k')).toBe('two');
        await store.delete('ns1', 'k');
        expect(await store.get('ns1', 'k')).toBeUndefined();
        expect(await store.get('ns2', 'k')).toBe('two');
        expect(await store.get('ns1x', 'k')).toBe('three');
        expect((await store.list('ns1')).map((e) => e.key)).toEqual([]);
        expect(await store.list('ns2')).toEqual([{ key: 'k', value: 'two' }]);
      });

      test('keys with odd characters are kept apart and found again', async (store) => {
        const keys = oddKeys();
        for (const [i, key] of keys.entries()) await store.set('odd', key, i);
        for (const [i, key] of keys.entries()) expect(await store.get('odd', key), key).toBe(i);
        const listed = await store.list<number>('odd');
        expect(listed.map((e) => e.key)).toEqual([...keys].sort(byCodeUnits));
        expect(listed.map((e) => e.value)).toEqual([...keys].sort(byCodeUnits).map((k) => keys.indexOf(k)));
      });
    });

    describe('list', () => {
      test('lists a namespace sorted by key', async (store) => {
        for (const key of ['m', 'b', 'z', 'a', 'b1', 'B', '10', '9']) await store.set('list', key, key);
        const listed = await store.list<string>('list');
        expect(listed.map((e) => e.key)).toEqual(['10', '9', 'B', 'a', 'b', 'b1', 'm', 'z']);
        expect(listed.every((e) => e.value === e.key)).toBe(true);
      });

      test('sorts by UTF-16 code units like JavaScript does, whatever the backend collation', async (store) => {
        // U+FF61 sorts after U+1F600 in UTF-8 byte order and before it in UTF-16 code unit order.
        const keys = ['\uFF61', '😀', 'é', 'e', 'E', 'z', 'Z', '\u00A0'];
        for (const key of keys) await store.set('order', key, true);
        expect((await store.list('order')).map((e) => e.key)).toEqual([...keys].sort(byCodeUnits));
      });

      test('an empty or missing namespace lists nothing', async (store) => {
        expect(await store.list('nobody-here')).toEqual([]);
        expect(await store.list('nobody-here', 'x')).toEqual([]);
      });

      test("prefixes are isolated ('a:' does not find 'ab:')", async (store) => {
        for (const key of ['a:1', 'a:2', 'ab:1', 'a', 'b:1', 'a:', 'A:1']) await store.set('p', key, key);
        expect((await store.list('p', 'a:')).map((e) => e.key)).toEqual(['a:', 'a:1', 'a:2']);
        expect((await store.list('p', 'ab:')).map((e) => e.key)).toEqual(['ab:1']);
        expect((await store.list('p', 'a')).map((e) => e.key)).toEqual(['a', 'a:', 'a:1', 'a:2', 'ab:1']);
        expect(await store.list('p', 'c')).toEqual([]);
        expect((await store.list('p', '')).length).toBe(7);
      });

      test('prefix characters are literal, never wildcards (% _ * ? [ ] \\)', async (store) => {
        const keys = [
          'x%1',
          'xy1',
          'x_1',
          'xa1',
          'k*1',
          'kz1',
          'q?1',
          'qq1',
          'r[a]1',
          'ra1',
          's\\1',
          's1',
          'x%%',
        ];
        for (const key of keys) await store.set('wild', key, key);
        expect((await store.list('wild', 'x%')).map((e) => e.key)).toEqual(['x%%', 'x%1']);
        expect((await store.list('wild', 'x_')).map((e) => e.key)).toEqual(['x_1']);
        expect((await store.list('wild', 'k*')).map((e) => e.key)).toEqual(['k*1']);
        expect((await store.list('wild', 'q?')).map((e) => e.key)).toEqual(['q?1']);
        expect((await store.list('wild', 'r[a]')).map((e) => e.key)).toEqual(['r[a]1']);
        expect((await store.list('wild', 's\\')).map((e) => e.key)).toEqual(['s\\1']);
        expect(await store.list('wild', '%')).toEqual([]);
        expect(await store.list('wild', '*')).toEqual([]);
      });

      test('an instance-scoped prefix finds exactly that instance', async (store) => {
        await store.set('auth', 'inst1:creds', { me: 1 });
        await store.set('auth', 'inst1:pre-key-1', { k: 1 });
        await store.set('auth', 'inst10:creds', { me: 10 });
        await store.set('auth', 'inst2:creds', { me: 2 });
        expect((await store.list('auth', 'inst1:')).map((e) => e.key)).toEqual([
          'inst1:creds',
          'inst1:pre-key-1',
        ]);
      });
    });

    describe('copies', () => {
      test('mutating a value after set does not change the store', async (store) => {
        const value = { list: [1, 2], inner: { a: 1 } };
        await store.set('copy', 'k', value);
        value.list.push(3);
        value.inner.a = 99;
        expect(await store.get('copy', 'k')).toEqual({ list: [1, 2], inner: { a: 1 } });
      });

      test('mutating what get, list and update return does not change the store', async (store) => {
        await store.set('copy', 'k', { list: [1], bytes: new Uint8Array([1, 2, 3]) });
        const got = await store.get<{ list: number[]; bytes: Uint8Array }>('copy', 'k');
        got?.list.push(2);
        if (got) got.bytes[0] = 42;
        const listed = await store.list<{ list: number[] }>('copy');
        listed[0]?.value.list.push(3);
        const updated = await store.update<{ list: number[]; bytes: Uint8Array }>('copy', 'k', (v) => v);
        updated?.list.push(4);
        expect(await store.get('copy', 'k')).toEqual({ list: [1], bytes: new Uint8Array([1, 2, 3]) });
      });
    });

    group('binary', 'binary values', () => {
      test('Uint8Array and Buffer values round-trip byte-exact, nested anywhere', async (store) => {
        const all = new Uint8Array(256).map((_, i) => i);
        const sliced = all.subarray(10, 20); // a view with a byteOffset
        const NodeBuffer = nodeBuffer();
        const buf = NodeBuffer ? NodeBuffer.from('pooled buffer ✓', 'utf8') : new Uint8Array([9, 8, 7]);
        const value = {
          creds: { noiseKey: { private: all, public: sliced }, account: { details: buf } },
          keys: [new Uint8Array(0), { inner: [buf] }],
          text: 'not binary',
        };
        await store.set('bin', 'state', value);
        await store.set('bin', 'top', all);
        const got = await store.get<typeof value>('bin', 'state');
        expectBytes(got?.creds.noiseKey.private, all);
        expectBytes(got?.creds.noiseKey.public, sliced);
        expectBytes(got?.creds.account.details, buf);
        expectBytes(got?.keys[0], new Uint8Array(0));
        expectBytes((got?.keys[1] as { inner: unknown[] } | undefined)?.inner[0], buf);
        expect(got?.text).toBe('not binary');
        expectBytes(await store.get('bin', 'top'), all);
        const listed = await store.list<typeof value>('bin');
        expectBytes(listed.find((e) => e.key === 'state')?.value.creds.account.details, buf);
      });

      test('an object that merely looks like encoded binary data stays an object', async (store) => {
        const lookalike = { data: 'AQID', type: 'Buffer', nested: { base64: 'AQID' } };
        await store.set('bin', 'lookalike', lookalike);
        expect(await store.get('bin', 'lookalike')).toEqual(lookalike);
      });
    });

    describe('batch', () => {
      test('applies sets and deletes across namespaces, all visible after', async (store) => {
        await store.set('b1', 'old', 'x');
        await store.set('b2', 'gone', 'y');
        await store.batch([
          { namespace: 'b1', key: 'new', value: { n: 1 } },
          { namespace: 'b1', key: 'old', value: undefined },
          { namespace: 'b2', key: 'gone', value: undefined },
          { namespace: 'b2', key: 'fresh', value: [1, 2] },
          { namespace: 'b2', key: 'never-there', value: undefined },
        ]);
        expect(await store.list('b1')).toEqual([{ key: 'new', value: { n: 1 } }]);
        expect(await store.list('b2')).toEqual([{ key: 'fresh', value: [1, 2] }]);
      });

      test('the last write to a key in one batch wins', async (store) => {
        await store.batch([
          { namespace: 'b', key: 'k', value: 1 },
          { namespace: 'b', key: 'k', value: 2 },
          { namespace: 'b', key: 'd', value: 'x' },
          { namespace: 'b', key: 'd', value: undefined },
          { namespace: 'b', key: 'r', value: undefined },
          { namespace: 'b', key: 'r', value: 'back' },
        ]);
        expect(await store.list('b')).toEqual([
          { key: 'k', value: 2 },
          { key: 'r', value: 'back' },
        ]);
      });

      test('an empty batch is a no-op', async (store) => {
        await store.set('b', 'k', 1);
        await store.batch([]);
        expect(await store.list('b')).toEqual([{ key: 'k', value: 1 }]);
      });

      test('a batch with a value that cannot be stored rejects and changes nothing', async (store) => {
        await store.set('b', 'keep', 'before');
        await expect(
          store.batch([
            { namespace: 'b', key: 'keep', value: 'after' },
            { namespace: 'b', key: 'bad', value: { n: 10n } },
          ]),
        ).rejects.toThrow();
        expect(await store.list('b')).toEqual([{ key: 'keep', value: 'before' }]);
      });
    });

    describe('update', () => {
      test('creates, reads the current value and writes what fn returns', async (store) => {
        const seen: unknown[] = [];
        const first = await store.update<{ n: number }>('u', 'k', (cur) => {
          seen.push(cur);
          return { n: (cur?.n ?? 0) + 1 };
        });
        const second = await store.update<{ n: number }>('u', 'k', (cur) => {
          seen.push(cur);
          return { n: (cur?.n ?? 0) + 1 };
        });
        expect(first).toEqual({ n: 1 });
        expect(second).toEqual({ n: 2 });
        expect(seen.at(0)).toBeUndefined();
        expect(seen.at(-1)).toEqual({ n: 1 });
        expect(await store.get('u', 'k')).toEqual({ n: 2 });
      });

      test('returning undefined deletes the key', async (store) => {
        await store.set('u', 'k', 'x');
        expect(await store.update('u', 'k', () => undefined)).toBeUndefined();
        expect(await store.get('u', 'k')).toBeUndefined();
        expect(await store.update('u', 'missing', () => undefined)).toBeUndefined();
        expect(await store.list('u')).toEqual([]);
      });

      test('a throwing fn rejects and leaves the value as it was', async (store) => {
        await store.set('u', 'k', { n: 1 });
        await expect(
          store.update('u', 'k', () => {
            throw new Error('no thanks');
          }),
        ).rejects.toThrow('no thanks');
        expect(await store.get('u', 'k')).toEqual({ n: 1 });
      });

      test('keeps binary values exact', async (store) => {
        const bytes = new Uint8Array([0, 255, 128, 1]);
        await store.set('u', 'bin', { bytes, count: 0 });
        const next = await store.update<{ bytes: Uint8Array; count: number }>('u', 'bin', (cur) =>
          cur ? { ...cur, count: cur.count + 1 } : cur,
        );
        expectBytes(next?.bytes, bytes);
        const got = await store.get<{ bytes: Uint8Array; count: number }>('u', 'bin');
        expectBytes(got?.bytes, bytes);
        expect(got?.count).toBe(1);
      });
    });

    group('concurrency', 'concurrent writers', () => {
      test(`${writers} parallel update() increments of one counter end at exactly ${writers}`, async (store) => {
        const results = await Promise.all(
          Array.from({ length: writers }, () =>
            store.update<{ n: number }>('c', 'counter', (cur) => ({ n: (cur?.n ?? 0) + 1 })),
          ),
        );
        expect(await store.get('c', 'counter')).toEqual({ n: writers });
        // Every writer saw a different committed state: no two increments were built on the same read.
        expect(new Set(results.map((r) => r?.n)).size).toBe(writers);
      });

      test('parallel writers appending to one record lose nothing and leave it well-formed', async (store) => {
        await store.set('c', 'record', { items: [] as string[], bytes: new Uint8Array([7]) });
        await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            store.update<{ items: string[]; bytes: Uint8Array }>('c', 'record', (cur) => ({
              items: [...(cur?.items ?? []), `w${i}`],
              bytes: cur?.bytes ?? new Uint8Array(),
            })),
          ),
        );
        const record = await store.get<{ items: string[]; bytes: Uint8Array }>('c', 'record');
        expect([...(record?.items ?? [])].sort()).toEqual(
          Array.from({ length: writers }, (_, i) => `w${i}`).sort(),
        );
        expectBytes(record?.bytes, new Uint8Array([7]));
      });

      test('parallel updates of different keys do not interfere', async (store) => {
        await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            store.update<number>('c', `key${i % 4}`, (cur) => (cur ?? 0) + 1),
          ),
        );
        const listed = await store.list<number>('c', 'key');
        expect(listed.reduce((sum, e) => sum + e.value, 0)).toBe(writers);
        expect(listed.map((e) => e.key)).toEqual(
          ['key0', 'key1', 'key2', 'key3'].slice(0, Math.min(4, writers)),
        );
      });
    });

    group('large-values', 'large values', () => {
      test('a 1 MB string and 1 MB of bytes round-trip', async (store) => {
        const text = 'abcdefghij'.repeat(100_000) + 'é';
        const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
        await store.set('large', 'text', { text });
        await store.set('large', 'bytes', bytes);
        expect((await store.get<{ text: string }>('large', 'text'))?.text).toBe(text);
        expectBytes(await store.get('large', 'bytes'), bytes);
        expect((await store.list('large')).map((e) => e.key)).toEqual(['bytes', 'text']);
      });
    });

    group('property', 'against a Map model', () => {
      it(
        'a random sequence of set/delete/batch ops lists the same as a Map',
        withStore(async (store) => {
          const key = fc.constantFrom('a', 'a:1', 'a:2', 'ab', 'ab:1', 'b', 'b%', 'b_', 'é', '😀', 'z z');
          const value = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null));
          const op = fc.oneof(
            fc.record({ kind: fc.constant('set' as const), key, value }),
            fc.record({ kind: fc.constant('delete' as const), key }),
            fc.record({
              kind: fc.constant('batch' as const),
              ops: fc.array(fc.record({ key, value: fc.option(value, { nil: undefined }) }), {
                maxLength: 4,
              }),
            }),
          );
          let run = 0;
          await fc.assert(
            fc.asyncProperty(
              fc.array(op, { maxLength: 25 }),
              fc.constantFrom('', 'a', 'a:', 'ab', 'b', 'z'),
              async (ops, prefix) => {
                const ns = `prop${run++}`;
                const model = new Map<string, unknown>();
                for (const o of ops) {
                  if (o.kind === 'set') {
                    await store.set(ns, o.key, o.value);
                    model.set(o.key, o.value);
                  } else if (o.kind === 'delete') {
                    expect(await store.delete(ns, o.key)).toBe(model.delete(o.key));
                  } else {
                    await store.batch(o.ops.map((b) => ({ namespace: ns, key: b.key, value: b.value })));
                    for (const b of o.ops) {
                      if (b.value === undefined) model.delete(b.key);
                      else model.set(b.key, b.value);
                    }
                  }
                }
                const expected = [...model.entries()]
                  .map(([k, v]) => ({ key: k, value: v }))
                  .sort((x, y) => byCodeUnits(x.key, y.key));
                expect(await store.list(ns)).toEqual(expected);
                expect(await store.list(ns, prefix)).toEqual(
                  expected.filter((e) => e.key.startsWith(prefix)),
                );
              },
            ),
            { numRuns: propertyRuns },
          );
        }),
        timeout,
      );
    });

    describe('close', () => {
      it(
        'close resolves and may be called twice',
        async () => {
          const store = await factory();
          await store.set('ns', 'k', 1);
          await store.close();
          await store.close();
        },
        timeout,
      );
    });
  });
}

/** JavaScript's default string order (UTF-16 code units), which `list` promises. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function oddKeys(): string[] {
  return [
    'plain',
    'with:colon',
    'a:b:c',
    ':leading',
    'trailing:',
    'per%cent',
    '%',
    'under_score',
    '_',
    'star*',
    'question?',
    '[brackets]',
    'back\\slash',
    "quote'single",
    'quote"double',
    'with space',
    ' leading space',
    'tab\there',
    'newline\nhere',
    'émoji 😀 ✓',
    '中文键',
    'Ünïcödé',
    '15550001111@s.whatsapp.net',
    'pre-key-1',
    'sender-key-120363000000000000@g.us::15550001111::0',
    'x'.repeat(200),
  ];
}

function expectBytes(actual: unknown, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  const got = actual as Uint8Array;
  expect(got.byteLength).toBe(expected.byteLength);
  // Index of the first differing byte (-1 when equal): a readable failure without a megabyte diff.
  let firstDifference = -1;
  for (let i = 0; i < expected.byteLength; i++) {
    if (got[i] !== expected[i]) {
      firstDifference = i;
      break;
    }
  }
  expect(firstDifference).toBe(-1);
}

interface BufferLike {
  from(text: string, encoding: 'utf8'): Uint8Array;
}

/** Node's Buffer when the suite runs on Node; the core itself never depends on it. */
function nodeBuffer(): BufferLike | undefined {
  return (globalThis as { Buffer?: BufferLike }).Buffer;
}
