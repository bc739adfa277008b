// Baseline: the smallest Hono app on @hono/node-server, served like `wabot serve` serves its app.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.text('Hello World!'));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ type: 'ready', port: info.port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
