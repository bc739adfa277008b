import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWaSim, trustSimulator, type WaSim } from '../src/index.js';
import { TestClient } from './support/baileys-client.js';

describe('pairing real Baileys with the simulator', () => {
  let sim: WaSim;
  let trust: { restore(): void };
  const clients: TestClient[] = [];

  beforeEach(async () => {
    sim = await startWaSim();
    trust = trustSimulator(sim);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) {
      await client.stop();
    }
    await sim.close();
    trust.restore();
  });

  it('shows a QR code, pairs on scan, restarts and opens as the phone number', {
    timeout: 30_000,
  }, async () => {
    const client = new TestClient(sim.url);
    clients.push(client.start());
    const qr = await client.waitForQr();
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);

    const phone = sim.phone('15550001111');
    const opened = client.waitForOpen();
    const linked = await phone.scan(qr);
    await opened;

    expect(linked.jid).toBe('15550001111:1@s.whatsapp.net');
    expect(client.auth.creds.me?.id).toBe(linked.jid);
    expect(client.auth.creds.me?.lid).toBe(linked.lid);
    expect(client.sock?.user?.id.split(':')[0]).toBe('15550001111');
    expect(phone.linkedDevices()).toEqual([{ ...linked, connected: true }]);
    expect(sim.errors()).toEqual([]);
  });
});
