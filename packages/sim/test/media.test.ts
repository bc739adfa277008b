import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { ValidationError } from '@wabot/core';
import { downloadMediaMessage } from '@whiskeysockets/baileys';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimPhone, startWaSim, trustSimulator, type WaSim } from '../src/index.js';
import { decryptMedia, encryptMedia } from '../src/protocol/media-crypto.js';
import type { TestClient } from './support/baileys-client.js';
import { pairClient } from './support/pair.js';

describe('media encryption', () => {
  it('round-trips any file and rejects any altered byte', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), fc.nat(), async (plain, flip) => {
        const media = await encryptMedia(plain, 'image');
        expect([...(await decryptMedia(media.file, media, 'image'))]).toEqual([...plain]);
        const tampered = Buffer.from(media.file);
        const index = flip % tampered.length;
        tampered[index] = (tampered[index] ?? 0) ^ 0x01;
        await expect(decryptMedia(tampered, media, 'image')).rejects.toThrow(/fileEncSha256/);
      }),
      { numRuns: 25 },
    );
  });
});

describe('media between real Baileys and simulated phones', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  let client: TestClient;
  let me: SimPhone;
  let bob: SimPhone;

  beforeEach(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
    ({ client, phone: me } = await pairClient(sim, '15550001111', {
      socket: { fetchAgent: sim.mediaAgent },
    }));
    bob = sim.phone('15550002222', { name: 'Bob' });
  }, 30_000);

  afterEach(async () => {
    await client.stop();
    await sim.close();
    trust.restore();
  });

  it('an image Baileys uploads reaches the contact with matching hashes', { timeout: 30_000 }, async () => {
    const picture = randomBytes(5_000);
    const sent = await client.sock?.sendMessage(bob.jid, {
      image: picture,
      mimetype: 'image/png',
      caption: 'look',
    });
    const got = await bob.waitForMessage((m) => m.id === sent?.key.id);

    expect(got.text).toBe('look');
    expect(got.message.imageMessage?.mimetype).toBe('image/png');
    expect((await bob.downloadMedia(got)).equals(picture)).toBe(true);
  });

  it('a document Baileys uploads keeps its name and bytes', { timeout: 30_000 }, async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3_000)]);
    const sent = await client.sock?.sendMessage(bob.jid, {
      document: pdf,
      mimetype: 'application/pdf',
      fileName: 'report.pdf',
    });
    const got = await bob.waitForMessage((m) => m.id === sent?.key.id);

    expect(got.message.documentMessage?.fileName).toBe('report.pdf');
    expect((await bob.downloadMedia(got)).equals(pdf)).toBe(true);
  });

  it('a voice note Baileys uploads is decrypted by the contact', { timeout: 30_000 }, async () => {
    const audio = randomBytes(2_500);
    const sent = await client.sock?.sendMessage(bob.jid, {
      audio,
      mimetype: 'audio/ogg; codecs=opus',
      ptt: true,
    });
    const got = await bob.waitForMessage((m) => m.id === sent?.key.id);
    expect(got.message.audioMessage?.ptt).toBe(true);
    expect((await bob.downloadMedia(got)).equals(audio)).toBe(true);
  });

  it('downloadMedia refuses a message without media', { timeout: 30_000 }, async () => {
    const id = await client.sock?.sendMessage(bob.jid, { text: 'no media here' });
    const got = await bob.waitForMessage((m) => m.id === id?.key.id);
    await expect(bob.downloadMedia(got)).rejects.toThrow(ValidationError);
  });

  it('an image a contact sends is downloaded and decrypted by Baileys', { timeout: 30_000 }, async () => {
    const picture = randomBytes(4_321);
    const id = await bob.sendImage(me.jid, picture, { caption: 'from bob', mimetype: 'image/png' });
    const upsert = await client.waitForMessage((m) => m.key.id === id);

    expect(upsert.message?.imageMessage?.caption).toBe('from bob');
    const downloaded = await downloadMediaMessage(upsert, 'buffer', {});
    expect(Buffer.from(downloaded).equals(picture)).toBe(true);
  });

  it('a document a contact sends is downloaded by Baileys', { timeout: 30_000 }, async () => {
    const text = Buffer.from('name,amount\nbob,3\n');
    const id = await bob.sendDocument(me.jid, text, { fileName: 'sums.csv', mimetype: 'text/csv' });
    const upsert = await client.waitForMessage((m) => m.key.id === id);

    expect(upsert.message?.documentMessage?.fileName).toBe('sums.csv');
    expect(Buffer.from(await downloadMediaMessage(upsert, 'buffer', {})).equals(text)).toBe(true);
  });

  it('the upload server refuses a body whose hash does not match the URL', { timeout: 30_000 }, async () => {
    const conn = await client.sock?.query({
      tag: 'iq',
      attrs: { to: '@s.whatsapp.net', type: 'set', xmlns: 'w:m' },
      content: [{ tag: 'media_conn', attrs: {} }],
    });
    const mediaConn = Array.isArray(conn?.content) ? conn.content[0] : undefined;
    const host = Array.isArray(mediaConn?.content) ? mediaConn.content[0]?.attrs.hostname : undefined;
    const auth = mediaConn?.attrs.auth ?? '';
    const post = (token: string, body: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(
          `https://${host}/mms/image/${token}?auth=${encodeURIComponent(auth)}&token=${token}`,
        );
        const req = https.request(url, { method: 'POST', agent: sim.mediaAgent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    const body = randomBytes(100);
    const rightToken = (await import('node:crypto')).createHash('sha256').update(body).digest('base64url');
    expect(await post(rightToken, body)).toBe(200);
    expect(await post(rightToken, randomBytes(100))).toBe(400);
  });
});
