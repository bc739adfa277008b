import { BotManager } from '@wabot/core';
import { SimHub } from '@wabot/core/sim'; // simulated phones; baileysDriver() from @wabot/driver-baileys for real ones
import { createApp, simControl } from '@wabot/http-hono';

let token = process.env.WABOT_API_TOKEN;
if (!token) {
  token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
  console.log(`WABOT_API_TOKEN was not set; this run's bearer token is ${token}`);
}

// The simulated phone scans a QR this long after someone first fetched it.
const sim = new SimHub({
  autoScan: { after: Number(process.env.WABOT_SIM_AUTOSCAN_MS ?? 1000), on: 'shown' },
});
const manager = new BotManager({ driver: sim.driver });
await manager.start();

const app = createApp(manager, { tokens: { [token]: 'default' }, sim: simControl(sim) });

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST ?? '127.0.0.1',
  fetch: app.fetch,
});
console.log(`wabot API listening on http://${server.hostname}:${server.port}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await server.stop();
    await manager.close();
    process.exit(0);
  });
}
