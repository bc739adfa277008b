import { readFile, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DriverError, type InboundMessage, type Logger, StateError, ValidationError } from '@wabot/core';
import { DisconnectReason, encryptedStream, type WAMessage } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CREDS_KEY } from '../src/auth-state.js';
import { BaileysDriver, type BaileysDriverOptions } from '../src/driver.js';
import { baileysDriver } from '../src/index.js';
import { boom, fakeFactory, memoryAuthStore, recordingContext, settle } from './helpers.js';

const PEER = '15550001111@s.whatsapp.net';

function setup(options: BaileysDriverOptions = {}, ctxExtra: Parameters<typeof recordingContext>[1] = {}) {
  const f = fakeFactory();
  const store = memoryAuthStore();
  const rec = recordingContext(store.auth, ctxExtra);
  const driver = new BaileysDriver({ reconnect: { random: () => 1 }, ...options, socketFactory: f.factory });
  return { driver, f, store, ...rec };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('connection events', () => {
  it('maps connecting, qr and open (with the user) to driver events', async () => {
    const { driver, f, ctx, events } = setup();
    await driver.connect(ctx);
    expect(f.sockets).toHaveLength(1);
    f.last.emit('connection.update', { connection: 'connecting' });
    f.last.emit('connection.update', { qr: 'QR-1' });
    f.last.emit('connection.update', { qr: 'QR-2' });
    f.last.open('15550000000:7@s.whatsapp.net', 'My Bot');
    expect(events).toEqual([
      { type: 'connecting' },
      { type: 'qr', qr: 'QR-1' },
      { type: 'qr', qr: 'QR-2' },
      { type: 'open', user: { id: '15550000000:7@s.whatsapp.net', name: 'My Bot' } },
    ]);
  });

  it('refuses a second connect while running', async () => {
    const { driver, ctx } = setup();
    await driver.connect(ctx);
    expect(await failure(driver.connect(ctx))).toBeInstanceOf(StateError);
  });

  it('saves credentials to the auth store on creds.update', async () => {
    const { driver, f, ctx, store } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', { me: { id: '15550000000:1@s.whatsapp.net' } });
    await settle();
    expect(store.calls.setMany).toBe(1);
    const saved = await store.auth.get<{ noiseKey: { public: Uint8Array } }>(CREDS_KEY);
    expect(saved?.noiseKey.public).toBeInstanceOf(Uint8Array);
  });

  it('resumes with the stored credentials on the next connect', async () => {
    const first = setup();
    await first.driver.connect(first.ctx);
    first.f.last.emit('creds.update', {});
    await settle();
    const noise = first.f.last.config.auth.creds.noiseKey.public;
    await first.driver.close();

    const again = new BaileysDriver({ socketFactory: first.f.factory });
    await again.connect(recordingContext(first.store.auth).ctx);
    expect(Buffer.from(first.f.last.config.auth.creds.noiseKey.public).equals(Buffer.from(noise))).toBe(true);
  });
});

describe('reconnect', () => {
  it('reconnects after a drop with growing delays, reset once open', async () => {
    const { driver, f, ctx, ofType } = setup({ reconnect: { initialMs: 1000, maxMs: 8000, jitter: 0 } });
    await driver.connect(ctx);
    f.last.open();
    f.last.close(boom(DisconnectReason.connectionLost));
    expect(ofType('close')).toEqual([
      { type: 'close', reason: 'timedOut', loggedOut: false, reconnecting: true },
    ]);
    expect(f.sockets).toHaveLength(1);
    vi.advanceTimersByTime(999);
    expect(f.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(f.sockets).toHaveLength(2);
    // fails again before opening: the delay doubles
    f.last.close(boom(DisconnectReason.connectionClosed));
    vi.advanceTimersByTime(1999);
    expect(f.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(f.sockets).toHaveLength(3);
    f.last.close(new Error('ECONNREFUSED'));
    vi.advanceTimersByTime(4000);
    expect(f.sockets).toHaveLength(4);
    // opening resets the backoff
    f.last.open();
    f.last.close(boom(DisconnectReason.connectionClosed));
    vi.advanceTimersByTime(1000);
    expect(f.sockets).toHaveLength(5);
  });

  it('caps the delay', async () => {
    const { driver, f, ctx } = setup({ reconnect: { initialMs: 1000, maxMs: 3000, jitter: 0 } });
    await driver.connect(ctx);
    for (let i = 0; i < 6; i++) {
      const before = f.sockets.length;
      f.last.close(boom(428));
      vi.advanceTimersByTime(2999);
      const early = f.sockets.length;
      vi.advanceTimersByTime(1);
      expect(f.sockets.length).toBe(before + 1);
      if (i >= 2) expect(early).toBe(before);
    }
  });

  it('stops after maxAttempts failed attempts in a row', async () => {
    const { driver, f, ctx, ofType } = setup({ reconnect: { initialMs: 10, jitter: 0, maxAttempts: 2 } });
    await driver.connect(ctx);
    f.last.close(boom(428));
    vi.advanceTimersByTime(10);
    f.last.close(boom(428));
    vi.advanceTimersByTime(20);
    f.last.close(boom(428));
    await settle();
    vi.advanceTimersByTime(10_000);
    expect(f.sockets).toHaveLength(3);
    expect(ofType('close').at(-1)).toEqual({
      type: 'close',
      reason: 'connectionClosed',
      loggedOut: false,
      reconnecting: false,
    });
  });

  it('restarts at once, without a close event, when Baileys asks after pairing (515)', async () => {
    const { driver, f, ctx, events } = setup();
    await driver.connect(ctx);
    f.last.emit('connection.update', { qr: 'QR' });
    f.last.close(boom(DisconnectReason.restartRequired));
    expect(f.sockets).toHaveLength(2);
    f.last.open();
    expect(events.map((e) => e.type)).toEqual(['qr', 'open']);
  });

  it('falls back to backoff when the server keeps asking for restarts without opening', async () => {
    const { driver, f, ctx, ofType } = setup({ reconnect: { initialMs: 1000, jitter: 0 } });
    await driver.connect(ctx);
    f.last.close(boom(DisconnectReason.restartRequired));
    f.last.close(boom(DisconnectReason.restartRequired));
    expect(f.sockets).toHaveLength(3);
    f.last.close(boom(DisconnectReason.restartRequired));
    expect(f.sockets).toHaveLength(3);
    expect(ofType('close')).toEqual([
      { type: 'close', reason: 'restartRequired', loggedOut: false, reconnecting: true },
    ]);
    vi.advanceTimersByTime(1000);
    expect(f.sockets).toHaveLength(4);
    // once open, the next restart is immediate again
    f.last.open();
    f.last.close(boom(DisconnectReason.restartRequired));
    expect(f.sockets).toHaveLength(5);
  });

  it('never reconnects after logged out, and removes the credentials', async () => {
    const { driver, f, ctx, store, ofType } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    f.last.open();
    await settle();
    expect(await store.auth.get(CREDS_KEY)).toBeDefined();
    f.last.close(boom(DisconnectReason.loggedOut));
    await settle();
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(1);
    expect(ofType('close')).toEqual([
      { type: 'close', reason: 'loggedOut', loggedOut: true, reconnecting: false },
    ]);
    expect(await store.auth.get(CREDS_KEY)).toBeUndefined();
    expect(await failure(driver.send(PEER, { type: 'text', text: 'x' }))).toBeInstanceOf(StateError);
  });

  it.each([
    [DisconnectReason.connectionReplaced, 'connectionReplaced'],
    [DisconnectReason.forbidden, 'forbidden'],
  ])('does not reconnect after %i and keeps the credentials', async (code, reason) => {
    const { driver, f, ctx, store, ofType } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    f.last.open();
    f.last.close(boom(code));
    await settle();
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(1);
    expect(ofType('close')).toEqual([{ type: 'close', reason, loggedOut: false, reconnecting: false }]);
    expect(await store.auth.get(CREDS_KEY)).toBeDefined();
  });

  it('retries bad-session closes a few times in a row, then stops keeping the credentials', async () => {
    const { driver, f, ctx, store, ofType } = setup({
      reconnect: { initialMs: 10, jitter: 0, maxBadSession: 2 },
    });
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    f.last.open();
    // one bad session, then an open: the streak starts over
    f.last.close(boom(DisconnectReason.badSession));
    vi.advanceTimersByTime(10);
    f.last.open();
    f.last.close(boom(DisconnectReason.badSession));
    vi.advanceTimersByTime(10);
    f.last.close(boom(DisconnectReason.badSession));
    vi.advanceTimersByTime(20);
    expect(f.sockets).toHaveLength(4);
    f.last.close(boom(DisconnectReason.badSession));
    await settle();
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(4);
    expect(ofType('close').at(-1)).toEqual({
      type: 'close',
      reason: 'badSession',
      loggedOut: false,
      reconnecting: false,
    });
    expect(ofType('close').filter((e) => e.reconnecting)).toHaveLength(3);
    expect(await store.auth.get(CREDS_KEY)).toBeDefined();
  });

  it('fails connect, without touching credentials, when Baileys refuses to make a socket', async () => {
    const store = memoryAuthStore();
    await store.auth.setMany({ [CREDS_KEY]: { kept: true } });
    const driver = new BaileysDriver({
      socketFactory: () => {
        throw boom(DisconnectReason.loggedOut, 'Mobile API is not supported anymore');
      },
    });
    const err = (await failure(driver.connect(recordingContext(store.auth).ctx))) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/cannot open a WhatsApp socket: Mobile API/);
    expect(await store.auth.get(CREDS_KEY)).toEqual({ kept: true });
    expect(await failure(driver.send(PEER, { type: 'text', text: 'x' }))).toBeInstanceOf(StateError);
  });

  it('stops with a close event when a reconnect cannot make a socket', async () => {
    const f = fakeFactory();
    let refuse = false;
    const store = memoryAuthStore();
    const rec = recordingContext(store.auth);
    const driver = new BaileysDriver({
      reconnect: { initialMs: 10, jitter: 0 },
      socketFactory: (config) => {
        if (refuse) throw new TypeError('Invalid URL');
        return f.factory(config);
      },
    });
    await driver.connect(rec.ctx);
    refuse = true;
    f.last.close(boom(428));
    vi.advanceTimersByTime(10);
    expect(rec.ofType('close').at(-1)).toEqual({
      type: 'close',
      reason: 'cannot open a WhatsApp socket: Invalid URL',
      loggedOut: false,
      reconnecting: false,
    });
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(1);
  });

  it('ignores events from a socket that was replaced', async () => {
    const { driver, f, ctx, events } = setup({ reconnect: { initialMs: 10, jitter: 0 } });
    await driver.connect(ctx);
    const old = f.last;
    old.close(boom(428));
    vi.advanceTimersByTime(10);
    events.length = 0;
    old.emitter.emit('connection.update', { qr: 'stale' });
    old.emitter.emit('messages.upsert', { type: 'notify', messages: [] });
    expect(events).toEqual([]);
  });
});

describe('sending across drops', () => {
  it('holds sends made while disconnected and sends each exactly once after reconnecting', async () => {
    const { driver, f, ctx } = setup({ reconnect: { initialMs: 100, jitter: 0 } });
    await driver.connect(ctx);
    const first = driver.send(PEER, { type: 'text', text: 'one' });
    const second = driver.send(PEER, { type: 'text', text: 'two' });
    await settle();
    expect(f.last.sendMessage).not.toHaveBeenCalled();
    f.last.open();
    const [a, b] = await Promise.all([first, second]);
    expect(f.last.sendMessage.mock.calls.map((c) => (c[1] as { text: string }).text)).toEqual(['one', 'two']);
    expect(a.key.id).not.toBe(b.key.id);

    // drop, send while down, reconnect: the held send goes out once, on the new socket only
    const firstSocket = f.last;
    firstSocket.close(boom(428));
    const third = driver.send(PEER, { type: 'text', text: 'three' });
    vi.advanceTimersByTime(100);
    const secondSocket = f.last;
    expect(secondSocket).not.toBe(firstSocket);
    secondSocket.open();
    await third;
    expect(firstSocket.sendMessage).toHaveBeenCalledTimes(2);
    expect(secondSocket.sendMessage).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    secondSocket.close(boom(428));
    vi.advanceTimersByTime(100);
    f.last.open();
    await settle();
    expect(f.sockets.reduce((n, s) => n + s.sendMessage.mock.calls.length, 0)).toBe(3);
  });

  it('fails a held send with a transient error after the wait timeout, and never sends it later', async () => {
    const { driver, f, ctx } = setup({ sendQueue: { waitTimeoutMs: 5000 } });
    await driver.connect(ctx);
    const pending = failure(driver.send(PEER, { type: 'text', text: 'late' }));
    await settle();
    vi.advanceTimersByTime(5000);
    const err = (await pending) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/not connected within 5000 ms/);
    f.last.open();
    await settle();
    expect(f.last.sendMessage).not.toHaveBeenCalled();
  });

  it('bounds the number of held sends', async () => {
    const { driver, ctx } = setup({ sendQueue: { maxWaiting: 2 } });
    await driver.connect(ctx);
    void driver.send(PEER, { type: 'text', text: '1' }).catch(() => {});
    void driver.send(PEER, { type: 'text', text: '2' }).catch(() => {});
    const err = (await failure(driver.send(PEER, { type: 'text', text: '3' }))) as DriverError;
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/2 sends are already waiting/);
  });

  it('fails held sends when the driver is closed', async () => {
    const { driver, ctx } = setup();
    await driver.connect(ctx);
    const pending = failure(driver.send(PEER, { type: 'text', text: 'x' }));
    await settle();
    // a send still being prepared when the driver closes must not start waiting afterwards
    const late = failure(driver.send(PEER, { type: 'text', text: 'y' }));
    await driver.close();
    expect(await pending).toBeInstanceOf(DriverError);
    expect(await late).toBeInstanceOf(StateError);
  });

  it('rejects bad input at once, even while disconnected', async () => {
    const { driver, f, ctx } = setup();
    await driver.connect(ctx);
    const err = await failure(driver.send(PEER, { type: 'location', lat: 500, lng: 0 }));
    expect(err).toBeInstanceOf(ValidationError);
    f.last.open();
    await settle();
    expect(f.last.sendMessage).not.toHaveBeenCalled();
  });

  it('maps a failing header upload to a DriverError', async () => {
    const { driver, f, ctx } = setup();
    await driver.connect(ctx);
    f.last.open();
    f.last.waUploadToServer.mockRejectedValueOnce(boom(408, 'upload timed out'));
    const err = (await failure(
      driver.send(PEER, {
        type: 'buttons',
        text: 't',
        buttons: [{ type: 'replyButton', title: 'a', id: 'a' }],
        media: { type: 'image', media: { data: new Uint8Array([1, 2, 3]) } },
      }),
    )) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(true);
    expect(f.last.relayMessage).not.toHaveBeenCalled();
  });

  it('refuses sends before connect', async () => {
    const { driver } = setup();
    expect(await failure(driver.send(PEER, { type: 'text', text: 'x' }))).toBeInstanceOf(StateError);
  });
});

