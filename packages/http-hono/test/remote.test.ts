import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AuthError,
  BotManager,
  DriverError,
  decodeValue,
  encodeValue,
  type ManagerApi,
  NotFoundError,
  SendError,
  StateError,
  StoreError,
  sha256Base64,
  ValidationError,
  type WabotError,
} from '@wabot/core';
import { SimHub } from '@wabot/core/testing';
import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { createApp } from '../src/index.js';
import { MANAGER_METHODS, RpcError, remoteManager, rpcHandler } from '../src/remote/index.js';
import { httpClient } from './helpers.js';

const SECRET = 'rpc-secret-0123456789abcdef0123456789';
const TOKEN = 'token-remote-0123456789abcdef0123456789';
const BASE = 'http://upstream.test/internal/rpc';

/** The rpc handler mounted the way the examples mount it, reached through an in-memory fetch. */
function mounted(manager: ManagerApi, secret = SECRET) {
  const host = new Hono();
  host.route('/internal/rpc', rpcHandler(manager, { secret }));
  const calls: Request[] = [];
  const fetcher = async (request: Request) => {
    calls.push(request.clone());
    return host.fetch(request);
  };
  return { host, calls, fetcher };
}

function simSetup() {
  const hub = new SimHub({ autoScan: false, qrRefresh: 0 });
  const manager = new BotManager({ driver: hub.driver });
  const { fetcher, calls, host } = mounted(manager);
  const remote = remoteManager({ url: BASE, secret: SECRET, fetch: fetcher });
  return { hub, manager, remote, calls, host };
}

/** A manager whose every method throws `error`. */
function throwing(error: unknown): ManagerApi {
  const api: Record<string, () => Promise<never>> = {};
  for (const method of MANAGER_METHODS) api[method] = () => Promise.reject(error);
  return api as unknown as ManagerApi;
}

/** A manager whose `createContact` answers with its input: a wire echo. */
function echoing(): ManagerApi {
  const api = throwing(new StateError('not used')) as unknown as Record<string, unknown>;
  api.createContact = async (_id: string, input: unknown) => input;
  return api as unknown as ManagerApi;
}

