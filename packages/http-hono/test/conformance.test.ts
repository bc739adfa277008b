import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { conformance } from './conformance-suite.js';
import { httpClient, setup, TOKEN_A, until } from './helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

// The reference conformance suite in-process (app.request) and against a spawned `wabot serve --sim`.

/** A local webhook endpoint that records what it receives. */
function webhookReceiver() {
  const received: Array<{
    headers: Record<string, string | string[] | undefined>;
    body: { event?: string; instanceId?: string; data?: { text?: string } };
  }> = [];
  let server: Server | undefined;
  return {
    received,
    url: () => `http://127.0.0.1:${(server?.address() as AddressInfo | null)?.port}/hook`,
    start: () =>
      new Promise<void>((resolve) => {
        server = createServer((req, res) => {
          let text = '';
          req.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          req.on('end', () => {
            received.push({ headers: req.headers, body: JSON.parse(text || '{}') });
            res.writeHead(204).end();
          });
        }).listen(0, '127.0.0.1', () => resolve());
      }),
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

describe('in-process (app.request)', () => {
  const { client, hub } = setup();
  conformance('reference routes', () => ({
    call: client,
    token: TOKEN_A,
    webhookUrl: 'https://eoy4r2ybzzfdw9y.m.pipedream.net',
    scan: async (id) => hub.phone(id).scan(),
  }));
});

describe('wabot serve --sim (spawned)', () => {
  let server: ServeProcess;
  const hook = webhookReceiver();
  beforeAll(async () => {
    await hook.start();
    server = await startServe(['--sim'], {
      WABOT_API_TOKEN: TOKEN_A,
      WABOT_STORE_URL: 'memory://',
      WABOT_WEBHOOK_ALLOW_PRIVATE: '1',
      // Scanned on request below, so the QR stays up for both scan formats (the CLI test covers auto-scan).
      WABOT_SIM_AUTOSCAN: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await hook.stop();
  }, 20_000);
  const call = httpClient((path, init) => fetch(server.baseUrl + path, init));
  conformance('reference routes', () => ({
    call,
    token: TOKEN_A,
    scan: async (_id, sessionId) => {
      const res = await call('POST', `/sim/${sessionId}/scan`, { token: TOKEN_A });
      expect(res.body).toEqual({ status: true, message: 'QR scanned', data: null });
    },
    webhookUrl: hook.url(),
    afterInbound: async (instanceId) => {
      // The signed onMessage event for "hello" reaches the webhook.
      const delivery = await until(async () =>
        hook.received.find((r) => r.body.event === 'onMessage' && r.body.data?.text === 'hello'),
      );
      expect(delivery.body.instanceId).toBe(instanceId);
      expect(delivery.headers['webhook-id']).toBeTruthy();
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,/);
    },
  }));
});
