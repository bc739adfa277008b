import { MemoryStore } from '@wabot/core';
import { proto } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { CREDS_KEY, createStoreAuthState, plain, signalKeyName } from '../src/auth-state.js';
import { memoryAuthStore } from './helpers.js';

describe('store auth state', () => {
  it('creates fresh credentials when the store is empty, and writes nothing until asked', async () => {
    const { auth, calls } = memoryAuthStore();
    const s = await createStoreAuthState(auth);
    expect(s.resumed).toBe(false);
    expect(s.state.creds.noiseKey.public).toBeInstanceOf(Uint8Array);
    expect(s.state.creds.registered).toBe(false);
    expect(calls.setMany).toBe(0);
    expect(await auth.get(CREDS_KEY)).toBeUndefined();
  });

  it('round-trips credentials byte for byte, giving Buffers back to Baileys', async () => {
    const store = new MemoryStore();
    const first = memoryAuthStore(store);
    const a = await createStoreAuthState(first.auth);
    a.state.creds.me = { id: '15550001111:1@s.whatsapp.net', name: 'Bot' };
    a.state.creds.routingInfo = Buffer.from([1, 2, 3, 255]);
    await a.saveCreds();

    const b = await createStoreAuthState(memoryAuthStore(store).auth);
    expect(b.resumed).toBe(true);
    const c = b.state.creds;
    expect(Buffer.isBuffer(c.noiseKey.private)).toBe(true);
    expect(Buffer.from(c.noiseKey.private).equals(Buffer.from(a.state.creds.noiseKey.private))).toBe(true);
    expect(
      Buffer.from(c.signedPreKey.signature).equals(Buffer.from(a.state.creds.signedPreKey.signature)),
    ).toBe(true);
    expect(c.signedPreKey.keyId).toBe(a.state.creds.signedPreKey.keyId);
    expect(c.registrationId).toBe(a.state.creds.registrationId);
    expect(c.advSecretKey).toBe(a.state.creds.advSecretKey);
    expect(c.me).toEqual({ id: '15550001111:1@s.whatsapp.net', name: 'Bot' });
    expect(c.routingInfo?.toString('base64')).toBe(Buffer.from([1, 2, 3, 255]).toString('base64'));
  });

  it('keeps the bytes of protobuf objects in credentials instead of their base64 JSON', async () => {
    const store = new MemoryStore();
    const a = await createStoreAuthState(memoryAuthStore(store).auth);
    const details = Buffer.from('device-details');
    a.state.creds.account = proto.ADVSignedDeviceIdentity.create({
      details,
      accountSignature: Buffer.alloc(64, 7),
    });
    await a.saveCreds();
    const b = await createStoreAuthState(memoryAuthStore(store).auth);
    const account = b.state.creds.account;
    expect(Buffer.isBuffer(account?.details)).toBe(true);
    expect(Buffer.from(account?.details ?? []).toString()).toBe('device-details');
    // and it still encodes as the same protobuf
    expect(Buffer.from(proto.ADVSignedDeviceIdentity.encode(account ?? {}).finish())).toEqual(
      Buffer.from(proto.ADVSignedDeviceIdentity.encode(a.state.creds.account).finish()),
    );
  });

  it('writes a commit of many signal keys in one setMany call, and deletes with null', async () => {
    const { auth, calls } = memoryAuthStore();
    const s = await createStoreAuthState(auth);
    const preKeys: Record<string, { public: Uint8Array; private: Uint8Array }> = {};
    for (let i = 1; i <= 30; i++)
      preKeys[String(i)] = { public: new Uint8Array([i, 1]), private: new Uint8Array([i, 2]) };
    await s.state.keys.set({
      'pre-key': preKeys,
      session: { '15550001111.0': new Uint8Array([9, 9, 9]) },
    });
    expect(calls.setMany).toBe(1);

    const got = await s.state.keys.get('pre-key', ['1', '30', '31']);
    expect(Object.keys(got).sort()).toEqual(['1', '30']);
    expect(Buffer.isBuffer(got['30']?.private)).toBe(true);
    expect([...(got['30']?.private ?? [])]).toEqual([30, 2]);
    const sessions = await s.state.keys.get('session', ['15550001111.0']);
    expect([...(sessions['15550001111.0'] ?? [])]).toEqual([9, 9, 9]);

    await s.state.keys.set({ 'pre-key': { '1': null } });
    expect(calls.setMany).toBe(2);
    expect(await auth.get(signalKeyName('pre-key', '1'))).toBeUndefined();
    expect(await s.state.keys.get('pre-key', ['1'])).toEqual({});
  });

  it('revives app-state-sync keys as protobuf objects', async () => {
    const { auth } = memoryAuthStore();
    const s = await createStoreAuthState(auth);
    const keyData = proto.Message.AppStateSyncKeyData.create({
      keyData: Buffer.from([5, 6, 7]),
      timestamp: 1700000000,
    });
    await s.state.keys.set({ 'app-state-sync-key': { AAAA: keyData } });
    const got = await s.state.keys.get('app-state-sync-key', ['AAAA']);
    expect(got.AAAA).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect([...(got.AAAA?.keyData ?? [])]).toEqual([5, 6, 7]);
  });

  it('applies writes in the order they were issued', async () => {
    const { auth } = memoryAuthStore();
    const s = await createStoreAuthState(auth);
    s.state.creds.me = { id: 'a@s.whatsapp.net' };
    const first = s.saveCreds();
    s.state.creds.me = { id: 'b@s.whatsapp.net' };
    const second = s.saveCreds();
    await Promise.all([first, second]);
    expect((await auth.get<{ me: { id: string } }>(CREDS_KEY))?.me.id).toBe('b@s.whatsapp.net');
  });

  it('drops writes after disable, so a late update cannot bring credentials back after logout', async () => {
    const { auth, calls } = memoryAuthStore();
    const s = await createStoreAuthState(auth);
    await s.saveCreds();
    s.disable();
    await auth.clear();
    await s.saveCreds();
    await s.state.keys.set({ session: { x: new Uint8Array([1]) } });
    await s.flush();
    expect(calls.setMany).toBe(1);
    expect(await auth.get(CREDS_KEY)).toBeUndefined();
  });

  it('plain() copies own fields, keeps bytes and turns longs into numbers', () => {
    const msg = proto.Message.AppStateSyncKeyData.create({ keyData: Buffer.from([1]) });
    const out = plain({ m: msg, list: [new Uint8Array([2])], skip: undefined, fn: () => 1 }) as Record<
      string,
      unknown
    >;
    expect(out).toEqual({ m: { keyData: Buffer.from([1]) }, list: [new Uint8Array([2])] });
    expect(plain({ low: 5, high: 0, unsigned: false, toString: () => '5' })).toBe(5);
  });
});