describe('close and logout', () => {
  it('close() ends the socket quietly, keeps credentials and does not reconnect', async () => {
    const { driver, f, ctx, store, ofType } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    f.last.open();
    await driver.close();
    expect(f.last.end).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(1);
    // the caller closed it, so no close event is reported back
    expect(ofType('close')).toEqual([]);
    expect(await store.auth.get(CREDS_KEY)).toBeDefined();
  });

  it('can connect again after close()', async () => {
    const { driver, f, ctx } = setup();
    await driver.connect(ctx);
    await driver.close();
    await driver.connect(ctx);
    expect(f.sockets).toHaveLength(2);
  });

  it('logout() logs out on the phone and removes every credential', async () => {
    const { driver, f, ctx, store, ofType } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    f.last.open();
    await f.last.config.auth.keys.set({ session: { a: new Uint8Array([1]) } });
    await settle();
    expect((await store.store.list('auth', store.prefix)).length).toBe(2);
    await driver.logout();
    expect(f.last.logout).toHaveBeenCalledTimes(1);
    expect(await store.store.list('auth', store.prefix)).toEqual([]);
    expect(ofType('close')).toEqual([]);
    vi.advanceTimersByTime(600_000);
    expect(f.sockets).toHaveLength(1);
    // a late creds write from the dead socket must not bring credentials back
    f.last.emitter.emit('creds.update', {});
    await settle();
    expect(await store.store.list('auth', store.prefix)).toEqual([]);
  });

  it('logout() still removes credentials when the phone cannot be told', async () => {
    const { driver, f, ctx, store } = setup();
    await driver.connect(ctx);
    f.last.emit('creds.update', {});
    await settle();
    f.last.logout.mockRejectedValueOnce(boom(428, 'Connection Closed'));
    await driver.logout();
    expect(await store.auth.get(CREDS_KEY)).toBeUndefined();
  });
});

