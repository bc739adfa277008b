import { BotManager, MemoryStore } from '@wabot/core';
import { SimHub } from '@wabot/core/sim';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhooks, type WebhookService } from '../src/service.js';
import { validateWebhookUrl } from '../src/ssrf.js';
import { type Receiver, startReceiver } from './helpers.js';

let receiver: Receiver | undefined;
let manager: BotManager | undefined;
let webhooks: WebhookService | undefined;

afterEach(async () => {
  await webhooks?.stop();
  await manager?.close();
  await receiver?.close();
});

describe('with the real BotManager', () => {
  it('delivers QR, connection, message and reply events of a simulated conversation', async () => {
    receiver = await startReceiver();
    const store = new MemoryStore();
    const sim = new SimHub({ autoScan: { after: 10, on: 'emitted' } });
    manager = new BotManager({
      driver: sim.driver,
      store,
      validateWebhookUrl: async (url) => {
        await validateWebhookUrl(url, { allowPrivate: true });
      },
    });
    // No cast: BotManager is a WebhookSource as it is.
    webhooks = createWebhooks(manager, { store, allowPrivate: true });
    await webhooks.start();
    await manager.start();

    const bot = await manager.create('me');
    await bot.createIntent({ title: 'Prices', keyword: 'price', reply: 'It is $5.' });
    await manager.setWebhook(bot.id, {
      webhook_url: receiver.url,
      events: ['onQr', 'onConnection', 'onMessage', 'onReply'],
    });
    await manager.updateActions(bot.id, { send_webhook: true });
    bot.on('connection', ({ status }) => {
      if (status === 'CONNECTED')
        sim.phone(bot.id).receive({ from: '15550002222', pushName: 'Ada', text: 'price?' });
    });
    const replied = new Promise<void>((resolve) => bot.on('reply', () => resolve()));
    await bot.init();
    await replied;
    await webhooks.idle();

    const events = receiver.received.map((r) => r.json.event);
    expect(events).toContain('onQr');
    expect(events).toContain('onConnection');
    const message = receiver.received.find((r) => r.json.event === 'onMessage')!;
    expect(message.json.data).toMatchObject({ text: 'price?', pushName: 'Ada', fromMe: false });
    const reply = receiver.received.find((r) => r.json.event === 'onReply')!;
    expect(reply.json.data).toMatchObject({ decision: { reply: true, text: 'It is $5.' } });
    expect(events.indexOf('onMessage')).toBeLessThan(events.indexOf('onReply'));

    const { secret, url } = await webhooks.describe(bot.id);
    expect(url).toBe(receiver.url);
    for (const r of receiver.received) {
      expect(r.json.instanceId).toBe(bot.id);
      const headers = {
        'webhook-id': r.id,
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      };
      expect(new Webhook(secret).verify(r.body, headers)).toEqual(r.json);
    }
  });
});
