import { describe, expect, it } from 'vitest';
import {
  AuthError,
  BotManager,
  MemoryStore,
  NotFoundError,
  StateError,
  ValidationError,
} from '../src/index.js';
import { SimHub } from '../src/testing/index.js';
import { connectedInstance, nextEvent } from './helpers.js';

describe('BotManager', () => {
  it("creates instances in the reference's shape with the seed's defaults", async () => {
    const manager = new BotManager({ driver: new SimHub().driver });
    const record = await manager.createInstance('61bbdbe3087d744b748535ff');
    expect(record._id).toMatch(/^[0-9a-f]{24}$/);
    expect(record.user_id).toBe('61bbdbe3087d744b748535ff');
    // 32 hex digits = 128 bits of randomness.
    expect(record.settings.access_token.replace(/-/g, '')).toMatch(/^[0-9a-f]{32}$/);
    expect(record.session_id.replace(/-/g, '')).toMatch(/^[0-9a-f]{32}$/);
    expect(record.__v).toBe(0);
    expect(record.createdAt).toBe(record.updatedAt);
    expect(new Date(record.createdAt).toISOString()).toBe(record.createdAt);
    expect(record.settings).toEqual({
      bot_name: 'WhatsappClient (bot_number)',
      status: 'INITIALIZING',
      bot_timezone: 'Africa/Harare',
      bot_lang: 'en',
      default_msg: '{Hi|Hello} [name] your message has no keyword here.',
      actions: {
        send_default_msg: true,
        reply_group_msgs: true,
        reply_unread_msgs: true,
        reply_msgs: true,
        multi_device: false,
        send_webhook: false,
      },
      active_days: {
        monday: true,
        tuesday: true,
        wednesday: true,
        thursday: true,
        friday: true,
        saturday: true,
        sunday: true,
      },
      active_hours: { from: 'always', to: 'always' },
      access_token: record.settings.access_token,
    });
    const other = await manager.createInstance('61bbdbe3087d744b748535ff');
    expect(other.settings.access_token).not.toBe(record.settings.access_token);
    expect(other._id).not.toBe(record._id);
  });

  it('finds instances by id, by session and by user, and checks tokens', async () => {
    const manager = new BotManager({ driver: new SimHub().driver });
    const a = await manager.createInstance('alice');
    const b = await manager.createInstance('bob');
    expect((await manager.getInstance(a._id)).session_id).toBe(a.session_id);
    expect(manager.bySessionId(b.session_id).id).toBe(b._id);
    expect((await manager.listInstances('alice')).map((r) => r._id)).toEqual([a._id]);
    expect(await manager.listInstances('nobody')).toEqual([]);
    expect((await manager.authenticate(a.session_id, a.settings.access_token))._id).toBe(a._id);
    await expect(manager.authenticate(a.session_id, b.settings.access_token)).rejects.toBeInstanceOf(
      AuthError,
    );
    await expect(manager.authenticate(a.session_id, `${a.settings.access_token}x`)).rejects.toBeInstanceOf(
      AuthError,
    );
    await expect(manager.authenticate('nope', a.settings.access_token)).rejects.toBeInstanceOf(NotFoundError);
    await expect(manager.authenticate(a.session_id, '')).rejects.toThrow('access_token: is required');
    await expect(manager.getInstance('0'.repeat(24))).rejects.toBeInstanceOf(NotFoundError);
    // Secrets are never echoed in errors.
    const err = await manager.authenticate(a.session_id, 'wrong-token').catch((e: Error) => e);
    expect(String((err as Error).message)).not.toContain('wrong-token');
    expect(String((err as Error).message)).not.toContain(a.settings.access_token);
  });

  it('rejects bad user ids', async () => {
    const manager = new BotManager({ driver: new SimHub().driver });
    for (const bad of ['', 'a b', 'x'.repeat(129), 5 as unknown as string]) {
      await expect(manager.createInstance(bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await manager.store.list('instances')).toEqual([]);
  });

  it('deletes an instance with everything it stored', async () => {
    const { manager, instance, record, store } = await connectedInstance();
    await instance.createIntent({ title: 't', keyword: 'k', reply: 'r' });
    await instance.resources.createContact({ name: 'n', number: '15550001234' });
    await instance.resources.createAttachment({
      filename: 'a.txt',
      mimetype: 'text/plain',
      data: new Uint8Array([1]),
    });
    expect((await store.list('auth', `${record._id}:`)).length).toBeGreaterThan(0);
    await manager.deleteInstance(record._id);
    for (const ns of ['instances', 'intents', 'contacts', 'attachments', 'blobs', 'auth']) {
      expect((await store.list(ns)).filter((e) => e.key.startsWith(record._id))).toEqual([]);
    }
    expect(() => manager.instance(record._id)).toThrow(NotFoundError);
    expect(() => manager.bySessionId(record.session_id)).toThrow(NotFoundError);
  });

  it('restores instances on start and resumes connected ones without a QR', async () => {
    const store = new MemoryStore();
    const first = await connectedInstance({ store });
    const idle = await first.manager.createInstance('user-2');
    await first.instance.createIntent({ title: 't', keyword: 'price', reply: 'five' });
    await first.manager.close();

    const sim = new SimHub({ qrRefresh: 0 });
    const manager = new BotManager({ driver: sim.driver, store });
    const reconnected = nextEvent(manager, 'connection', (e) => e.status === 'CONNECTED');
    await manager.start();
    const event = await reconnected;
    expect(event.instanceId).toBe(first.record._id);
    expect(manager.instance(first.record._id).status).toBe('CONNECTED');
    expect(manager.instance(idle._id).status).toBe('INITIALIZING');
    expect(sim.has(idle._id)).toBe(false);
    const replied = nextEvent(manager, 'reply', () => true);
    sim.phone(first.record._id).receive({ from: '15550002222', text: 'price?' });
    expect((await replied).decision.reason).toMatch(/^intent:/);
  });

  it('reports settings updates with true counts and leaves the record alone on bad input', async () => {
    const { instance } = await connectedInstance();
    const result = await instance.updateGeneral({
      bot_name: 'Bot Name',
      bot_timezone: '+1',
      bot_lang: 'en',
      default_msg: true,
    });
    expect(result).toEqual({
      acknowledged: true,
      modifiedCount: 1,
      upsertedId: null,
      upsertedCount: 0,
      matchedCount: 1,
    });
    expect(await instance.updateGeneral({ bot_name: 'Bot Name' })).toMatchObject({
      modifiedCount: 0,
      matchedCount: 1,
    });
    const v = instance.record.__v;
    const before = instance.record;
    for (const bad of [
      () => instance.updateGeneral({ bot_timezone: 'Mars/Base' }),
      () => instance.updateGeneral({ default_msg: 5 as unknown as string }),
      () => instance.updateGeneral({ bot_lang: 'english language' }),
      () => instance.updateActions({ reply_msgs: 'yes' as unknown as boolean }),
      () => instance.updateActions({ fly: true } as never),
      () => instance.updateActiveDays({ monday: 1 as unknown as boolean }),
      () => instance.updateActiveHours({ from: '25:00', to: '5:00' }),
      () => instance.updateActiveHours({ from: '1:00' } as never),
      () => instance.setWebhook({ webhook_url: 'ftp://x.test' }),
      () => instance.setWebhook({ events: ['onEverything' as never] }),
      () => instance.setWebhook({ requestConfig: { timeout: 5 } }),
      () => instance.setWebhook({ requestConfig: { headers: { 'bad header': 'x' } } }),
    ]) {
      await expect(bad()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(instance.record).toEqual(before);
    expect(instance.record.__v).toBe(v);

    await instance.updateGeneral({ default_msg: false });
    expect(instance.record.settings.actions.send_default_msg).toBe(false);
    expect(instance.record.settings.default_msg).toBe('{Hi|Hello} [name] your message has no keyword here.');
    await instance.updateGeneral({ default_msg: 'Hello [name]' });
    expect(instance.record.settings.default_msg).toBe('Hello [name]');
    expect(await instance.updateActions({ reply_group_msgs: false, multi_device: true })).toMatchObject({
      modifiedCount: 1,
    });
    expect(instance.record.settings.actions).toMatchObject({ reply_group_msgs: false, multi_device: true });
    expect(await instance.updateActiveDays({ sunday: false })).toMatchObject({ modifiedCount: 1 });
    expect(await instance.updateActiveHours({ from: '00:00', to: '5:00' })).toMatchObject({
      modifiedCount: 1,
    });
    expect(instance.record.settings.active_hours).toEqual({ from: '00:00', to: '5:00' });
    expect(
      await instance.setWebhook({
        webhook_url: 'https://hooks.example.com/x',
        events: ['onMessage', 'onAnyMessage'],
        requestConfig: { headers: { 'X-Key': 'v' }, timeout: 5000 },
      }),
    ).toMatchObject({ modifiedCount: 1 });
    expect(instance.record.webhook).toEqual({
      webhook_url: 'https://hooks.example.com/x',
      events: ['onMessage', 'onAnyMessage'],
      requestConfig: { headers: { 'X-Key': 'v' }, timeout: 5000 },
    });
    expect(instance.record.settings.actions.send_webhook).toBe(true);
    expect(instance.info().webhookUrl).toBe('https://hooks.example.com/x');
    expect(instance.record.__v).toBeGreaterThan(v);
  });

  it('hands out frozen snapshots of the record, replaced on every change', async () => {
    const { instance } = await connectedInstance();
    const before = instance.record;
    expect(instance.record).toBe(before);
    expect(Object.isFrozen(before.settings.actions)).toBe(true);
    expect(() => {
      (before.settings as { bot_name: string }).bot_name = 'changed';
    }).toThrow(TypeError);
    await instance.updateGeneral({ bot_name: 'New' });
    expect(instance.record).not.toBe(before);
    expect(instance.record.settings.bot_name).toBe('New');
    expect(before.settings.bot_name).not.toBe('New');
  });

  it('runs the webhook URL check it is given', async () => {
    const { instance } = await connectedInstance({
      manager: {
        validateWebhookUrl: (url) => {
          if (url.includes('127.0.0.1')) throw new Error('resolves to a private address');
        },
      },
    });
    await expect(instance.setWebhook({ webhook_url: 'http://127.0.0.1/x' })).rejects.toThrow(
      'webhook_url: resolves to a private address',
    );
    expect(instance.record.webhook.webhook_url).toBeNull();
  });

  it('refuses QR, pairing and sends in the wrong state', async () => {
    const manager = new BotManager({ driver: new SimHub({ qrRefresh: 0 }).driver });
    const record = await manager.createInstance('u');
    const instance = manager.instance(record._id);
    await expect(instance.qrPng()).rejects.toThrow('instance is not initialised, call init first');
    await expect(instance.sendText('15550001111', 'hi')).rejects.toBeInstanceOf(StateError);
    await expect(instance.pairingCode('15550001111')).rejects.toBeInstanceOf(StateError);
    const { instance: connected } = await connectedInstance();
    await expect(connected.qrDataUrl()).rejects.toThrow('instance is already connected');
  });

  it('links with a pairing code', async () => {
    const sim = new SimHub({ qrRefresh: 0 });
    const manager = new BotManager({ driver: sim.driver });
    const record = await manager.createInstance('u');
    const instance = manager.instance(record._id);
    await instance.init();
    const code = await instance.pairingCode('+1 555 000 7777');
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const open = nextEvent(instance, 'connection', (e) => e.status === 'CONNECTED');
    await sim.phone(record._id).enterPairingCode(code);
    expect((await open).user?.id).toBe('15550007777:1@s.whatsapp.net');
  });

  it('scans on its own once the QR has been looked at', async () => {
    const sim = new SimHub({ qrRefresh: 0, autoScan: { after: 5 } });
    const manager = new BotManager({ driver: sim.driver });
    const record = await manager.createInstance('u');
    const instance = manager.instance(record._id);
    await instance.init();
    await new Promise((r) => setTimeout(r, 30));
    expect(instance.status).toBe('QR');
    const open = nextEvent(instance, 'connection', (e) => e.status === 'CONNECTED');
    expect(instance.qr().qr).toMatch(/^2@/);
    await open;
    expect(instance.info().phone_connected).toBe(true);
  });
});