describe('pairing code', () => {
  it('with a pairing phone, asks for a code once the socket is ready and shows no QR', async () => {
    const { driver, f, ctx, events } = setup({}, { pairingPhone: '+1 (555) 000-1111' });
    await driver.connect(ctx);
    f.last.emit('connection.update', { connection: 'connecting' });
    f.last.emit('connection.update', { qr: 'QR-1' });
    f.last.emit('connection.update', { qr: 'QR-2' });
    await settle();
    expect(f.last.requestPairingCode).toHaveBeenCalledTimes(1);
    expect(f.last.requestPairingCode).toHaveBeenCalledWith('15550001111');
    expect(events).toEqual([{ type: 'connecting' }, { type: 'pairing-code', code: 'ABCD1234' }]);
  });

  it('requestPairingCode waits for the socket, then returns the code', async () => {
    const { driver, f, ctx, ofType } = setup();
    await driver.connect(ctx);
    const code = driver.requestPairingCode('15550001111');
    await settle();
    expect(f.last.requestPairingCode).not.toHaveBeenCalled();
    f.last.emit('connection.update', { qr: 'QR-1' });
    expect(await code).toBe('ABCD1234');
    // the caller gets the code back; only codes the driver asked for itself are emitted
    expect(ofType('pairing-code')).toEqual([]);
    // later QR refreshes are not shown once pairing by code
    f.last.emit('connection.update', { qr: 'QR-2' });
    expect(ofType('qr')).toEqual([]);
  });

  it('asks again on a new socket after a drop while pairing by code', async () => {
    const { driver, f, ctx, ofType } = setup(
      { reconnect: { initialMs: 10, jitter: 0 } },
      { pairingPhone: '15550001111' },
    );
    await driver.connect(ctx);
    f.last.emit('connection.update', { qr: 'QR-1' });
    await settle();
    f.last.close(boom(DisconnectReason.timedOut, 'QR refs attempts ended'));
    vi.advanceTimersByTime(10);
    f.last.requestPairingCode.mockResolvedValueOnce('WXYZ5678');
    f.last.emit('connection.update', { qr: 'QR-2' });
    await settle();
    expect(f.sockets.map((s) => s.requestPairingCode.mock.calls.length)).toEqual([1, 1]);
    expect(ofType('pairing-code').map((e) => e.code)).toEqual(['ABCD1234', 'WXYZ5678']);
    expect(ofType('qr')).toEqual([]);
  });

  it('times out when the socket never gets ready', async () => {
    const { driver, ctx } = setup({ pairingTimeoutMs: 1000 });
    await driver.connect(ctx);
    const pending = failure(driver.requestPairingCode('15550001111'));
    vi.advanceTimersByTime(1000);
    const err = (await pending) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(true);
  });

  it('validates the phone and the state', async () => {
    const { driver, f, ctx } = setup();
    expect(await failure(driver.requestPairingCode('15550001111'))).toBeInstanceOf(StateError);
    await driver.connect(ctx);
    expect(await failure(driver.requestPairingCode('12ab'))).toBeInstanceOf(ValidationError);
    f.last.open();
    expect(await failure(driver.requestPairingCode('15550001111'))).toBeInstanceOf(StateError);
  });
});

