import { randomBytes } from 'node:crypto';
import type { DriverEvent } from '@wabot/core';
import { type SimPhone, startWaSim, trustSimulator, type WaSim } from '@wabot/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaileysDriver } from '../src/driver.js';
import { memoryAuthStore, recordingContext } from './helpers.js';

const BOT = '15550000031';
const BOT_JID = `${BOT}@s.whatsapp.net`;
const CONTACT = '15550000032';
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

/** One linked bot for the whole file: each test sends or receives one kind of message. */
describe('every message kind end to end against the protocol simulator', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  let driver: BaileysDriver;
  const events: DriverEvent[] = [];
  let contact: SimPhone;

  beforeAll(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
    driver = new BaileysDriver({
      waWebSocketUrl: sim.url,
      fetchAgent: sim.mediaAgent,
      socketConfig: { shouldSyncHistoryMessage: () => false, defaultQueryTimeoutMs: 10_000 },
    });
    await driver.connect(recordingContext(memoryAuthStore().auth, { emit: (e) => events.push(e) }).ctx);
    const { qr } = await waitForEvent(events, 'qr');
    await sim.phone(BOT).scan(qr);
    await waitForEvent(events, 'open');
    contact = sim.phone(CONTACT, { name: 'Eve' });
  }, 30_000);

  afterAll(async () => {
    await driver.close();
    await sim.close();
    trust.restore();
  });

  describe('outbound', () => {
    it('voice note', { timeout: 30_000 }, async () => {
      const ogg = randomBytes(3_000);
      const sent = await driver.send(CONTACT_JID, {
        type: 'audio',
        media: { data: ogg },
        mimetype: 'audio/ogg; codecs=opus',
        voiceNote: true,
      });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      expect(got.message.audioMessage).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus' });
    });

    it('location', { timeout: 30_000 }, async () => {
      const sent = await driver.send(CONTACT_JID, {
        type: 'location',
        lat: 6.556452,
        lng: 3.2774487,
        name: 'HQ',
      });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      expect(got.message.locationMessage).toMatchObject({
        degreesLatitude: 6.556452,
        degreesLongitude: 3.2774487,
        name: 'HQ',
      });
    });

    it('contact card', { timeout: 30_000 }, async () => {
      const vcard =
        'BEGIN:VCARD\nVERSION:3.0\nFN:John Doe\nTEL;type=CELL;waid=15550009999:+15550009999\nEND:VCARD';
      const sent = await driver.send(CONTACT_JID, { type: 'contact', displayName: 'John Doe', vcard });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      expect(got.message.contactMessage).toMatchObject({ displayName: 'John Doe', vcard });
    });

    it('buttons, relayed as a native-flow message', { timeout: 30_000 }, async () => {
      const sent = await driver.send(CONTACT_JID, {
        type: 'buttons',
        text: 'Pick',
        footer: 'f',
        buttons: [
          { type: 'replyButton', title: 'Yes', id: 'yes' },
          { type: 'urlButton', title: 'Site', payload: 'https://example.com', id: 'site' },
        ],
      });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      const flow = got.message.interactiveMessage?.nativeFlowMessage?.buttons ?? [];
      expect(got.message.interactiveMessage?.body?.text).toBe('Pick');
      expect(flow.map((b) => b.name)).toEqual(['quick_reply', 'cta_url']);
    });

    it('buttons with an image header', { timeout: 30_000 }, async () => {
      const picture = randomBytes(2_000);
      const sent = await driver.send(CONTACT_JID, {
        type: 'buttons',
        text: 'With media',
        buttons: [{ type: 'replyButton', title: 'Ok', id: 'ok' }],
        media: { type: 'image', media: { data: picture }, mimetype: 'image/png' },
      });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      const header = got.message.interactiveMessage?.header;
      expect(header?.hasMediaAttachment).toBe(true);
      expect(header?.imageMessage?.mimetype).toBe('image/png');
    });

    it('list', { timeout: 30_000 }, async () => {
      const sent = await driver.send(CONTACT_JID, {
        type: 'list',
        text: 'Menu',
        buttonText: 'Open',
        sections: [{ title: 'Food', rows: [{ title: 'Pizza', rowId: 'pizza' }] }],
      });
      const got = await contact.waitForMessage((m) => m.id === sent.key.id);
      const [button] = got.message.interactiveMessage?.nativeFlowMessage?.buttons ?? [];
      expect(button?.name).toBe('single_select');
      expect(JSON.parse(button?.buttonParamsJson ?? '{}').sections[0].rows[0].id).toBe('pizza');
    });
  });

  describe('inbound', () => {
    it('a button reply carries the chosen id', { timeout: 30_000 }, async () => {
      const id = await contact.sendMessage(BOT_JID, {
        interactiveResponseMessage: {
          body: { text: 'Yes' },
          nativeFlowResponseMessage: { name: 'quick_reply', paramsJson: '{"id":"yes"}', version: 1 },
        },
      });
      const { message } = await waitForEvent(events, 'message', (e) => e.message.id === id);
      expect(message).toMatchObject({
        kind: 'button_reply',
        selectedId: 'yes',
        text: 'Yes',
        sender: CONTACT_JID,
      });
    });

    it('a list reply carries the row id', { timeout: 30_000 }, async () => {
      const id = await contact.sendMessage(BOT_JID, {
        listResponseMessage: { title: 'Pizza', listType: 1, singleSelectReply: { selectedRowId: 'pizza' } },
      });
      const { message } = await waitForEvent(events, 'message', (e) => e.message.id === id);
      expect(message).toMatchObject({ kind: 'list_reply', selectedId: 'pizza', text: 'Pizza' });
    });

    it('a quoted reply points at the bot message', { timeout: 30_000 }, async () => {
      const sent = await driver.send(CONTACT_JID, { type: 'text', text: 'Ready?' });
      const id = await contact.sendMessage(BOT_JID, {
        extendedTextMessage: {
          text: 'yes!',
          contextInfo: {
            stanzaId: sent.key.id,
            participant: BOT_JID,
            quotedMessage: { conversation: 'Ready?' },
          },
        },
      });
      const { message } = await waitForEvent(events, 'message', (e) => e.message.id === id);
      expect(message).toMatchObject({
        kind: 'text',
        text: 'yes!',
        quoted: { id: sent.key.id, text: 'Ready?' },
      });
    });

    it('a reaction, a location and a contact card', { timeout: 30_000 }, async () => {
      const sent = await driver.send(CONTACT_JID, { type: 'text', text: 'react to me' });
      const reaction = await contact.sendMessage(BOT_JID, {
        reactionMessage: {
          text: '👍',
          key: { id: sent.key.id, remoteJid: BOT_JID, fromMe: false },
          senderTimestampMs: 1,
        },
      });
      const location = await contact.sendMessage(BOT_JID, {
        locationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5, name: 'Cafe' },
      });
      const card = await contact.sendMessage(BOT_JID, {
        contactMessage: { displayName: 'Jane', vcard: 'BEGIN:VCARD\nFN:Jane\nEND:VCARD' },
      });
      const r = await waitForEvent(events, 'message', (e) => e.message.id === reaction);
      expect(r.message).toMatchObject({ kind: 'reaction', text: '👍', quoted: { id: sent.key.id } });
      const l = await waitForEvent(events, 'message', (e) => e.message.id === location);
      expect(l.message).toMatchObject({ kind: 'location', location: { lat: 1.5, lng: 2.5, name: 'Cafe' } });
      const c = await waitForEvent(events, 'message', (e) => e.message.id === card);
      expect(c.message).toMatchObject({ kind: 'contact', text: 'Jane' });
    });
  });
});
