import { NotFoundError, ValidationError } from '@wabot/core';
import { describe, expect, it } from 'vitest';
import { TestClient } from './support/baileys-client.js';
import { simulatorPerTest } from './support/simulator.js';

describe('pairing real Baileys with the simulator', () => {
  const env = simulatorPerTest();

  it('shows a QR code, pairs on scan, restarts and opens as the phone number', {
    timeout: 30_000,
  }, async () => {
    const client = new TestClient(env.sim.url);
    env.clients.push(client.start());
    const qr = await client.waitForQr();
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);

    const phone = env.sim.phone('15550001111');
    const opened = client.waitForOpen();
    const linked = await phone.scan(qr);
    await opened;

    expect(linked.jid).toBe('15550001111:1@s.whatsapp.net');
    expect(client.auth.creds.me?.id).toBe(linked.jid);
    expect(client.auth.creds.me?.lid).toBe(linked.lid);
    expect(client.sock?.user?.id.split(':')[0]).toBe('15550001111');
    expect(phone.linkedDevices()).toEqual([{ ...linked, connected: true }]);
    expect(env.sim.errors()).toEqual([]);
  });

  it('links with a pairing code typed on the phone', { timeout: 30_000 }, async () => {
    const client = new TestClient(env.sim.url);
    env.clients.push(client.start());
    await client.waitForQr();
    const code = (await client.sock?.requestPairingCode('15550001111')) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const opened = client.waitForOpen();
    const linked = await env.sim.phone('15550001111').enterPairingCode(code);
    await opened;
    expect(client.auth.creds.me?.id).toBe(linked.jid);
    const bob = env.sim.phone('15550002222');
    const sent = await client.sock?.sendMessage(bob.jid, { text: 'paired by code' });
    expect((await bob.waitForMessage((m) => m.id === sent?.key.id)).text).toBe('paired by code');
    expect(env.sim.errors()).toEqual([]);
  });

  it('refuses a wrong pairing code and links nothing', { timeout: 30_000 }, async () => {
    const client = new TestClient(env.sim.url);
    env.clients.push(client.start());
    await client.waitForQr();
    const code = (await client.sock?.requestPairingCode('15550001111')) ?? '';
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
    const phone = env.sim.phone('15550001111');

    await expect(phone.enterPairingCode(wrong)).rejects.toThrow(ValidationError);
    expect(phone.linkedDevices()).toEqual([]);
  });

  it('rejects QR codes that are malformed, unknown or altered', { timeout: 30_000 }, async () => {
    const client = new TestClient(env.sim.url);
    env.clients.push(client.start());
    const qr = await client.waitForQr();
    const phone = env.sim.phone('15550001111');
    const [ref = '', noise = '', ...rest] = qr.split(',');

    await expect(phone.scan('not a qr')).rejects.toThrow(ValidationError);
    await expect(phone.scan(['2@unknown', noise, ...rest].join(','))).rejects.toThrow(NotFoundError);
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    await expect(phone.scan([ref, otherKey, ...rest].join(','))).rejects.toThrow(ValidationError);
    expect(phone.linkedDevices()).toEqual([]);
  });
});