describe('inbound events', () => {
  it('emits messages from messages.upsert, notify vs append, skipping noise', async () => {
    const { driver, f, ctx, ofType } = setup();
    await driver.connect(ctx);
    f.last.open();
    const base = { messageTimestamp: 1700000000, pushName: 'Alice' };
    f.last.emit('messages.upsert', {
      type: 'notify',
      messages: [
        { key: { remoteJid: PEER, id: 'A', fromMe: false }, message: { conversation: 'hi' }, ...base },
        {
          key: { remoteJid: 'status@broadcast', id: 'S', fromMe: false },
          message: { conversation: 's' },
          ...base,
        },
        {
          key: { remoteJid: PEER, id: 'P', fromMe: false },
          message: { protocolMessage: { type: 0 } },
          ...base,
        },
      ],
    });
    f.last.emit('messages.upsert', {
      type: 'append',
      messages: [
        { key: { remoteJid: PEER, id: 'B', fromMe: false }, message: { conversation: 'old' }, ...base },
      ],
    });
    const got = ofType('message').map((e) => e.message);
    expect(got.map((m) => [m.id, m.text, m.unread])).toEqual([
      ['A', 'hi', undefined],
      ['B', 'old', true],
    ]);
  });

  it('reports a message WhatsApp delivers twice only once, even across sockets', async () => {
    const { driver, f, ctx, ofType } = setup({ reconnect: { initialMs: 10, jitter: 0 } });
    await driver.connect(ctx);
    f.last.open();
    const hello = { key: { remoteJid: PEER, id: 'DUP', fromMe: false }, message: { conversation: 'hi' } };
    f.last.emit('messages.upsert', { type: 'notify', messages: [hello] });
    f.last.emit('messages.upsert', { type: 'notify', messages: [hello] });
    f.last.close(boom(428));
    vi.advanceTimersByTime(10);
    f.last.open();
    f.last.emit('messages.upsert', { type: 'notify', messages: [hello] });
    // same id in another chat is another message
    f.last.emit('messages.upsert', {
      type: 'notify',
      messages: [{ ...hello, key: { ...hello.key, remoteJid: '15550002222@s.whatsapp.net' } }],
    });
    expect(ofType('message').map((e) => `${e.message.chatId} ${e.message.id}`)).toEqual([
      `${PEER} DUP`,
      '15550002222@s.whatsapp.net DUP',
    ]);
  });

  it('emits status events from messages.update and receipts', async () => {
    const { driver, f, ctx, ofType } = setup();
    await driver.connect(ctx);
    f.last.emit('messages.update', [
      { key: { remoteJid: PEER, id: 'A', fromMe: true }, update: { status: 3 } },
    ]);
    f.last.emit('message-receipt.update', [
      { key: { remoteJid: PEER, id: 'A', fromMe: true }, receipt: { userJid: PEER, readTimestamp: 5 } },
    ]);
    expect(ofType('status')).toEqual([
      { type: 'status', id: 'A', chatId: PEER, status: 'DELIVERY_ACK' },
      { type: 'status', id: 'A', chatId: PEER, status: 'READ' },
    ]);
  });

  it('emits the status Baileys folded into the echo of a send', async () => {
    const { driver, f, ctx, ofType } = setup();
    await driver.connect(ctx);
    f.last.open();
    f.last.emit('messages.upsert', {
      type: 'append',
      messages: [
        { key: { remoteJid: PEER, id: 'MINE', fromMe: true }, message: { conversation: 'x' }, status: 4 },
      ],
    });
    expect(ofType('status')).toEqual([{ type: 'status', id: 'MINE', chatId: PEER, status: 'READ' }]);
    expect(ofType('message').map((e) => e.message.id)).toEqual(['MINE']);
  });

  it('keeps running when a handler throws', async () => {
    const f = fakeFactory();
    const store = memoryAuthStore();
    let calls = 0;
    const driver = new BaileysDriver({ socketFactory: f.factory });
    await driver.connect(
      recordingContext(store.auth, {
        emit: () => {
          calls += 1;
          throw new Error('listener bug');
        },
      }).ctx,
    );
    f.last.emit('connection.update', { qr: 'a' });
    f.last.emit('connection.update', { qr: 'b' });
    expect(calls).toBe(2);
  });

  it('marks messages read', async () => {
    const { driver, f, ctx } = setup();
    await driver.connect(ctx);
    expect(await failure(driver.markRead(PEER, ['A']))).toBeInstanceOf(DriverError);
    f.last.open();
    await driver.markRead(PEER, ['A', 'B']);
    expect(f.last.readMessages).toHaveBeenCalledWith([
      { remoteJid: PEER, id: 'A', fromMe: false },
      { remoteJid: PEER, id: 'B', fromMe: false },
    ]);
  });
});

