import { randomBytes } from 'node:crypto';
import { Namespaces, type Store } from '@wabot/core';
import { describe, expect, it } from 'vitest';

/** Unique per test run (process), so parallel runs against one server never see each other's keys. */
export const runId = `t${process.pid}x${randomBytes(4).toString('hex')}`;

let counter = 0;
/** A key prefix unique to this run and call: each contract test gets an empty store. */
export function uniquePrefix(): string {
  counter++;
  return `${runId}_${counter}`;
}

/**
 * Declares `body` when `value` (an environment variable) is set; otherwise a skipped suite whose
 * title says why, and a warning in the run's output.
 */
export function describeWithEnv(variable: string, title: string, body: (value: string) => void): void {
  const value = process.env[variable];
  if (!value) {
    console.warn(`[store-keyv] ${title}: skipped because ${variable} is not set`);
    describe.skip(`${title} (skipped: ${variable} is not set)`, () => {
      it('needs a server', () => {});
    });
    return;
  }
  describe(title, () => body(value));
}

/** A Baileys-shaped auth state: creds with keys and nested Buffers, and signal keys per type. */
export function sampleAuthState(instanceId: string): Record<string, unknown> {
  const key = () => ({ private: randomBytes(32), public: randomBytes(32) });
  return {
    [`${instanceId}:creds`]: {
      noiseKey: key(),
      pairingEphemeralKeyPair: key(),
      signedIdentityKey: key(),
      signedPreKey: { keyPair: key(), signature: randomBytes(64), keyId: 1 },
      registrationId: 4242,
      advSecretKey: randomBytes(32).toString('base64'),
      me: { id: '15550001111:1@s.whatsapp.net', name: 'Bot' },
      account: { details: randomBytes(40), accountSignature: new Uint8Array(randomBytes(64)) },
      registered: true,
    },
    [`${instanceId}:pre-key-1`]: key(),
    [`${instanceId}:pre-key-2`]: key(),
    [`${instanceId}:session-15550002222.0`]: {
      _sessions: { [randomBytes(33).toString('base64')]: { chain: randomBytes(80) } },
    },
    [`${instanceId}:sender-key-120363000000000000@g.us::15550002222::0`]: [randomBytes(100)],
    [`${instanceId}:app-state-sync-key-AAAAAD0x`]: { keyData: randomBytes(32), timestamp: '1700000000000' },
  };
}

/**
 * Driver auth state written the way the core's AuthStore does: `auth` namespace, keys prefixed by the
 * instance id, many keys per batch. Binary data must come back with exactly the same bytes.
 */
export function authStateTests(open: () => Promise<Store>): void {
  describe('driver auth state in the auth namespace', () => {
    it('a batch of creds and signal keys round-trips byte-exact and lists per instance', async () => {
      const store = await open();
      try {
        const a = sampleAuthState('inst1');
        const b = sampleAuthState('inst10');
        await store.batch(
          Object.entries(a).map(([key, value]) => ({ namespace: Namespaces.auth, key, value })),
        );
        await store.batch(
          Object.entries(b).map(([key, value]) => ({ namespace: Namespaces.auth, key, value })),
        );
        const listed = await store.list(Namespaces.auth, 'inst1:');
        expect(listed.map((e) => e.key)).toEqual(Object.keys(a).sort());
        for (const entry of listed) expect(asPlain(entry.value)).toEqual(asPlain(a[entry.key]));
        // Logout: delete everything of one instance in one batch; the other instance is untouched.
        await store.batch(listed.map((e) => ({ namespace: Namespaces.auth, key: e.key, value: undefined })));
        expect(await store.list(Namespaces.auth, 'inst1:')).toEqual([]);
        expect((await store.list(Namespaces.auth, 'inst10:')).length).toBe(Object.keys(b).length);
      } finally {
        await store.close();
      }
    });
  });
}

/** Buffers and Uint8Arrays as plain byte arrays, so a Buffer and its Uint8Array copy compare equal. */
export function asPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(asPlain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPlain(v)]));
  }
  return value;
}

/** Two stores on the same data, updating one counter from both sides at once. */
export function twoWritersTest(openPair: () => Promise<[Store, Store]>): void {
  it('two store instances updating one record in parallel never lose a write', async () => {
    const [one, two] = await openPair();
    try {
      const perWriter = 30;
      await Promise.all(
        Array.from({ length: perWriter * 2 }, (_, i) =>
          (i % 2 ? one : two).update<{ n: number; by: string[] }>('instances', 'shared', (cur) => ({
            n: (cur?.n ?? 0) + 1,
            by: [...(cur?.by ?? []), i % 2 ? 'one' : 'two'],
          })),
        ),
      );
      const record = await one.get<{ n: number; by: string[] }>('instances', 'shared');
      expect(record?.n).toBe(perWriter * 2);
      expect(record?.by.filter((w) => w === 'one').length).toBe(perWriter);
      expect(await two.get('instances', 'shared')).toEqual(record);
    } finally {
      await one.close();
      await two.close();
    }
  }, 60_000);
}
