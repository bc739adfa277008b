import { BotManager } from '@wabot/core';
import { SimHub } from '@wabot/core/sim'; // a simulated phone; use baileysDriver() from @wabot/driver-baileys for a real one

const sim = new SimHub({ autoScan: { after: 500, on: 'emitted' } });
const manager = new BotManager({ driver: sim.driver });
await manager.start();

const bot = await manager.create('me');
await bot.createIntent({ title: 'Prices', keyword: 'price,cost', reply: 'Hi [name], it is $5.' });
bot.on('qr', ({ qr }) => console.log('scan this QR with WhatsApp:', qr.slice(0, 24), '...'));
bot.on('reply', async ({ message, decision, sent }) => {
  console.log(
    `${message.pushName}: "${message.text}" → ${decision.reason} → "${decision.text}" (${sent.length} sent)`,
  );
  await manager.close();
});
bot.on('connection', ({ status, user }) => {
  console.log('connection:', status, user?.id ?? '');
  // What a customer's phone would send once the bot is online:
  if (status === 'CONNECTED')
    sim.phone(bot.id).receive({ from: '15550002222', pushName: 'Ada', text: 'What is the price?' });
});
await bot.init();
