import { describe, expect, it } from 'vitest';
import { TestClient } from './support/baileys-client.js';
import { simulatorPerTest } from './support/simulator.js';

describe('faults: drops, logout, stream errors and a slow server', () => {
  const env = simulatorPerTest();

  async function paired(options: ConstructorParameters<typeof TestClient>[2] = { reconnect: true }) {
    const client = new TestClient(env.sim.url, 'faulty', options).start();
    env.clients.push(client);
    const phone = env.sim.phone('15550001111');
    const opened = client.waitForOpen();
    await phone.scan(await client.waitForQr());
    await opened;
    return { client, phone };
  }

  it('a dropped socket closes Baileys with 428; it logs in again and gets what was queued', {
    timeout: 30_000,
  }, async () => {
    const { client, phone } = await paired();
    const bob = env.sim.phone('15550002222');
    const reopened = client.waitForOpen();
    env.sim.dropConnections();
    const whileAway = await bob.sendText(phone.jid, 'sent while you were away');
    await reopened;

    expect(client.closeCodes).toEqual([515, 428]);
    expect((await client.waitForMessage((m) => m.key.id === whileAway)).message?.conversation).toBe(
      'sent while you were away',
    );
    const sent = await client.sock?.sendMessage(bob.jid, { text: 'back online' });
    expect((await bob.waitForMessage((m) => m.id === sent?.key.id)).text).toBe('back online');
  });

  it('a restarted app logs in with its saved credentials', { timeout: 30_000 }, async () => {
    const { client, phone } = await paired({});
    await client.stop();
    const bob = env.sim.phone('15550002222');
    const queued = await bob.sendText(phone.jid, 'queued for the restart');

    const again = new TestClient(env.sim.url, 'restarted');
    Object.assign(again.auth.creds, client.auth.creds);
    Object.assign(again.auth, { keys: client.auth.keys });
    env.clients.push(again);
    const opened = again.waitForOpen();
    again.start();
    await opened;
    expect((await again.waitForMessage((m) => m.key.id === queued)).message?.conversation).toBe(
      'queued for the restart',
    );
  });

  it('phone.logout() logs Baileys out with 401 and forgets the device', { timeout: 30_000 }, async () => {
    const { client, phone } = await paired();
    const closed = client.waitForClose();
    phone.logout();
    expect(await closed).toBe(401);
    expect(phone.linkedDevices()).toEqual([]);
  });

  it('a forgotten device is refused at login with 401', { timeout: 30_000 }, async () => {
    const { client, phone } = await paired({});
    await client.stop();
    phone.logout();
    const again = new TestClient(env.sim.url, 'stale');
    Object.assign(again.auth.creds, client.auth.creds);
    env.clients.push(again);
    const closed = again.waitForClose();
    again.start();
    expect(await closed).toBe(401);
  });

  it('Baileys’ own logout() unlinks the device at the phone', { timeout: 30_000 }, async () => {
    const { client, phone } = await paired({});
    await client.sock?.logout();
    await expect.poll(() => phone.linkedDevices(), { timeout: 5_000 }).toEqual([]);
  });

  it('a stream error reaches Baileys with its code and it reconnects', { timeout: 30_000 }, async () => {
    const { client } = await paired();
    const reopened = client.waitForOpen();
    env.sim.streamError(503);
    await reopened;
    expect(client.closeCodes).toEqual([515, 503]);
  });

  it('slow answers still work; answers slower than the client’s query timeout fail its query', {
    timeout: 30_000,
  }, async () => {
    const { client, phone } = await paired({ socket: { defaultQueryTimeoutMs: 1_000 } });
    const group = env.sim.group('Slow', [phone, env.sim.phone('15550002222')]);
    env.sim.setResponseDelay(200);
    expect((await client.sock?.groupMetadata(group.jid))?.subject).toBe('Slow');
    env.sim.setResponseDelay(1_500);
    await expect(client.sock?.groupMetadata(group.jid)).rejects.toThrow();
  });
});