describe('remoteManager over rpcHandler', () => {
  test('lists exactly the methods BotManager implements', () => {
    const manager = new BotManager({ driver: new SimHub().driver });
    for (const method of MANAGER_METHODS) {
      expect(typeof (manager as unknown as Record<string, unknown>)[method], method).toBe('function');
    }
    expect(new Set(MANAGER_METHODS).size).toBe(MANAGER_METHODS.length);
  });

  test('an instance lifecycle gives the same answers as the manager itself', async () => {
    const { hub, manager, remote, calls } = simSetup();
    const created = await remote.createInstance('user-1');
    expect(await manager.getInstance(created._id)).toEqual(created);
    expect(await remote.listInstances('user-1')).toEqual(await manager.listInstances('user-1'));
    expect(await remote.authenticate(created.session_id, created.settings.access_token)).toEqual(created);

    const info = await remote.init(created._id, { multiDevice: true });
    expect(info.phone_connected).toBe(false);
    const qr = await remote.qr(created._id);
    expect(qr.qr).toMatch(/^2@/);
    // PNG bytes cross the wire byte-exact.
    const png = await remote.qrPng(created._id);
    expect(png).toBeInstanceOf(Uint8Array);
    expect([...png]).toEqual([...(await manager.qrPng(created._id))]);
    expect(await remote.qrDataUrl(created._id)).toBe(await manager.qrDataUrl(created._id));

    await hub.phone(created._id).scan();
    expect((await remote.info(created._id)).phone_connected).toBe(true);
    const sent = await remote.send(created._id, { type: 'text', chatId: '2349048988056', text: 'hi' });
    expect(sent.key.remoteJid).toBe('2349048988056@s.whatsapp.net');
    expect(hub.phone(created._id).sent.at(-1)?.content).toEqual({ type: 'text', text: 'hi' });

    await remote.logout(created._id);
    expect((await manager.info(created._id)).phone_connected).toBe(false);
    // void results come back as undefined
    expect(await remote.deleteInstance(created._id)).toBeUndefined();
    await expect(manager.getInstance(created._id)).rejects.toBeInstanceOf(NotFoundError);

    // Every call is a POST /<method> carrying the shared secret.
    expect(calls.map((r) => new URL(r.url).pathname)).toContain('/internal/rpc/qrPng');
    for (const request of calls) {
      expect(request.method).toBe('POST');
      expect(request.headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    }
  });

  test('binary attachments and media reach the manager byte-exact', async () => {
    const { hub, remote } = simSetup();
    const created = await remote.createInstance('user-1');
    await remote.init(created._id);
    await hub.phone(created._id).scan();
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);

    const attachment = await remote.createAttachment(created._id, {
      filename: 'all-bytes.bin',
      mimetype: 'application/octet-stream',
      data: bytes,
    });
    expect(attachment.size).toBe(bytes.length);
    expect(attachment.sha256).toBe(await sha256Base64(bytes));

    await remote.send(created._id, {
      type: 'image',
      chatId: '2349048988056',
      media: { data: bytes },
      mimetype: 'image/png',
      caption: 'bytes',
    });
    const content = hub.phone(created._id).sent.at(-1)?.content;
    expect(content?.type).toBe('image');
    const media = content && 'media' in content ? content.media : undefined;
    expect(media && 'data' in media ? [...media.data] : undefined).toEqual([...bytes]);
  });

  test('any JSON value with binary inside round-trips unchanged', async () => {
    const remote = remoteManager({ url: BASE, secret: SECRET, fetch: mounted(echoing()).fetcher });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.boolean(),
        fc.constant(null),
        fc.uint8Array({ maxLength: 64 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          tie('node'),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(value, async (input) => {
        // Same codec on both sides: what the manager receives and returns is what was sent.
        const back = await remote.createContact('i', input as never);
        expect(back).toEqual(decodeValue(encodeValue(input)));
        expect(back).toEqual(input);
      }),
      { numRuns: 200 },
    );
  });
});

describe('errors cross the wire as the same core classes', () => {
  const cases: Array<{ error: WabotError; check: (e: Error) => void }> = [
    {
      error: new ValidationError('must be a phone number', 'chatId'),
      check: (e) => {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe('chatId');
      },
    },
    {
      error: new ValidationError('body is not JSON'),
      check: (e) => expect((e as ValidationError).field).toBeUndefined(),
    },
    {
      error: new NotFoundError('intent', 'abc'),
      check: (e) => expect((e as NotFoundError).resource).toBe('intent'),
    },
    { error: new AuthError(), check: (e) => expect(e).toBeInstanceOf(AuthError) },
    {
      error: new StateError('instance is not connected'),
      check: (e) => expect(e).toBeInstanceOf(StateError),
    },
    {
      error: new SendError('2349048988056@s.whatsapp.net', 'send timed out'),
      check: (e) => expect((e as SendError).chatId).toBe('2349048988056@s.whatsapp.net'),
    },
    {
      error: new DriverError('connection closed', { transient: true }),
      check: (e) => expect((e as DriverError).transient).toBe(true),
    },
    { error: new StoreError('lost the race'), check: (e) => expect(e).toBeInstanceOf(StoreError) },
  ];

  for (const { error, check } of cases) {
    test(`${error.name}: ${error.message}`, async () => {
      const remote = remoteManager({ url: BASE, secret: SECRET, fetch: mounted(throwing(error)).fetcher });
      const thrown = await remote.info('x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(thrown).toBeInstanceOf(error.constructor);
      expect((thrown as Error).name).toBe(error.name);
      expect((thrown as Error).message).toBe(error.message);
      expect((thrown as WabotError).code).toBe(error.code);
      check(thrown as Error);
    });

    test(`${error.name}: the app answers the same status and body as in-process`, async () => {
      const tokens = { [TOKEN]: 'user-1' };
      const local = httpClient((p, init) =>
        Promise.resolve(createApp(throwing(error), { tokens }).request(p, init)),
      );
      const remote = remoteManager({ url: BASE, secret: SECRET, fetch: mounted(throwing(error)).fetcher });
      const viaRemote = httpClient((p, init) =>
        Promise.resolve(createApp(remote, { tokens }).request(p, init)),
      );
      const query = { session_id: 's', access_token: 't' };
      const a = await local('GET', '/whatsapp/instance', { query });
      const b = await viaRemote('GET', '/whatsapp/instance', { query });
      expect(b.status).toBe(a.status);
      expect(b.body).toEqual(a.body);
      const c = await local('GET', '/whatsapp', { token: TOKEN });
      const d = await viaRemote('GET', '/whatsapp', { token: TOKEN });
      expect([d.status, d.body]).toEqual([c.status, c.body]);
    });
  }

  test('a non-core error keeps its message on the upstream and is a 500 in the app', async () => {
    const secretish = new Error('ENOENT /srv/wabot/secret-path');
    const { fetcher } = mounted(throwing(secretish));
    const raw = await fetcher(
      new Request(`${BASE}/info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ args: ['x'] }),
      }),
    );
    expect(raw.status).toBe(500);
    const text = await raw.text();
    expect(text).not.toContain('secret-path');
    expect(JSON.parse(text)).toEqual({
      error: { name: 'RpcError', code: 'rpc_internal', message: 'upstream internal error' },
    });

    const remote = remoteManager({ url: BASE, secret: SECRET, fetch: fetcher });
    await expect(remote.info('x')).rejects.toBeInstanceOf(RpcError);
    const app = createApp(remote);
    const res = await app.request('/whatsapp/instance?session_id=s&access_token=t');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ status: false, message: 'internal error', data: null });
  });
});

describe('the rpc protocol', () => {
  const post = (fetcher: (r: Request) => Promise<Response>, path: string, init: RequestInit = {}) =>
    fetcher(new Request(`${BASE}${path}`, { method: 'POST', ...init }));
  const auth = { authorization: `Bearer ${SECRET}` };

  test('refuses a missing or wrong secret without calling the manager', async () => {
    let called = 0;
    const manager = throwing(new StateError('x')) as unknown as Record<string, unknown>;
    manager.listInstances = async () => {
      called++;
      return [];
    };
    const { fetcher } = mounted(manager as unknown as ManagerApi);
    const body = JSON.stringify({ args: ['u'] });
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${SECRET}x` },
      { authorization: SECRET },
    ];
    for (const headers of attempts) {
      const res = await post(fetcher, '/listInstances', { headers, body });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe('rpc_auth');
      expect(text).not.toContain(SECRET);
    }
    expect(called).toBe(0);

    // A client with the wrong secret is a server-side misconfiguration: not the caller's 401.
    const wrong = remoteManager({ url: BASE, secret: `${SECRET}-old`, fetch: fetcher });
    const error = await wrong.listInstances('u').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).not.toBeInstanceOf(AuthError);
    expect(String((error as Error).message)).not.toContain(SECRET);
    const app = createApp(wrong, { tokens: { [TOKEN]: 'u' } });
    const res = await app.request('/whatsapp', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(500);
  });

  test('answers 404 for unknown methods and 400 for malformed bodies', async () => {
    const { fetcher } = mounted(throwing(new StateError('x')));
    const unknown = await post(fetcher, '/constructor', { headers: auth, body: '{"args":[]}' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('rpc_method');
    const get = await fetcher(new Request(`${BASE}/info`, { headers: auth }));
    expect(get.status).toBe(404);
    for (const body of ['not json', '{}', '{"args":{}}', 'null']) {
      const res = await post(fetcher, '/info', { headers: auth, body });
      expect(res.status, body).toBe(400);
      expect((await res.json()).error.code).toBe('rpc_body');
    }
  });

  test('refuses bodies over the limit', async () => {
    const host = new Hono();
    host.route('/internal/rpc', rpcHandler(echoing(), { secret: SECRET, maxBodyBytes: 1024 }));
    const remote = remoteManager({ url: BASE, secret: SECRET, fetch: async (r) => host.fetch(r) });
    await expect(remote.createContact('i', { name: 'x'.repeat(2000), number: '1' })).rejects.toThrow(
      /at most 1024 bytes/,
    );
  });

  test('an unreachable upstream is a transient DriverError, a 502 in the app', async () => {
    const remote = remoteManager({
      url: BASE,
      secret: SECRET,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const error = await remote.info('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).transient).toBe(true);
    const res = await createApp(remote).request('/whatsapp/instance?session_id=s&access_token=t');
    expect(res.status).toBe(502);
    expect((await res.json()).message).toBe('wabot upstream unreachable');
  });

  test('a slow upstream fails after timeoutMs', async () => {
    const remote = remoteManager({
      url: BASE,
      secret: SECRET,
      timeoutMs: 50,
      // Under load the timer can fire before this runs, so an already aborted signal counts too. A
      // garbage collection while waiting must not lose the timeout (a weakly held signal would).
      fetch: (request) =>
        new Promise((_, reject) => {
          if (request.signal.aborted) reject(request.signal.reason);
          else request.signal.addEventListener('abort', () => reject(request.signal.reason));
          setTimeout(collectGarbage, 5);
        }),
    });
    await expect(remote.info('x')).rejects.toThrow('wabot upstream no answer within 50 ms');
  }, 10_000);

  test('an answer that is not the protocol is an RpcError', async () => {
    const remote = remoteManager({
      url: BASE,
      secret: SECRET,
      fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
    });
    await expect(remote.info('x')).rejects.toThrow(/answered 502 with a body that is not JSON/);
  });

  test("reports refused secrets and the manager's own failures to the logger, never the arguments", async () => {
    const lines: Array<{ level: string; obj: unknown; msg?: string }> = [];
    const log = (level: string) => (obj: unknown, msg?: string) => lines.push({ level, obj, msg });
    const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const host = new Hono();
    host.route('/internal/rpc', rpcHandler(throwing(new Error('disk on fire')), { secret: SECRET, logger }));
    const remote = remoteManager({ url: BASE, secret: SECRET, fetch: async (r) => host.fetch(r) });
    await expect(remote.authenticate('session-1', 'access-token-value')).rejects.toBeInstanceOf(RpcError);
    const wrong = remoteManager({ url: BASE, secret: `${SECRET}-old`, fetch: async (r) => host.fetch(r) });
    await expect(wrong.info('x')).rejects.toBeInstanceOf(RpcError);

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'rpc call failed'],
      ['warn', 'rpc call refused: missing or wrong secret'],
    ]);
    expect(lines[0]?.obj).toMatchObject({ method: 'authenticate', err: { message: 'disk on fire' } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('access-token-value');
    expect(text).not.toContain(SECRET);
  });

  test('any core error message and field survive the wire', async () => {
    const makers = [
      (m: string, f: string) => new ValidationError(m, f || undefined),
      (m: string) => new StateError(m),
      (m: string) => new AuthError(m),
      (m: string, f: string) => new SendError(f, m),
      (m: string) => new DriverError(m),
      (m: string, f: string) => new NotFoundError(f || 'thing', m),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(makers.length - 1), fc.string(), fc.string(), async (i, message, field) => {
        const error = makers[i]!(message, field);
        const remote = remoteManager({ url: BASE, secret: SECRET, fetch: mounted(throwing(error)).fetcher });
        const back = (await remote.qr('x').catch((e: unknown) => e)) as WabotError;
        expect(back).toBeInstanceOf(error.constructor);
        expect([back.code, back.message]).toEqual([error.code, error.message]);
        if (error instanceof ValidationError) expect((back as ValidationError).field).toBe(error.field);
      }),
      { numRuns: 150 },
    );
  });

  test('the url may end with a slash and sit under any path', async () => {
    const host = new Hono();
    host.route('/a/b/rpc', rpcHandler(echoing(), { secret: SECRET }));
    for (const url of ['http://up.test/a/b/rpc', 'http://up.test/a/b/rpc/']) {
      const remote = remoteManager({ url, secret: SECRET, fetch: async (r) => host.fetch(r) });
      expect(await remote.createContact('i', { name: 'n', number: '1' })).toEqual({ name: 'n', number: '1' });
    }
  });

  test('refuses short secrets on both sides with a ValidationError', () => {
    expect(() => rpcHandler(throwing(new StateError('x')), { secret: 'short' })).toThrow(ValidationError);
    expect(() => remoteManager({ url: BASE, secret: '' })).toThrow(/secret: must be a string of at least 16/);
  });
});

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
