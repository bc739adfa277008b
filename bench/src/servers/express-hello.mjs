// Baseline: the smallest Express 5 app on Node's http server.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('Hello World!');
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
