import {
  AuthError,
  DriverError,
  type InstanceRecord,
  type ManagerApi,
  NotFoundError,
  SendError,
  StateError,
  StoreError,
  ValidationError,
} from '@wabot/core';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, test } from 'vitest';
import { createApp, mapError, type WebhookControl } from '../src/index.js';
import { legacySendId } from '../src/views.js';
import { client, setup, TOKEN_A } from './helpers.js';

const RECORD = {
  _id: 'i1',
  user_id: 'user-a',
  session_id: 's1',
  settings: { access_token: 't1' },
  webhook: { webhook_url: null, events: [], requestConfig: {} },
} as unknown as InstanceRecord;

/** A manager whose every call but `authenticate` throws `error`. */
function failingManager(error: unknown): ManagerApi {
  return new Proxy({} as ManagerApi, {
    get(_t, prop) {
      if (prop === 'authenticate') return async () => RECORD;
      return async () => {
        throw error;
      };
    },
  });
}

describe('error mapping', () => {
  test.each([
    [new ValidationError('is required', 'chatId'), 400, 'chatId: is required'],
    [new AuthError(), 401, 'invalid session_id or access_token'],
    [new NotFoundError('intent', 'x1'), 404, 'intent not found: x1'],
    [new StateError('instance is not connected'), 409, 'instance is not connected'],
    [new SendError('1@s.whatsapp.net', 'send timed out'), 502, 'send timed out'],
    [new DriverError('connection closed'), 502, 'connection closed'],
  ])('%s answers %i with its message', async (error, status, message) => {
    expect(mapError(error)).toMatchObject({ status, message, internal: false });
    const call = client(createApp(failingManager(error)));
    const res = await call('GET', '/whatsapp/instance', { query: { session_id: 's1', access_token: 't1' } });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ status: false, message, data: null });
  });

  test('anything else is a 500 that hides its message and is logged', async () => {
    const logged: unknown[] = [];
    const noop = () => {};
    const logger = { debug: noop, info: noop, warn: noop, error: (obj: unknown) => logged.push(obj) };
    for (const error of [new StoreError('disk full at /secret/path'), new Error('token=abc'), 'a string']) {
      const call = client(createApp(failingManager(error), { logger }));
      const res = await call('GET', '/whatsapp/instance', {
        query: { session_id: 's1', access_token: 't1' },
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ status: false, message: 'internal error', data: null });
    }
    expect(logged).toHaveLength(3);
    // The request's query (which carries the access token) is never part of what is logged.
    expect(JSON.stringify(logged)).not.toContain('access_token=t1');
  });

  test("Hono's HTTPException keeps its 4xx status", () => {
    expect(mapError(new HTTPException(422, { message: 'nope' }))).toMatchObject({
      status: 422,
      message: 'nope',
    });
    expect(mapError(new HTTPException(503))).toMatchObject({ status: 500, internal: true });
  });

  test('errors from another copy of core still map by their code', () => {
    const foreign = Object.assign(new Error('chatId: is required'), {
      name: 'ValidationError',
      code: 'validation',
    });
    expect(mapError(foreign)).toMatchObject({ status: 400, message: 'chatId: is required' });
  });
});

