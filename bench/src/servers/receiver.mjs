// A webhook receiver on 127.0.0.1 that answers 204 and tells its parent, in batches, which message
// each request carried and when it arrived (performance.timeOrigin + now: comparable across processes).
import { createServer } from 'node:http';

let arrivals = [];
let count = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    count++;
    res.writeHead(204).end();
    if (!track) return;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const id = body?.data?.message?.id ?? body?.data?.id;
      if (id) arrivals.push([id, at]);
    } catch {
      // not ours to judge: the benchmark only times requests it can identify
    }
  });
});
server.keepAliveTimeout = 30_000;

let track = false;
process.on('message', (m) => {
  if (m?.type === 'track') track = m.on;
  if (m?.type === 'count') process.send?.({ type: 'count', count });
});
setInterval(() => {
  if (arrivals.length === 0) return;
  process.send?.({ type: 'arrivals', arrivals });
  arrivals = [];
}, 20).unref();

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: server.address().port }));
process.on('SIGTERM', () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
});
