import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriverError, type OutboundContent, ValidationError } from '@wabot/core';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BaileysDriver } from '../src/driver.js';
import { ackName, messageToJson, NATIVE_FLOW_BIZ_NODE, toSentMessage } from '../src/outbound.js';
import { boom, type FakeSocket, fakeFactory, memoryAuthStore, recordingContext } from './helpers.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]);
const PEER = '15550001111@s.whatsapp.net';
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/pic.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(Buffer.from(PNG));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

let driver: BaileysDriver;
let sock: FakeSocket;

async function connected(options: ConstructorParameters<typeof BaileysDriver>[0] = {}) {
  const f = fakeFactory();
  const d = new BaileysDriver({
    mediaFetch: { allowPrivateNetworks: true },
    ...options,
    socketFactory: f.factory,
  });
  await d.connect(recordingContext(memoryAuthStore().auth).ctx);
  f.last.open();
  return { d, s: f.last };
}

beforeEach(async () => {
  ({ d: driver, s: sock } = await connected());
});

/** The content object the driver handed to Baileys' sendMessage on its last call. */
function lastContent(): Record<string, unknown> {
  const call = sock.sendMessage.mock.calls.at(-1);
  if (!call) throw new Error('sendMessage was not called');
  return call[1] as unknown as Record<string, unknown>;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('outbound text', () => {
  it('sends text without link previews and maps the result to the reference shape', async () => {
    const sent = await driver.send(PEER, { type: 'text', text: 'hello https://example.com' });
    expect(lastContent()).toEqual({ text: 'hello https://example.com', linkPreview: null });
    expect(sent.key).toEqual({ remoteJid: PEER, fromMe: true, id: expect.any(String) });
    expect(sent.key.id.length).toBeGreaterThan(8);
    expect(sent.status).toBe('PENDING');
    expect(sent.messageTimestamp).toMatch(/^\d{10}$/);
    expect(sent.message).toEqual({ extendedTextMessage: { text: 'hello https://example.com' } });
  });

  it('lets Baileys build link previews when enabled', async () => {
    const { d, s } = await connected({ linkPreviews: true });
    await d.send(PEER, { type: 'text', text: 'plain' });
    expect(s.sendMessage.mock.calls[0]?.[1]).toEqual({ text: 'plain' });
  });

  it('accepts bare digits as a person and refuses malformed chat ids before sending', async () => {
    const sent = await driver.send('15550001111', { type: 'text', text: 'x' });
    expect(sent.key.remoteJid).toBe(PEER);
    expect(await failure(driver.send('not a jid', { type: 'text', text: 'x' }))).toBeInstanceOf(
      ValidationError,
    );
    expect(await failure(driver.send(PEER, { type: 'text', text: '  ' }))).toBeInstanceOf(ValidationError);
    expect(sock.sendMessage).toHaveBeenCalledTimes(1);
  });
});

describe('outbound media', () => {
  it('sends an image from bytes with caption and mimetype; the result carries media fields as JSON', async () => {
    const sent = await driver.send(PEER, {
      type: 'image',
      media: { data: PNG },
      caption: 'Yo',
      mimetype: 'image/png',
    });
    const content = lastContent();
    expect(Buffer.isBuffer(content.image)).toBe(true);
    expect([...(content.image as Buffer)]).toEqual([...PNG]);
    expect(content).toMatchObject({ caption: 'Yo', mimetype: 'image/png' });
    const img = sent.message.imageMessage as Record<string, unknown>;
    expect(img).toMatchObject({ mimetype: 'image/png', caption: 'Yo', fileLength: String(PNG.length) });
    expect(img.url).toBe('https://mmg.example.invalid/image/1');
    expect(typeof img.mediaKey).toBe('string');
    expect(Buffer.from(img.mediaKey as string, 'base64')).toHaveLength(32);
  });

  it('sends a video', async () => {
    const sent = await driver.send(PEER, {
      type: 'video',
      media: { data: PNG },
      mimetype: 'video/mp4',
      caption: 'v',
    });
    expect(lastContent()).toMatchObject({ caption: 'v', mimetype: 'video/mp4' });
    expect(Buffer.isBuffer(lastContent().video)).toBe(true);
    expect(sent.message.videoMessage).toMatchObject({ mimetype: 'video/mp4', caption: 'v' });
  });

  it('sends audio, as a voice note (ptt) when asked', async () => {
    const voice = await driver.send(PEER, {
      type: 'audio',
      media: { data: PNG },
      mimetype: 'audio/ogg; codecs=opus',
      voiceNote: true,
    });
    expect(lastContent()).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus' });
    expect(voice.message.audioMessage).toMatchObject({ ptt: true });
    await driver.send(PEER, { type: 'audio', media: { data: PNG }, voiceNote: false });
    expect(lastContent().ptt).toBe(false);
  });

  it('sends a document with its filename and a default mimetype', async () => {
    const sent = await driver.send(PEER, {
      type: 'document',
      media: { data: PNG },
      filename: 'report.pdf',
      caption: 'Q3',
    });
    expect(lastContent()).toMatchObject({
      fileName: 'report.pdf',
      mimetype: 'application/octet-stream',
      caption: 'Q3',
    });
    expect(sent.message.documentMessage).toMatchObject({ fileName: 'report.pdf' });
    expect(
      await failure(driver.send(PEER, { type: 'document', media: { data: PNG }, filename: '' })),
    ).toBeInstanceOf(ValidationError);
  });

  it('fetches URL media itself (Baileys never sees the URL) and takes the served content type', async () => {
    await driver.send(PEER, { type: 'image', media: { url: `${base}/pic.jpg` } });
    const content = lastContent();
    expect(Buffer.isBuffer(content.image)).toBe(true);
    expect([...(content.image as Buffer)]).toEqual([...PNG]);
    expect(content.mimetype).toBe('image/jpeg');
  });

  it('refuses unsafe or failing URLs without sending anything', async () => {
    expect(
      await failure(driver.send(PEER, { type: 'image', media: { url: 'file:///etc/passwd' } })),
    ).toBeInstanceOf(ValidationError);
    const missing = await failure(driver.send(PEER, { type: 'image', media: { url: `${base}/nope` } }));
    expect(missing).toBeInstanceOf(DriverError);
    const { d, s } = await connected({ mediaFetch: { maxBytes: 4, allowPrivateNetworks: true } });
    expect(
      (await failure(d.send(PEER, { type: 'image', media: { url: `${base}/pic.jpg` } }))).message,
    ).toMatch(/larger than 4 bytes/);
    expect(sock.sendMessage).not.toHaveBeenCalled();
    expect(s.sendMessage).not.toHaveBeenCalled();
  });

  it('refuses media URLs on private networks by default', async () => {
    const { d, s } = await connected({ mediaFetch: {} });
    const err = await failure(d.send(PEER, { type: 'image', media: { url: `${base}/pic.jpg` } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/private or reserved address/);
    expect(s.sendMessage).not.toHaveBeenCalled();
  });

  it('refuses empty media', async () => {
    expect(
      await failure(driver.send(PEER, { type: 'image', media: { data: new Uint8Array() } })),
    ).toBeInstanceOf(ValidationError);
  });
});

describe('outbound location and contact', () => {
  it('sends a location', async () => {
    const sent = await driver.send(PEER, { type: 'location', lat: 6.556452, lng: 3.2774487, name: 'Office' });
    expect(lastContent()).toEqual({
      location: { degreesLatitude: 6.556452, degreesLongitude: 3.2774487, name: 'Office' },
    });
    expect(sent.message).toEqual({
      locationMessage: { degreesLatitude: 6.556452, degreesLongitude: 3.2774487, name: 'Office' },
    });
  });

  it.each([
    [91, 0],
    [0, -181],
    [Number.NaN, 0],
  ])('refuses coordinates out of range (%s, %s)', async (lat, lng) => {
    expect(await failure(driver.send(PEER, { type: 'location', lat, lng }))).toBeInstanceOf(ValidationError);
  });

  it('sends a contact vcard', async () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:John\nTEL;type=CELL;waid=15550002222:+15550002222\nEND:VCARD';
    const sent = await driver.send(PEER, { type: 'contact', displayName: 'John', vcard });
    expect(lastContent()).toEqual({
      contacts: { displayName: 'John', contacts: [{ displayName: 'John', vcard }] },
    });
    expect(sent.message).toEqual({ contactMessage: { displayName: 'John', vcard } });
    expect(
      await failure(driver.send(PEER, { type: 'contact', displayName: 'x', vcard: 'hello' })),
    ).toBeInstanceOf(ValidationError);
  });
});

describe('outbound buttons and lists', () => {
  const buttons: Extract<OutboundContent, { type: 'buttons' }> = {
    type: 'buttons',
    text: 'Pick one',
    footer: 'footer',
    buttons: [
      { type: 'replyButton', title: 'Yes', id: 'yes' },
      { type: 'urlButton', title: 'Site', payload: 'https://example.com', id: 'u' },
      { type: 'callButton', title: 'Call', payload: '15550003333', id: 'c' },
    ],
  };

  function lastRelay() {
    const call = sock.relayMessage.mock.calls.at(-1);
    if (!call) throw new Error('relayMessage was not called');
    return {
      jid: call[0],
      message: call[1] as proto.IMessage,
      opts: call[2] as { messageId?: string; additionalNodes?: unknown[] },
    };
  }

  it('relays buttons as a native-flow interactive message with the biz node', async () => {
    const sent = await driver.send(PEER, buttons);
    const { jid, message, opts } = lastRelay();
    expect(jid).toBe(PEER);
    expect(opts.additionalNodes).toEqual([NATIVE_FLOW_BIZ_NODE]);
    expect(opts.messageId).toBe(sent.key.id);
    const im = message.interactiveMessage;
    expect(im?.body?.text).toBe('Pick one');
    expect(im?.footer?.text).toBe('footer');
    const flow = im?.nativeFlowMessage?.buttons ?? [];
    expect(flow.map((b) => b.name)).toEqual(['quick_reply', 'cta_url', 'cta_call']);
    expect(flow.map((b) => JSON.parse(b.buttonParamsJson ?? '{}'))).toEqual([
      { display_text: 'Yes', id: 'yes' },
      { display_text: 'Site', url: 'https://example.com', merchant_url: 'https://example.com' },
      { display_text: 'Call', phone_number: '15550003333' },
    ]);
    expect(sent.status).toBe('PENDING');
    expect((sent.message.interactiveMessage as Record<string, unknown>).body).toEqual({ text: 'Pick one' });
    expect(sock.sendMessage).not.toHaveBeenCalled();
  });

  it('uploads the media of media buttons and puts it in the header', async () => {
    await driver.send(PEER, {
      ...buttons,
      media: { type: 'image', media: { data: PNG }, mimetype: 'image/png' },
    });
    expect(sock.waUploadToServer).toHaveBeenCalledTimes(1);
    const header = lastRelay().message.interactiveMessage?.header;
    expect(header?.hasMediaAttachment).toBe(true);
    expect(header?.imageMessage?.mimetype).toBe('image/png');
    expect(header?.imageMessage?.url).toBe('https://mmg.example.invalid/image/1');
  });

  it('supports video and document headers', async () => {
    await driver.send(PEER, { ...buttons, media: { type: 'document', media: { data: PNG } } });
    expect(lastRelay().message.interactiveMessage?.header?.documentMessage?.mimetype).toBe(
      'application/octet-stream',
    );
    await driver.send(PEER, {
      ...buttons,
      media: { type: 'video', media: { data: PNG }, mimetype: 'video/mp4' },
    });
    expect(lastRelay().message.interactiveMessage?.header?.videoMessage?.mimetype).toBe('video/mp4');
  });

  it('refuses url and call buttons without a payload, and empty button lists', async () => {
    const noUrl = { ...buttons, buttons: [{ type: 'urlButton' as const, title: 'x', id: 'x' }] };
    expect(await failure(driver.send(PEER, noUrl))).toBeInstanceOf(ValidationError);
    expect(await failure(driver.send(PEER, { ...buttons, buttons: [] }))).toBeInstanceOf(ValidationError);
    expect(sock.relayMessage).not.toHaveBeenCalled();
  });

  it('relays a list as a single_select flow with row ids', async () => {
    await driver.send(PEER, {
      type: 'list',
      text: 'Menu',
      title: 'Head',
      footer: 'Foot',
      buttonText: 'Open',
      sections: [{ title: 'Food', rows: [{ title: 'Pizza', description: 'hot', rowId: 'pizza' }] }],
    });
    const im = lastRelay().message.interactiveMessage;
    expect(im?.header?.title).toBe('Head');
    expect(im?.body?.text).toBe('Menu');
    const [only] = im?.nativeFlowMessage?.buttons ?? [];
    expect(only?.name).toBe('single_select');
    expect(JSON.parse(only?.buttonParamsJson ?? '{}')).toEqual({
      title: 'Open',
      sections: [{ title: 'Food', rows: [{ id: 'pizza', title: 'Pizza', description: 'hot' }] }],
    });
    expect(
      await failure(
        driver.send(PEER, { type: 'list', text: 'x', buttonText: 'b', sections: [{ title: 't', rows: [] }] }),
      ),
    ).toBeInstanceOf(ValidationError);
  });
});

describe('send errors', () => {
  it('maps a closed connection to a transient DriverError', async () => {
    sock.failNextSend = boom(428, 'Connection Closed');
    const err = (await failure(driver.send(PEER, { type: 'text', text: 'x' }))) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(true);
    expect(err.message).toBe('send failed: Connection Closed');
  });

  it('maps other Baileys errors to a permanent DriverError', async () => {
    sock.failNextSend = boom(400, 'Invalid media type');
    const err = (await failure(driver.send(PEER, { type: 'text', text: 'x' }))) as DriverError;
    expect(err.transient).toBe(false);
  });
});

describe('result mapping', () => {
  it('names every status number and keeps 64-bit numbers as strings', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => ackName(n))).toEqual([
      'ERROR',
      'PENDING',
      'SERVER_ACK',
      'DELIVERY_ACK',
      'READ',
      'PLAYED',
    ]);
    expect(ackName(undefined)).toBeUndefined();
    const json = messageToJson({
      imageMessage: { fileLength: 130722, mediaKeyTimestamp: 1688996225, height: 653 },
    });
    expect(json).toEqual({
      imageMessage: { fileLength: '130722', mediaKeyTimestamp: '1688996225', height: 653 },
    });
  });

  it('maps a Baileys WebMessageInfo with a server ack', () => {
    const info = proto.WebMessageInfo.fromObject({
      key: { remoteJid: PEER, fromMe: true, id: 'ABC' },
      message: { conversation: 'hi' },
      messageTimestamp: 1688996225,
      status: 2,
    }) as WAMessage;
    expect(toSentMessage(info, PEER)).toEqual({
      key: { remoteJid: PEER, fromMe: true, id: 'ABC' },
      status: 'SERVER_ACK',
      message: { conversation: 'hi' },
      messageTimestamp: '1688996225',
    });
  });
});
