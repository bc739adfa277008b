import { proto } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { pairClient } from './support/pair.js';
import { simulatorPerTest } from './support/simulator.js';

describe('two real Baileys clients on one simulator', () => {
  const env = simulatorPerTest();

  it('relay encrypted 1:1 and group messages and read receipts to each other', {
    timeout: 30_000,
  }, async () => {
    const alice = await pairClient(env.sim, '15550001111');
    env.clients.push(alice.client);
    const bob = await pairClient(env.sim, '15550002222');
    env.clients.push(bob.client);

    const hello = await alice.client.sock?.sendMessage(bob.phone.jid, { text: 'hi bob, from baileys' });
    const atBob = await bob.client.waitForMessage((m) => m.key.id === hello?.key.id);
    expect(atBob.message?.conversation ?? atBob.message?.extendedTextMessage?.text).toBe(
      'hi bob, from baileys',
    );
    expect(atBob.key.fromMe).toBe(false);
    // Bob's own phone also got its copy.
    expect((await bob.phone.waitForMessage((m) => m.id === hello?.key.id)).text).toBe('hi bob, from baileys');

    // Bob's client reads it; the read receipt travels back to Alice's client.
    await bob.client.sock?.readMessages([atBob.key]);
    await alice.client.waitForStatus(hello?.key.id ?? '', proto.WebMessageInfo.Status.READ);

    const reply = await bob.client.sock?.sendMessage(alice.phone.jid, { text: 'hi alice' });
    const atAlice = await alice.client.waitForMessage((m) => m.key.id === reply?.key.id);
    expect(atAlice.message?.conversation ?? atAlice.message?.extendedTextMessage?.text).toBe('hi alice');

    const group = env.sim.group('Both bots', [alice.phone, bob.phone]);
    const inGroup = await alice.client.sock?.sendMessage(group.jid, { text: 'group hello' });
    const groupAtBob = await bob.client.waitForMessage((m) => m.key.id === inGroup?.key.id);
    expect(groupAtBob.key.remoteJid).toBe(group.jid);
    expect(groupAtBob.message?.conversation ?? groupAtBob.message?.extendedTextMessage?.text).toBe(
      'group hello',
    );
    expect(env.sim.errors()).toEqual([]);
  });

  it('two clients linked to the same phone both get its messages and each other’s sends', {
    timeout: 30_000,
  }, async () => {
    const first = await pairClient(env.sim, '15550001111');
    env.clients.push(first.client);
    const second = await pairClient(env.sim, '15550001111');
    env.clients.push(second.client);
    const phone = first.phone;
    expect(phone.linkedDevices().map((d) => d.jid)).toEqual([
      '15550001111:1@s.whatsapp.net',
      '15550001111:2@s.whatsapp.net',
    ]);

    const bob = env.sim.phone('15550002222');
    const incoming = await bob.sendText(phone.jid, 'to both devices');
    for (const client of [first.client, second.client]) {
      expect((await client.waitForMessage((m) => m.key.id === incoming)).message?.conversation).toBe(
        'to both devices',
      );
    }

    const sent = await first.client.sock?.sendMessage(bob.jid, { text: 'sent from device 1' });
    const copy = await second.client.waitForMessage((m) => m.key.id === sent?.key.id);
    expect(copy.key.fromMe).toBe(true);
    expect(copy.key.remoteJid).toBe(bob.jid);
    expect(copy.message?.conversation ?? copy.message?.extendedTextMessage?.text).toBe('sent from device 1');
    expect((await bob.waitForMessage((m) => m.id === sent?.key.id)).text).toBe('sent from device 1');
  });
});
