import { BotManager, type Message } from '@wabot/core';
import { startWaSim, trustSimulator, type WaSim } from '@wabot/sim';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { baileysDriver } from '../src/index.js';

const BOT = '15550000011';
const CUSTOMER = '15550000012';

function once<T>(
  subscribe: (fn: (value: T) => void) => void,
  match: (value: T) => boolean,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000);
    subscribe((value) => {
      if (match(value)) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}

let sim: WaSim;
let trust: { restore(): void };
let manager: BotManager | undefined;

beforeEach(async () => {
  sim = await startWaSim();
  trust = trustSimulator(sim);
});

afterEach(async () => {
  await manager?.close();
  manager = undefined;
  await sim.close();
  trust.restore();
});

it('a BotManager instance runs on BaileysDriver: QR login, intent reply and a send through real Baileys', {
  timeout: 60_000,
}, async () => {
  manager = new BotManager({
    driver: baileysDriver({
      waWebSocketUrl: sim.url,
      socketConfig: { shouldSyncHistoryMessage: () => false, defaultQueryTimeoutMs: 10_000 },
    }),
  });
  await manager.start();
  const bot = await manager.create('owner');
  await bot.createIntent({ title: 'Prices', keyword: 'price,cost', reply: 'Hi [name], it is $5.' });
  const customer = sim.phone(CUSTOMER, { name: 'Ada' });

  const qr = once<{ qr: string }>(
    (fn) => bot.on('qr', fn),
    () => true,
    'a QR',
  );
  const connected = once<{ status: string; user?: { id: string } }>(
    (fn) => bot.on('connection', fn),
    (e) => e.status === 'CONNECTED',
    'CONNECTED',
  );
  await bot.init();
  await sim.phone(BOT).scan((await qr).qr);
  expect((await connected).user?.id.startsWith(`${BOT}:`)).toBe(true);
  expect(bot.status).toBe('CONNECTED');

  // a customer asks; the bot engine answers through the intent, over real Baileys
  const inbound = once<Message>(
    (fn) => bot.on('message', fn),
    (m) => m.text === 'What is the price?',
    'message',
  );
  await customer.sendText(`${BOT}@s.whatsapp.net`, 'What is the price?');
  const message = await inbound;
  expect(message).toMatchObject({ senderNumber: CUSTOMER, pushName: 'Ada', isGroup: false, kind: 'text' });
  const reply = await customer.waitForMessage((m) => m.text === 'Hi Ada, it is $5.', { timeoutMs: 20_000 });
  expect(reply.from).toBe(`${BOT}@s.whatsapp.net`);

  // a send through the manager API reaches the customer once
  const sent = await manager.send(bot.id, { type: 'text', chatId: CUSTOMER, text: 'Order shipped' });
  expect(sent.status).toBe('PENDING');
  await customer.waitForMessage((m) => m.id === sent.key.id);
  expect(customer.received().filter((m) => m.text === 'Order shipped')).toHaveLength(1);
});
