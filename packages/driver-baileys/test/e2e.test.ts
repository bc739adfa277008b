import type { DriverEvent, Logger } from '@wabot/core';
import { silentLogger } from '@wabot/core';
import { startWaSim, trustSimulator, type WaSim } from '@wabot/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREDS_KEY } from '../src/auth-state.js';
import { BaileysDriver } from '../src/driver.js';
import { memoryAuthStore, recordingContext } from './helpers.js';

const BOT = '15550000001';
const CONTACT = '15550000002';

/** Set WABOT_E2E_LOG=1 to see what Baileys says. */
const logger: Logger = process.env.WABOT_E2E_LOG
  ? {
      debug: () => {},
      info: (o, m) => console.log('[info]', m ?? '', JSON.stringify(o)?.slice(0, 300)),
      warn: (o, m) => console.log('[warn]', m ?? '', JSON.stringify(o)?.slice(0, 300)),
      error: (o, m) => console.log('[error]', m ?? '', JSON.stringify(o)?.slice(0, 300)),
    }
  : silentLogger;

/** Records driver events and lets a test wait for one. */
function eventLog() {
  const events: DriverEvent[] = [];
  const waiters: Array<() => void> = [];
  const push = (e: DriverEvent) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  };
  function waitFor<T extends DriverEvent['type']>(
    type: T,
    predicate: (e: Extract<DriverEvent, { type: T }>) => boolean = () => true,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<Extract<DriverEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no ${type} event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(',')}`),
          ),
        timeoutMs,
      );
      const check = () => {
        const hit = events
          .slice(from)
          .find((e): e is Extract<DriverEvent, { type: T }> => e.type === type && predicate(e as never));
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  }
  return { events, push, waitFor };
}

describe('BaileysDriver end to end against the protocol simulator', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  const drivers: BaileysDriver[] = [];

  beforeEach(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
  });

  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.close();
    await sim.close();
    trust.restore();
  });

  function makeDriver() {
    const driver = new BaileysDriver({
      waWebSocketUrl: sim.url,
      logger,
      reconnect: { initialMs: 50, maxMs: 500 },
      socketConfig: {
        // The simulator sends no history; waiting for it would hold events back.
        shouldSyncHistoryMessage: () => false,
        connectTimeoutMs: 10_000,
        defaultQueryTimeoutMs: 10_000,
      },
    });
    drivers.push(driver);
    return driver;
  }

  it('logs in by QR, sends and receives text, and reconnects after a drop with the stored session', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);

    // QR login: the bot's phone scans the QR the driver reports
    const { qr } = await log.waitFor('qr');
    const linked = await sim.phone(BOT).scan(qr);
    const open = await log.waitFor('open');
    expect(open.user.id).toBe(linked.jid);
    expect(open.user.id.startsWith(`${BOT}:`)).toBe(true);
    // pairing ends with a 515 restart, which the driver handled without reporting a close
    expect(log.events.filter((e) => e.type === 'close')).toEqual([]);
    expect(await store.auth.get(CREDS_KEY)).toMatchObject({ me: { id: linked.jid } });

    // send text: the contact's phone receives it
    const contact = sim.phone(CONTACT);
    const sent = await driver.send(`${CONTACT}@s.whatsapp.net`, { type: 'text', text: 'hello from the bot' });
    expect(sent.key).toMatchObject({ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true });
    expect(sent.message).toEqual({ extendedTextMessage: { text: 'hello from the bot' } });
    const got = await contact.waitForMessage((m) => m.text === 'hello from the bot');
    expect(got.id).toBe(sent.key.id);

    // receive text: the contact writes to the bot
    const mark = log.events.length;
    const incomingId = await contact.sendText(`${BOT}@s.whatsapp.net`, 'hi bot');
    const incoming = await log.waitFor('message', (e) => e.message.id === incomingId, mark);
    expect(incoming.message).toMatchObject({
      chatId: `${CONTACT}@s.whatsapp.net`,
      sender: `${CONTACT}@s.whatsapp.net`,
      fromMe: false,
      kind: 'text',
      text: 'hi bot',
    });
    expect(incoming.message.unread).toBeUndefined();

    // reconnect: the network drops; the driver reports it, reconnects with the stored session, and works again
    const beforeDrop = log.events.length;
    sim.dropConnections();
    const closed = await log.waitFor('close', () => true, beforeDrop);
    expect(closed).toMatchObject({ loggedOut: false, reconnecting: true });
    const reopened = await log.waitFor('open', () => true, beforeDrop);
    expect(reopened.user.id).toBe(linked.jid);
    expect(log.events.slice(beforeDrop).some((e) => e.type === 'qr')).toBe(false);

    const again = await driver.send(`${CONTACT}@s.whatsapp.net`, { type: 'text', text: 'still here' });
    await contact.waitForMessage((m) => m.id === again.key.id);
    const secondId = await contact.sendText(`${BOT}@s.whatsapp.net`, 'welcome back');
    await log.waitFor(
      'message',
      (e) => e.message.id === secondId && e.message.text === 'welcome back',
      beforeDrop,
    );
    // every message reached the bot exactly once, across the reconnect
    const inboundIds = log.events.flatMap((e) =>
      e.type === 'message' && !e.message.fromMe ? [e.message.id] : [],
    );
    expect(inboundIds.filter((id) => id === incomingId)).toHaveLength(1);
    expect(inboundIds.filter((id) => id === secondId)).toHaveLength(1);
    expect(contact.received().filter((m) => m.id === sent.key.id || m.id === again.key.id)).toHaveLength(2);
    expect(sim.errors()).toEqual([]);
  });

  it('a send made while the connection is down goes out once after reconnecting', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    await sim.phone(BOT).scan((await log.waitFor('qr')).qr);
    await log.waitFor('open');
    const contact = sim.phone(CONTACT);

    const beforeDrop = log.events.length;
    sim.dropConnections();
    await log.waitFor('close', () => true, beforeDrop);
    const sent = await driver.send(`${CONTACT}@s.whatsapp.net`, { type: 'text', text: 'queued while down' });
    await contact.waitForMessage((m) => m.id === sent.key.id);
    expect(contact.received().filter((m) => m.text === 'queued while down')).toHaveLength(1);
  });

  it('reports group messages with the participant as sender, and read receipts as status', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    await sim.phone(BOT).scan((await log.waitFor('qr')).qr);
    await log.waitFor('open');
    const contact = sim.phone(CONTACT, { name: 'Carol' });

    const group = sim.group('Team', [CONTACT, BOT]);
    const groupMsgId = await contact.sendText(group.jid, 'hello group');
    const inGroup = await log.waitFor('message', (e) => e.message.id === groupMsgId);
    expect(inGroup.message).toMatchObject({
      chatId: group.jid,
      sender: `${CONTACT}@s.whatsapp.net`,
      kind: 'text',
      text: 'hello group',
      fromMe: false,
    });

    const sent = await driver.send(`${CONTACT}@s.whatsapp.net`, { type: 'text', text: 'please read' });
    const received = await contact.waitForMessage((m) => m.id === sent.key.id);
    contact.read(received);
    const status = await log.waitFor('status', (e) => e.id === sent.key.id && e.status === 'READ');
    expect(status.chatId).toBe(`${CONTACT}@s.whatsapp.net`);
  });

  it('reconnects after a server stream error (503) but not after being replaced (440)', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    await sim.phone(BOT).scan((await log.waitFor('qr')).qr);
    await log.waitFor('open');

    const before503 = log.events.length;
    sim.streamError(503);
    expect(await log.waitFor('close', () => true, before503)).toEqual({
      type: 'close',
      reason: 'unavailableService',
      loggedOut: false,
      reconnecting: true,
    });
    await log.waitFor('open', () => true, before503);

    const before440 = log.events.length;
    sim.streamError(440);
    expect(await log.waitFor('close', () => true, before440)).toEqual({
      type: 'close',
      reason: 'connectionReplaced',
      loggedOut: false,
      reconnecting: false,
    });
    // nothing reconnects, and the session is kept for whoever owns it now
    await new Promise((r) => setTimeout(r, 700));
    expect(sim.connectionCount()).toBe(0);
    expect(log.events.slice(before440).map((e) => e.type)).toEqual(['close']);
    expect(await store.auth.get(CREDS_KEY)).toBeDefined();
  });

  it('logs in with a pairing code asked for at connect, without showing a QR', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger, pairingPhone: BOT }).ctx);
    const { code } = await log.waitFor('pairing-code');
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const linked = await sim.phone(BOT).enterPairingCode(code);
    const open = await log.waitFor('open');
    expect(open.user.id).toBe(linked.jid);
    expect(log.events.some((e) => e.type === 'qr')).toBe(false);
    const contact = sim.phone(CONTACT);
    const sent = await driver.send(`${CONTACT}@s.whatsapp.net`, { type: 'text', text: 'paired by code' });
    await contact.waitForMessage((m) => m.id === sent.key.id);
  });

  it('logs in with a pairing code requested after the QR appeared', { timeout: 60_000 }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    await log.waitFor('qr');
    const code = await driver.requestPairingCode(`+${BOT}`);
    await sim.phone(BOT).enterPairingCode(code);
    const open = await log.waitFor('open');
    expect(open.user.id.startsWith(`${BOT}:`)).toBe(true);
  });

  it('gets a message sent while it was closed once it resumes, exactly once', {
    timeout: 60_000,
  }, async () => {
    const store = memoryAuthStore();
    const first = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: first.push, logger }).ctx);
    await sim.phone(BOT).scan((await first.waitFor('qr')).qr);
    await first.waitFor('open');
    const contact = sim.phone(CONTACT);
    await driver.close();

    const id = await contact.sendText(`${BOT}@s.whatsapp.net`, 'while you were away');
    const log = eventLog();
    const again = makeDriver();
    await again.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    const { message } = await log.waitFor('message', (e) => e.message.id === id);
    expect(message.text).toBe('while you were away');
    expect(log.events.some((e) => e.type === 'qr')).toBe(false);
    const later = await contact.sendText(`${BOT}@s.whatsapp.net`, 'and now');
    await log.waitFor('message', (e) => e.message.id === later);
    expect(log.events.filter((e) => e.type === 'message' && e.message.id === id)).toHaveLength(1);
  });

  it('stops and forgets the session when the phone logs the device out', { timeout: 60_000 }, async () => {
    const store = memoryAuthStore();
    const log = eventLog();
    const driver = makeDriver();
    await driver.connect(recordingContext(store.auth, { emit: log.push, logger }).ctx);
    const phone = sim.phone(BOT);
    await phone.scan((await log.waitFor('qr')).qr);
    await log.waitFor('open');

    phone.logout();
    const closed = await log.waitFor('close');
    expect(closed).toEqual({ type: 'close', reason: 'loggedOut', loggedOut: true, reconnecting: false });
    expect(await store.store.list('auth', store.prefix)).toEqual([]);
  });
});
