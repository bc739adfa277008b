import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { BotManager } from '@wabot/core';
import { SimHub } from '@wabot/core/sim'; // simulated phones; baileysDriver() from @wabot/driver-baileys for real ones
import { createApp, simControl } from '@wabot/http-hono';
import { rpcHandler } from '@wabot/http-hono/remote';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
let token = process.env.WABOT_API_TOKEN;
if (!token) {
  token = randomBytes(24).toString('base64url');
  console.log(`WABOT_API_TOKEN was not set; this run's bearer token is ${token}`);
}

// The simulated phone scans a QR this long after someone first fetched it.
const sim = new SimHub({
  autoScan: { after: Number(process.env.WABOT_SIM_AUTOSCAN_MS ?? 1000), on: 'shown' },
});
const manager = new BotManager({ driver: sim.driver });
await manager.start();

const app = createApp(manager, { tokens: { [token]: 'default' }, sim: simControl(sim) });

// With a shared secret, the same process also serves the manager to Workers (see ../cloudflare).
const rpcPrefix = '/internal/rpc/';
const rpcSecret = process.env.WABOT_RPC_SECRET;
const rpc = rpcSecret ? rpcHandler(manager, { secret: rpcSecret }) : undefined;
const fetch = (request) => {
  const { pathname } = new URL(request.url);
  if (rpc && pathname.startsWith(rpcPrefix)) {
    const inner = new URL(request.url);
    inner.pathname = pathname.slice(rpcPrefix.length - 1);
    const { method, headers, body } = request;
    return rpc.fetch(new Request(inner, { method, headers, body, duplex: 'half' }));
  }
  return app.fetch(request);
};

const server = serve({ fetch, port, hostname }, (info) => {
  console.log(`wabot API listening on http://${hostname}:${info.port}${rpc ? ` (rpc at ${rpcPrefix})` : ''}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close(async () => {
      await manager.close();
      process.exit(0);
    });
    server.closeIdleConnections?.();
  });
}
