import { proto } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimPhone, startWaSim, trustSimulator, type WaSim } from '../src/index.js';
import type { TestClient } from './support/baileys-client.js';
import { pairClient } from './support/pair.js';

const { Status } = proto.WebMessageInfo;

describe('messaging between real Baileys and simulated phones', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  let client: TestClient;
  let me: SimPhone;
  let bob: SimPhone;

  beforeEach(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
    ({ client, phone: me } = await pairClient(sim, '15550001111'));
    bob = sim.phone('15550002222', { name: 'Bob' });
  }, 30_000);

  afterEach(async () => {
    await client.stop();
    await sim.close();
    trust.restore();
  });

  it('delivers a text Baileys sends to a contact, decrypted by the contact’s phone', {
    timeout: 30_000,
  }, async () => {
    const sent = await client.sock?.sendMessage(bob.jid, { text: 'hello bob' });
    const got = await bob.waitForMessage((m) => m.id === sent?.key.id);

    expect(got.text).toBe('hello bob');
    expect(got.from).toBe(me.jid);
    expect(got.chat).toBe(me.jid);
    expect(got.fromDevice).toBe('15550001111:1@s.whatsapp.net');
    expect(bob.received()).toHaveLength(1);
    expect(sim.errors()).toEqual([]);
  });

  it('reports delivery and then read back to Baileys', { timeout: 30_000 }, async () => {
    const sent = await client.sock?.sendMessage(bob.jid, { text: 'did you read this?' });
    const id = sent?.key.id ?? '';
    const message = await bob.waitForMessage((m) => m.id === id);
    await client.waitForStatus(id, Status.DELIVERY_ACK);

    bob.read(message);
    const key = await client.waitForStatus(id, Status.READ);
    expect(key.remoteJid).toBe(bob.jid);
  });

  it('delivers a contact’s text to Baileys as messages.upsert, with receipts back', {
    timeout: 30_000,
  }, async () => {
    const id = await bob.sendText(me.jid, 'hi from bob');
    const upsert = await client.waitForMessage((m) => m.key.id === id);

    expect(upsert.message?.conversation).toBe('hi from bob');
    expect(upsert.key.remoteJid).toBe(bob.jid);
    expect(upsert.key.fromMe).toBe(false);
    expect(upsert.pushName).toBe('Bob');
    await bob.waitForReceipt(id, 'delivery');

    await client.sock?.readMessages([upsert.key]);
    const receipt = await bob.waitForReceipt(id, 'read');
    expect(receipt.fromDevice).toBe('15550001111:1@s.whatsapp.net');
  });

  it('keeps the session going in both directions', { timeout: 30_000 }, async () => {
    const texts: string[] = [];
    for (let round = 0; round < 3; round++) {
      const sent = await client.sock?.sendMessage(bob.jid, { text: `ping ${round}` });
      texts.push((await bob.waitForMessage((m) => m.id === sent?.key.id)).text ?? '');
      const id = await bob.sendText(me.jid, `pong ${round}`);
      texts.push((await client.waitForMessage((m) => m.key.id === id)).message?.conversation ?? '');
    }
    expect(texts).toEqual(['ping 0', 'pong 0', 'ping 1', 'pong 1', 'ping 2', 'pong 2']);
    expect(sim.errors()).toEqual([]);
  });

  it('receives a first message from a contact before Baileys ever wrote to it', {
    timeout: 30_000,
  }, async () => {
    const carol = sim.phone('15550003333', { name: 'Carol' });
    const first = await carol.sendText(me.jid, 'first contact');
    expect((await client.waitForMessage((m) => m.key.id === first)).message?.conversation).toBe(
      'first contact',
    );
    const reply = await client.sock?.sendMessage(carol.jid, { text: 'nice to meet you' });
    expect((await carol.waitForMessage((m) => m.id === reply?.key.id)).text).toBe('nice to meet you');
  });

  it('exchanges group messages with sender keys', { timeout: 30_000 }, async () => {
    const carol = sim.phone('15550003333', { name: 'Carol' });
    const group = sim.group('Project', [me, bob, carol]);

    const sent = await client.sock?.sendMessage(group.jid, { text: 'hello team' });
    const atBob = await bob.waitForMessage((m) => m.id === sent?.key.id);
    const atCarol = await carol.waitForMessage((m) => m.id === sent?.key.id);
    expect([atBob.text, atBob.chat, atBob.from]).toEqual(['hello team', group.jid, me.jid]);
    expect([atCarol.text, atCarol.chat]).toEqual(['hello team', group.jid]);

    const second = await client.sock?.sendMessage(group.jid, { text: 'second, same sender key' });
    expect((await carol.waitForMessage((m) => m.id === second?.key.id)).text).toBe('second, same sender key');

    for (const text of ['hi all', 'still here']) {
      const id = await carol.sendText(group.jid, text);
      const upsert = await client.waitForMessage((m) => m.key.id === id);
      expect(upsert.key.remoteJid).toBe(group.jid);
      expect(upsert.key.participant).toBe(carol.jid);
      expect(upsert.message?.conversation).toBe(text);
      expect((await carol.waitForReceipt(id, 'delivery')).fromDevice).toBe('15550001111:1@s.whatsapp.net');
    }
    const all = await client.sock?.groupFetchAllParticipating();
    expect(Object.keys(all ?? {})).toEqual([group.jid]);
    const metadata = await client.sock?.groupMetadata(group.jid);
    expect(metadata?.subject).toBe('Project');
    expect(metadata?.participants.map((p) => p.id).sort()).toEqual([me.jid, bob.jid, carol.jid].sort());
    expect(sim.errors()).toEqual([]);
  });

  it('answers onWhatsApp lookups: known numbers exist, unknown ones do not', {
    timeout: 30_000,
  }, async () => {
    const result = await client.sock?.onWhatsApp('15550002222', '+15559999999');
    expect(result).toEqual([{ jid: bob.jid, exists: true }]);
  });

  it('creates the recipient’s phone when Baileys messages a number first', { timeout: 30_000 }, async () => {
    const sent = await client.sock?.sendMessage('15550004444@s.whatsapp.net', { text: 'are you there?' });
    const dave = sim.phone('15550004444');
    expect((await dave.waitForMessage((m) => m.id === sent?.key.id)).text).toBe('are you there?');
  });

  it('a phone that cannot decrypt a copy is reported and the others still get theirs', {
    timeout: 30_000,
  }, async () => {
    const carol = sim.phone('15550003333');
    const group = sim.group('Partly broken', [me, bob, carol]);
    const first = await client.sock?.sendMessage(group.jid, { text: 'one' });
    await carol.waitForMessage((m) => m.id === first?.key.id);
    // Carol loses the sender key she was given; Baileys will not send it again.
    (carol.peer as unknown as { senderKeys: Map<string, unknown> }).senderKeys.clear();

    const second = await client.sock?.sendMessage(group.jid, { text: 'two' });
    expect((await bob.waitForMessage((m) => m.id === second?.key.id)).text).toBe('two');
    await expect.poll(() => sim.errors().length, { timeout: 5_000 }).toBe(1);
    expect(carol.received().map((m) => m.text)).toEqual(['one']);
  });

  it('sends a message again when the client asks with a retry receipt', { timeout: 30_000 }, async () => {
    const first = await bob.sendText(me.jid, 'before');
    await client.waitForMessage((m) => m.key.id === first);
    // The client loses its Signal session with Bob's phone, so Bob's next `msg` cannot be read.
    await client.auth.keys.set({ session: { [`${bob.lid}_1.0`]: null, [`${bob.number}.0`]: null } });

    const second = await bob.sendText(me.jid, 'after the session was lost');
    const got = await client.waitForMessage((m) => m.key.id === second && !!m.message?.conversation);
    expect(got.message?.conversation).toBe('after the session was lost');
    expect(sim.errors()).toEqual([]);
  });

  it('answers a retry for a group message pairwise, with the sender key', { timeout: 30_000 }, async () => {
    const carol = sim.phone('15550003333');
    const group = sim.group('Retry', [me, carol]);
    const first = await carol.sendText(group.jid, 'first');
    await client.waitForMessage((m) => m.key.id === first);
    // The client forgets Carol's sender key; her next skmsg cannot be read.
    await client.auth.keys.set({ 'sender-key': { [`${group.jid}::${carol.number}::0`]: null } });

    const second = await carol.sendText(group.jid, 'second');
    const got = await client.waitForMessage((m) => m.key.id === second && !!m.message?.conversation);
    expect([got.key.remoteJid, got.key.participant, got.message?.conversation]).toEqual([
      group.jid,
      carol.jid,
      'second',
    ]);
    const third = await carol.sendText(group.jid, 'third');
    expect((await client.waitForMessage((m) => m.key.id === third)).message?.conversation).toBe('third');
  });
});