describe('media download', () => {
  it("downloads and decrypts inbound media with Baileys' downloadMediaMessage", async () => {
    vi.useRealTimers();
    const plain = Buffer.from('the picture bytes '.repeat(50));
    const enc = await encryptedStream(plain, 'image', {});
    const body = await readFile(enc.encFilePath);
    await unlink(enc.encFilePath);
    const server = createServer((_req, res) => {
      res.writeHead(200);
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media`;
      const { driver, f, ctx, ofType } = setup();
      await driver.connect(ctx);
      f.last.open();
      const raw: WAMessage = {
        key: { remoteJid: PEER, id: 'IMG', fromMe: false },
        message: {
          imageMessage: { url, mediaKey: enc.mediaKey, mimetype: 'image/jpeg', fileLength: plain.length },
        },
        messageTimestamp: 1700000000,
      };
      f.last.emit('messages.upsert', { type: 'notify', messages: [raw] });
      const [event] = ofType('message');
      if (!event) throw new Error('no message');
      expect(event.message.media).toEqual({ mimetype: 'image/jpeg', size: plain.length });
      const bytes = await driver.downloadMedia(event.message);
      expect(Buffer.from(bytes).equals(plain)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses messages without media or without the raw message', async () => {
    const { driver } = setup();
    const msg: InboundMessage = {
      id: 'x',
      chatId: PEER,
      sender: PEER,
      fromMe: false,
      kind: 'text',
      text: 'x',
      timestamp: 0,
    };
    expect(await failure(driver.downloadMedia(msg))).toBeInstanceOf(ValidationError);
    expect(await failure(driver.downloadMedia({ ...msg, media: { mimetype: 'image/png' } }))).toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('options', () => {
  it('passes user options to Baileys with safe defaults', async () => {
    const agent = new Agent();
    const fetchAgent = new Agent();
    const { driver, f, ctx } = setup({
      browser: 'My Bot',
      waWebSocketUrl: 'ws://127.0.0.1:1/ws',
      agent,
      fetchAgent,
      socketConfig: { connectTimeoutMs: 1234 },
    });
    await driver.connect(ctx);
    const c = f.last.config;
    expect(c.markOnlineOnConnect).toBe(false);
    expect(c.syncFullHistory).toBe(false);
    expect(c.waWebSocketUrl).toBe('ws://127.0.0.1:1/ws');
    expect(c.agent).toBe(agent);
    expect(c.fetchAgent).toBe(fetchAgent);
    expect(c.browser?.[1]).toBe('My Bot');
    expect(c.connectTimeoutMs).toBe(1234);
    agent.destroy();
    fetchAgent.destroy();
  });

  it('leaves Baileys defaults alone when options are not given', async () => {
    const { driver, f, ctx } = setup();
    await driver.connect(ctx);
    expect('waWebSocketUrl' in f.last.config).toBe(false);
    expect('agent' in f.last.config).toBe(false);
    expect('browser' in f.last.config).toBe(false);
  });

  it('lets markOnlineOnConnect and syncFullHistory be turned on, and takes a browser tuple', async () => {
    const { driver, f, ctx } = setup({
      markOnlineOnConnect: true,
      syncFullHistory: true,
      browser: ['A', 'B', 'C'],
    });
    await driver.connect(ctx);
    expect(f.last.config.markOnlineOnConnect).toBe(true);
    expect(f.last.config.syncFullHistory).toBe(true);
    expect(f.last.config.browser).toEqual(['A', 'B', 'C']);
  });

  it('passes a pino-like logger through untouched and wraps a core logger', async () => {
    const seen: unknown[] = [];
    const pinoLike = {
      level: 'debug',
      child: () => pinoLike,
      trace: () => {},
      debug: () => {},
      info: (o: unknown) => seen.push(o),
      warn: () => {},
      error: () => {},
    };
    const a = setup({ logger: pinoLike });
    await a.driver.connect(a.ctx);
    expect(a.f.last.config.logger).toBe(pinoLike);

    const lines: Array<[string, unknown]> = [];
    const core: Logger = {
      debug: (o) => lines.push(['debug', o]),
      info: (o) => lines.push(['info', o]),
      warn: (o) => lines.push(['warn', o]),
      error: (o) => lines.push(['error', o]),
    };
    const b = setup({ logger: core });
    await b.driver.connect(b.ctx);
    const wrapped = b.f.last.config.logger;
    expect(wrapped?.level).toBe('info');
    wrapped?.info({ a: 1 });
    wrapped?.trace({ t: 1 });
    wrapped?.child({ x: 1 }).warn({ b: 2 });
    expect(lines).toEqual([
      ['info', { a: 1 }],
      ['warn', { b: 2 }],
    ]);
  });

  it('baileysDriver() computes options per instance, e.g. a proxy agent each', async () => {
    const f = fakeFactory();
    const agents = new Map<string, Agent>();
    const factory = baileysDriver(({ instanceId }) => {
      const agent = new Agent();
      agents.set(instanceId, agent);
      return { agent, socketFactory: f.factory };
    });
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    for (const instanceId of ['a', 'b']) {
      const driver = factory({ instanceId, sessionId: `s-${instanceId}`, logger });
      await driver.connect(recordingContext(memoryAuthStore(undefined, instanceId).auth).ctx);
    }
    expect(f.sockets.map((s) => s.config.agent)).toEqual([agents.get('a'), agents.get('b')]);
    expect(agents.get('a')).not.toBe(agents.get('b'));
    for (const a of agents.values()) a.destroy();
  });

  it('baileysDriver() is a core DriverFactory making independent drivers', () => {
    const factory = baileysDriver({ browser: 'x' });
    const input = {
      instanceId: 'a',
      sessionId: 's',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };
    const a = factory(input);
    const b = factory(input);
    expect(a).toBeInstanceOf(BaileysDriver);
    expect(a).not.toBe(b);
  });
});
