import { describe, expect, it } from 'vitest';
import { instanceAuthStore } from '../auth-store.js';
import type { Driver, DriverEvent } from '../driver.js';
import { MemoryStore, type Store } from '../store.js';
import { silentLogger } from '../types.js';

/** The phone side of a driver under test: what a person (or a simulator) does. */
export interface DriverHarness {
  /** A fresh driver. Called again with the same store to test resuming a session. */
  driver(): Driver;
  /** The phone scans this QR. */
  scan(qr: string): Promise<void>;
  /** A contact (digits) sends `text` to the bot. */
  inbound(from: string, text: string): Promise<void>;
  /** Texts `contact` has received from the bot so far, oldest first. */
  received(contact: string): Promise<string[]>;
  /** Digits of a contact that exists on the other side. */
  contact: string;
  close(): Promise<void>;
}

export interface DriverContractOptions {
  name: string;
  /** Per-test timeout in ms. Default 30 000. */
  timeout?: number;
}

class EventLog {
  readonly events: DriverEvent[] = [];
  private waiters: Array<{ match: (e: DriverEvent) => boolean; resolve: (e: DriverEvent) => void }> = [];

  readonly emit = (event: DriverEvent): void => {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(event);
      }
    }
  };

  next<T extends DriverEvent['type']>(
    type: T,
    match: (e: Extract<DriverEvent, { type: T }>) => boolean = () => true,
  ): Promise<Extract<DriverEvent, { type: T }>> {
    const seen = this.events.find((e) => e.type === type && match(e as Extract<DriverEvent, { type: T }>));
    if (seen) return Promise.resolve(seen as Extract<DriverEvent, { type: T }>);
    return new Promise((resolve) => {
      this.waiters.push({
        match: (e) => e.type === type && match(e as Extract<DriverEvent, { type: T }>),
        resolve: resolve as (e: DriverEvent) => void,
      });
    });
  }
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeout: number): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The behaviour every `Driver` must have, seen from the outside: QR login, sending and receiving
 * text, resuming with stored credentials, logout. Run it from a driver's tests with a harness that
 * plays the phone (see `DriverHarness`).
 */
export function driverContract(
  makeHarness: () => Promise<DriverHarness>,
  options: DriverContractOptions,
): void {
  const timeout = options.timeout ?? 30_000;

  async function linked(store: Store = new MemoryStore()) {
    const harness = await makeHarness();
    const log = new EventLog();
    const driver = harness.driver();
    await driver.connect({
      instanceId: 'contract',
      auth: instanceAuthStore(store, 'contract'),
      logger: silentLogger,
      emit: log.emit,
    });
    const { qr } = await log.next('qr');
    await harness.scan(qr);
    const open = await log.next('open');
    return { harness, log, driver, store, open };
  }

  describe(`Driver contract: ${options.name}`, () => {
    it(
      'shows a QR, links when it is scanned and reports the user',
      async () => {
        const { harness, driver, open, store } = await linked();
        expect(open.user.id).toMatch(/^\d+(:\d+)?@s\.whatsapp\.net$/);
        expect((await store.list('auth', 'contract:')).length).toBeGreaterThan(0);
        await driver.close();
        await harness.close();
      },
      timeout,
    );

    it(
      'sends text to a contact and receives text from one',
      async () => {
        const { harness, driver, log } = await linked();
        const sent = await driver.send(`${harness.contact}@s.whatsapp.net`, {
          type: 'text',
          text: 'hello from the bot',
        });
        expect(sent.key).toMatchObject({ remoteJid: `${harness.contact}@s.whatsapp.net`, fromMe: true });
        expect(sent.key.id).toBeTruthy();
        const got = await until(
          () => harness.received(harness.contact),
          (texts) => texts.includes('hello from the bot'),
          timeout / 2,
        );
        expect(got).toContain('hello from the bot');

        const inbound = log.next('message', (e) => e.message.text === 'hi bot');
        await harness.inbound(harness.contact, 'hi bot');
        const { message } = await inbound;
        expect(message).toMatchObject({
          fromMe: false,
          kind: 'text',
          chatId: `${harness.contact}@s.whatsapp.net`,
        });
        expect(message.sender.startsWith(harness.contact)).toBe(true);
        await driver.close();
        await harness.close();
      },
      timeout,
    );

    it(
      'resumes with stored credentials without a new QR',
      async () => {
        const { harness, driver, store } = await linked();
        await driver.close();
        const log = new EventLog();
        const again = harness.driver();
        await again.connect({
          instanceId: 'contract',
          auth: instanceAuthStore(store, 'contract'),
          logger: silentLogger,
          emit: log.emit,
        });
        await log.next('open');
        expect(log.events.some((e) => e.type === 'qr')).toBe(false);
        await again.close();
        await harness.close();
      },
      timeout,
    );

    it(
      'forgets its credentials on logout',
      async () => {
        const { harness, driver, store } = await linked();
        await driver.logout();
        expect(await store.list('auth', 'contract:')).toEqual([]);
        await harness.close();
      },
      timeout,
    );
  });
}