describe('request bodies', () => {
  const { client: call } = setup();
  const created = call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A });
  const creds = async () => {
    const d = (await created).body.data;
    return { session_id: d.session_id, access_token: d.settings.access_token };
  };

  test('JSON labelled as a form (curl --data) is read as JSON', async () => {
    const res = await call('PUT', '/whatsapp/updateGeneral', {
      query: await creds(),
      curlData: { bot_name: 'Curl' },
    });
    expect(res.body.data.modifiedCount).toBe(1);
  });

  test('url-encoded forms and multipart forms are read, with booleans as text', async () => {
    const form = new URLSearchParams({ ...(await creds()), reply_msgs: 'false' }).toString();
    const res = await call('PUT', '/whatsapp/updateActions', {
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.body.data.modifiedCount).toBe(1);
    const multi = await call('PUT', '/whatsapp/updateActions', {
      form: { ...(await creds()), reply_msgs: 'true' },
    });
    expect(multi.body.data.modifiedCount).toBe(1);
  });

  test('malformed JSON, non-object JSON and unknown content types are refused', async () => {
    const q = { query: await creds() };
    const bad = await call('PUT', '/whatsapp/updateGeneral', {
      ...q,
      body: '{"bot_name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('body: is not valid JSON');
    const list = await call('PUT', '/whatsapp/updateGeneral', {
      ...q,
      body: '[1]',
      headers: { 'content-type': 'application/json' },
    });
    expect(list.body.message).toBe('body: must be a JSON object');
    const xml = await call('PUT', '/whatsapp/updateGeneral', {
      ...q,
      body: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
  });

  test('validation messages name every offending field', async () => {
    const res = await call('POST', '/whatsapp/message/button', {
      query: await creds(),
      json: { btndata: { text: '', buttons: [{ type: 'urlButton', title: 'x', payload: 'nope' }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'chatId: is required; btndata.text: must not be empty; btndata.buttons[0].payload: must be an http(s) URL for a urlButton',
    );
  });

  test('lat/lng are accepted as numbers or numeric strings, and range-checked', async () => {
    const ok = await call('POST', '/whatsapp/message', {
      query: await creds(),
      json: { chatId: '2349048988056', location: { lat: 6.5, lng: '3.2' } },
    });
    // Validation passed; the instance is not connected, which is a state conflict.
    expect(ok.status).toBe(409);
    const bad = await call('POST', '/whatsapp/message', {
      query: await creds(),
      json: { chatId: '2349048988056', location: { lat: '91', lng: 'east' } },
    });
    expect(bad.body.message).toBe(
      'location.lat: Too big: expected number to be <=90; location.lng: must be a number',
    );
  });

  test('bodies over the limit get 413', async () => {
    const small = setup({ app: { maxBodyBytes: 1024 } });
    const res = await small.client('POST', '/whatsapp/createNewWhatsapp', {
      token: TOKEN_A,
      json: { x: 'y'.repeat(2048) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ status: false, message: 'body: must be at most 1024 bytes', data: null });
  });

  test('GET /whatsapp/instance?format=base64 adds the waiting QR as a data URL', async () => {
    const q = await creds();
    await call('POST', '/whatsapp/init', { query: q });
    const res = await call('GET', '/whatsapp/instance', { query: { ...q, format: 'base64' } });
    expect(res.body.data.instance_data.status).toBe('QR');
    expect(res.body.data.instance_data.qrcode).toMatch(/^data:image\/png;base64,/);
    const plain = await call('GET', '/whatsapp/instance', { query: q });
    expect(plain.body.data.instance_data).not.toHaveProperty('qrcode');
  });

  test('trailing slashes are accepted, as in the reference (/whatsapp/instance/?...)', async () => {
    const res = await call('GET', '/whatsapp/instance/', { query: await creds() });
    expect(res.status).toBe(200);
  });
});

describe('webhook routes', () => {
  test('describe, dead letters and replay go to the webhook service; bad URLs are refused', async () => {
    const calls: unknown[] = [];
    const webhooks: WebhookControl = {
      describe: (_id) => ({
        url: 'https://example.com/h',
        events: ['onMessage'],
        secret: 'whsec_x',
        requestConfig: {},
      }),
      listDeadLetters: (id, range) => {
        calls.push(['list', id, range]);
        return [{ id: 'd1' }];
      },
      replayDeadLetters: (id, select) => {
        calls.push(['replay', id, select]);
        return 3;
      },
      validateUrl: (url) => {
        if (url.includes('127.0.0.1'))
          throw new ValidationError('resolves to a private address', 'webhook_url');
      },
    };
    const { client: call, manager } = setup({ app: { webhooks } });
    const d = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const creds = { session_id: d.session_id, access_token: d.settings.access_token };

    expect((await call('GET', '/whatsapp/webhook', { query: creds })).body.data.secret).toBe('whsec_x');
    const list = await call('GET', '/whatsapp/webhook/dead-letters', {
      query: { ...creds, from: '2026-01-01T00:00:00Z', to: '1798761600000' },
    });
    expect(list.body.data).toEqual([{ id: 'd1' }]);
    const replay = await call('POST', '/whatsapp/webhook/dead-letters/replay', {
      query: creds,
      json: { ids: ['d1'] },
    });
    expect(replay.body.data).toEqual({ replayed: 3 });
    expect(calls).toEqual([
      ['list', d._id, { from: Date.parse('2026-01-01T00:00:00Z'), to: 1798761600000 }],
      ['replay', d._id, { ids: ['d1'] }],
    ]);
    expect(
      (await call('GET', '/whatsapp/webhook/dead-letters', { query: { ...creds, from: 'yesterday' } }))
        .status,
    ).toBe(400);

    const refused = await call('PUT', '/whatsapp/setWebhook', {
      query: creds,
      json: { webhook_url: 'http://127.0.0.1/x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('webhook_url: resolves to a private address');
    const init = await call('POST', '/whatsapp/init', {
      query: creds,
      json: { config: { setWebhook: true, webhookUrl: 'http://127.0.0.1/x' } },
    });
    expect(init.body.message).toBe('config.webhookUrl: resolves to a private address');
    expect((await manager.getInstance(d._id)).webhook.webhook_url).toBeNull();
  });

  test('without a webhook service, the stored settings are shown and dead letters are unavailable', async () => {
    const { client: call } = setup();
    const d = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const creds = { session_id: d.session_id, access_token: d.settings.access_token };
    await call('PUT', '/whatsapp/setWebhook', {
      query: creds,
      json: { webhook_url: 'https://example.com/h' },
    });
    const shown = await call('GET', '/whatsapp/webhook', { query: creds });
    expect(shown.body.data).toEqual({
      url: 'https://example.com/h',
      events: ['onMessage', 'onAnyMessage'],
      secret: null,
      requestConfig: {},
    });
    const dead = await call('GET', '/whatsapp/webhook/dead-letters', { query: creds });
    expect(dead.status).toBe(404);
    // An empty URL removes the webhook.
    await call('PUT', '/whatsapp/setWebhook', { query: creds, json: { webhook_url: '' } });
    expect((await call('GET', '/whatsapp/webhook', { query: creds })).body.data.url).toBeNull();
  });
});

describe('OpenAPI document and docs page', () => {
  const { app, client: call } = setup();

  test('/openapi.json is OpenAPI 3.1 and documents every mounted route', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const mounted = app.routes
      .filter((r) => r.method !== 'ALL' && !['/openapi.json', '/docs', '/'].includes(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(mounted.length).toBeGreaterThan(40);
    expect([...new Set(mounted)].sort()).toEqual([...documented].sort());
    expect(doc.components.schemas.UpdateResult.required).toEqual([
      'acknowledged',
      'modifiedCount',
      'upsertedId',
      'upsertedCount',
      'matchedCount',
    ]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const image = doc.paths['/whatsapp/message/image'].post.requestBody.content['multipart/form-data'].schema;
    expect(image.$ref).toBe('#/components/schemas/ImageMessage');
    expect(doc.components.schemas.ImageMessage.properties.file).toEqual({ type: 'string', format: 'binary' });
    // Every reference resolves, and every operation answers with a documented error shape.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(50);
    for (const [, kind, name] of refs)
      expect(doc.components[kind as string], `${kind}/${name}`).toHaveProperty(name as string);
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const op of Object.values(ops)) expect(op.responses).toHaveProperty('400');
    }
  });

  test('/docs loads the document and needs nothing from another host', async () => {
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('data-spec="/openapi.json"');
    expect(page.body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });
});

describe('pairing code and CORS', () => {
  test('POST /whatsapp/pairingCode links with a code once init has run', async () => {
    const { client: call } = setup();
    const d = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const creds = { session_id: d.session_id, access_token: d.settings.access_token };
    const early = await call('POST', '/whatsapp/pairingCode', {
      query: creds,
      json: { phone: '2349048988056' },
    });
    expect(early.status).toBe(409);
    await call('POST', '/whatsapp/init', { query: creds });
    const res = await call('POST', '/whatsapp/pairingCode', {
      query: creds,
      json: { phone: '+234 904 898 8056' },
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Pairing code created successfully');
    expect(res.body.data.code).toMatch(/^[A-Z0-9-]{8,9}$/);
    const bad = await call('POST', '/whatsapp/pairingCode', { query: creds, json: { phone: 'call me' } });
    expect(bad.body.message).toMatch(/^phone: /);
  });

  test('CORS headers only for the configured origins', async () => {
    const { client: call } = setup({ app: { corsOrigins: ['https://app.example.com'] } });
    const preflight = await call('OPTIONS', '/whatsapp', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,x-refresh',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.raw.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.raw.headers.get('access-control-allow-headers')).toContain('x-refresh');
    const other = await call('GET', '/whatsapp', {
      token: TOKEN_A,
      headers: { origin: 'https://evil.example' },
    });
    expect(other.raw.headers.get('access-control-allow-origin')).toBeNull();
    const none = setup();
    const plain = await none.client('GET', '/whatsapp', {
      token: TOKEN_A,
      headers: { origin: 'https://app.example.com' },
    });
    expect(plain.raw.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('legacy sendText id', () => {
  test('people in the @c.us form, groups unchanged', () => {
    expect(legacySendId('2348179803743@s.whatsapp.net', '3EB0AA')).toBe('true_2348179803743@c.us_3EB0AA');
    expect(legacySendId('2348179803743:4@s.whatsapp.net', 'X1')).toBe('true_2348179803743@c.us_X1');
    expect(legacySendId('120363040000000000@g.us', 'X2')).toBe('true_120363040000000000@g.us_X2');
  });
});
