import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DriverEvent } from '@wabot/core';
import { type SimPhone, startWaSim, trustSimulator, type WaSim } from '@wabot/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaileysDriver } from '../src/driver.js';
import { memoryAuthStore, recordingContext } from './helpers.js';

const BOT = '15550000021';
const CONTACT = '15550000022';
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`;

function waitForEvent<T extends DriverEvent['type']>(
  events: DriverEvent[],
  type: T,
  match: (e: Extract<DriverEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<DriverEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + 15_000;
    const poll = () => {
      const hit = events.find(
        (e): e is Extract<DriverEvent, { type: T }> => e.type === type && match(e as never),
      );
      if (hit) resolve(hit);
      else if (Date.now() > end) reject(new Error(`no ${type} event`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe('media end to end against the protocol simulator', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  let driver: BaileysDriver;
  let events: DriverEvent[];
  let contact: SimPhone;
  let files: Server;
  let filesUrl = '';
  const picture = randomBytes(6_000);

  beforeEach(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
    files = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(picture);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/photo.jpg`;

    events = [];
    driver = new BaileysDriver({
      waWebSocketUrl: sim.url,
      fetchAgent: sim.mediaAgent,
      // the test's file server is on loopback
      mediaFetch: { allowPrivateNetworks: true },
      socketConfig: { shouldSyncHistoryMessage: () => false, defaultQueryTimeoutMs: 10_000 },
    });
    await driver.connect(recordingContext(memoryAuthStore().auth, { emit: (e) => events.push(e) }).ctx);
    const { qr } = await waitForEvent(events, 'qr');
    await sim.phone(BOT).scan(qr);
    await waitForEvent(events, 'open');
    contact = sim.phone(CONTACT, { name: 'Dee' });
  }, 30_000);

  afterEach(async () => {
    await driver.close();
    files.closeAllConnections();
    await new Promise<void>((r) => files.close(() => r()));
    await sim.close();
    trust.restore();
  });

  it('sends an image from bytes; the contact decrypts the same bytes', { timeout: 30_000 }, async () => {
    const sent = await driver.send(CONTACT_JID, {
      type: 'image',
      media: { data: picture },
      mimetype: 'image/png',
      caption: 'look',
    });
    expect(sent.message.imageMessage).toMatchObject({ mimetype: 'image/png', caption: 'look' });
    const got = await contact.waitForMessage((m) => m.id === sent.key.id);
    expect(got.text).toBe('look');
    expect((await contact.downloadMedia(got)).equals(picture)).toBe(true);
  });

  it('sends an image given as a URL, fetched by the driver', { timeout: 30_000 }, async () => {
    const sent = await driver.send(CONTACT_JID, { type: 'image', media: { url: filesUrl } });
    const got = await contact.waitForMessage((m) => m.id === sent.key.id);
    expect(got.message.imageMessage?.mimetype).toBe('image/jpeg');
    expect((await contact.downloadMedia(got)).equals(picture)).toBe(true);
  });

  it('sends a document with its filename', { timeout: 30_000 }, async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2_000)]);
    const sent = await driver.send(CONTACT_JID, {
      type: 'document',
      media: { data: pdf },
      mimetype: 'application/pdf',
      filename: 'report.pdf',
    });
    const got = await contact.waitForMessage((m) => m.id === sent.key.id);
    expect(got.message.documentMessage?.fileName).toBe('report.pdf');
    expect((await contact.downloadMedia(got)).equals(pdf)).toBe(true);
  });

  it('receives an image with its metadata and downloads it on demand', { timeout: 30_000 }, async () => {
    const id = await contact.sendImage(`${BOT}@s.whatsapp.net`, picture, {
      caption: 'from dee',
      mimetype: 'image/png',
    });
    const { message } = await waitForEvent(events, 'message', (e) => e.message.id === id);
    expect(message).toMatchObject({
      kind: 'image',
      text: 'from dee',
      sender: CONTACT_JID,
      pushName: 'Dee',
      media: { mimetype: 'image/png', caption: 'from dee', size: picture.length },
    });
    expect(Buffer.from(await driver.downloadMedia(message)).equals(picture)).toBe(true);
  });

  it('receives a document with its filename', { timeout: 30_000 }, async () => {
    const csv = Buffer.from('name,amount\ndee,3\n');
    const id = await contact.sendDocument(`${BOT}@s.whatsapp.net`, csv, {
      fileName: 'sums.csv',
      mimetype: 'text/csv',
    });
    const { message } = await waitForEvent(events, 'message', (e) => e.message.id === id);
    expect(message).toMatchObject({
      kind: 'document',
      media: { mimetype: 'text/csv', filename: 'sums.csv' },
    });
    expect(Buffer.from(await driver.downloadMedia(message)).equals(csv)).toBe(true);
  });
});
