import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CallOptions } from './helpers.js';
import { PNG_BYTES, setup, TOKEN_A, TOKEN_B } from './helpers.js';

// Malformed requests of every kind against every route: the answer is always a 4xx with the error
// envelope, and nothing in the manager or on the simulated phone changes.

const MAX_BODY = 64 * 1024;
const { client: call, manager, hub } = setup({ app: { maxBodyBytes: MAX_BODY } });

let creds: { session_id: string; access_token: string };
let instanceId = '';
let intentId = '';
let otherCreds: { session_id: string; access_token: string };

beforeAll(async () => {
  const a = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
  const b = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_B })).body.data;
  instanceId = a._id;
  creds = { session_id: a.session_id, access_token: a.settings.access_token };
  otherCreds = { session_id: b.session_id, access_token: b.settings.access_token };
  await call('POST', '/whatsapp/init', { query: creds });
  await hub.phone(instanceId).scan();
  intentId = (
    await call('POST', '/whatsapp/intent', { query: creds, json: { title: 't', keyword: 'k', reply: 'r' } })
  ).body.data._id;
});

async function snapshot(): Promise<string> {
  return JSON.stringify({
    a: await manager.listInstances('user-a'),
    b: await manager.listInstances('user-b'),
    intents: await manager.listIntents(instanceId),
    contacts: await manager.listContacts(instanceId),
    groups: await manager.listContactGroups(instanceId),
    attachments: await manager.listAttachments(instanceId),
    sent: hub.phone(instanceId).sent.length,
  });
}

// ---- wrong values, by the kind of value a field takes -------------------------------------------

const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const notObject = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer()),
);
const blank = fc.constantFrom('', ' ', '\t', '   ');
const stringNot = (ok: (s: string) => boolean) => fc.string({ maxLength: 30 }).filter((s) => !ok(s.trim()));

type Kind =
  | 'text'
  | 'required'
  | 'bool'
  | 'hour'
  | 'url'
  | 'phone'
  | 'obj'
  | 'list'
  | 'events'
  | 'textOrBool';

const WRONG: Record<Kind, fc.Arbitrary<unknown>> = {
  text: notString,
  required: fc.oneof(notString, blank),
  textOrBool: fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string()),
    fc.dictionary(fc.string(), fc.string()),
  ),
  bool: fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.array(fc.boolean()),
    fc.string().filter((s) => s !== 'true' && s !== 'false'),
  ),
  hour: fc.oneof(
    notString,
    stringNot((s) => /^(always|([01]?\d|2[0-3]):[0-5]\d|24:00)$/i.test(s)),
  ),
  url: fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string()),
    fc.constantFrom('ftp://example.com/x', 'javascript:alert(1)', 'not a url', 'example.com/hook'),
    stringNot((s) => /^https?:/i.test(s) || s === ''),
  ),
  phone: fc.oneof(
    notString,
    stringNot((s) => /^\+?[0-9][0-9 ()-]{4,29}$/.test(s)),
  ),
  obj: notObject,
  list: fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.dictionary(fc.string(), fc.string(), { minKeys: 1 }),
    fc.array(fc.integer(), { minLength: 1 }),
  ),
  events: fc.oneof(
    notObject.filter((v) => !Array.isArray(v)),
    fc.array(
      stringNot((s) => s.startsWith('on')),
      { minLength: 1 },
    ),
  ),
};

interface JsonRoute {
  method: string;
  path: () => string;
  valid: () => Record<string, unknown>;
  fields: Record<string, Kind>;
  required: string[];
}

const chat = '2349048988056';
const JSON_ROUTES: JsonRoute[] = [
  {
    method: 'PUT',
    path: () => '/whatsapp/updateGeneral',
    valid: () => ({ bot_name: 'B', bot_timezone: '+1', bot_lang: 'en', default_msg: true }),
    fields: { bot_name: 'text', bot_timezone: 'text', bot_lang: 'text', default_msg: 'textOrBool' },
    required: [],
  },
  {
    method: 'PUT',
    path: () => '/whatsapp/updateActions',
    valid: () => ({ reply_msgs: false, send_webhook: true }),
    fields: { reply_msgs: 'bool', send_webhook: 'bool', multi_device: 'bool', send_default_msg: 'bool' },
    required: [],
  },
  {
    method: 'PUT',
    path: () => '/whatsapp/updateActiveDays',
    valid: () => ({ monday: false, sunday: false }),
    fields: { monday: 'bool', sunday: 'bool', friday: 'bool' },
    required: [],
  },
  {
    method: 'PUT',
    path: () => '/whatsapp/updateActiveHours',
    valid: () => ({ from: '09:00', to: '17:00' }),
    fields: { from: 'hour', to: 'hour' },
    required: ['from', 'to'],
  },
  {
    method: 'PUT',
    path: () => '/whatsapp/setWebhook',
    valid: () => ({ webhook_url: 'https://example.com/hook', events: ['onMessage'] }),
    fields: { webhook_url: 'url', events: 'events', requestConfig: 'obj' },
    required: [],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/init',
    valid: () => ({ config: { multiDevice: true } }),
    fields: { config: 'obj' },
    required: [],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message',
    valid: () => ({ chatId: chat, message: 'hi', location: { lat: '6.5', lng: '3.2' } }),
    fields: { chatId: 'required', message: 'text', location: 'obj', attachments: 'list' },
    required: ['chatId'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/fileurl',
    valid: () => ({ chatId: chat, url: 'https://example.com/a.jpg', type: 'image' }),
    fields: { chatId: 'required', url: 'url', type: 'required' },
    required: ['chatId', 'url', 'type'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/button',
    valid: () => ({ chatId: chat, btndata: { text: 't', buttons: [{ type: 'replyButton', title: 'ok' }] } }),
    fields: { chatId: 'required', btndata: 'obj' },
    required: ['chatId', 'btndata'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/contact',
    valid: () => ({ chatId: chat, vcard: { fullName: 'J', phoneNumber: '919999999999' } }),
    fields: { chatId: 'required', vcard: 'obj' },
    required: ['chatId', 'vcard'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/list',
    valid: () => ({
      chatId: chat,
      msgdata: { buttonText: 'b', text: 't', sections: [{ title: 's', rows: [{ title: 'r' }] }] },
    }),
    fields: { chatId: 'required', msgdata: 'obj' },
    required: ['chatId', 'msgdata'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/MediaButton',
    valid: () => ({
      chatId: chat,
      btndata: {
        text: 't',
        buttons: [{ type: 'replyButton', title: 'ok' }],
        image: 'https://example.com/i.jpg',
      },
    }),
    fields: { chatId: 'required', btndata: 'obj' },
    required: ['chatId', 'btndata'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/sendText',
    valid: () => ({ to: chat, message: 'hi' }),
    fields: { to: 'required', message: 'required' },
    required: ['to', 'message'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/message/sendText',
    valid: () => ({ to: chat, message: 'hi' }),
    fields: { to: 'required', message: 'required' },
    required: ['to', 'message'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/intent',
    valid: () => ({ title: 't', keyword: 'a,b', reply: 'r' }),
    fields: { title: 'required', keyword: 'required', reply: 'text', action: 'obj' },
    required: ['title', 'keyword', 'reply'],
  },
  {
    method: 'PUT',
    path: () => `/whatsapp/intent/${intentId}`,
    valid: () => ({ reply: 'new' }),
    fields: { title: 'required', keyword: 'required', reply: 'text', action: 'obj' },
    required: [],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/contact',
    valid: () => ({ name: 'n', number: '2348000000001' }),
    fields: { name: 'required', number: 'phone', email: 'text' },
    required: ['name', 'number'],
  },
  {
    method: 'POST',
    path: () => '/whatsapp/contact_groups',
    valid: () => ({ name: 'g', contacts: [] }),
    fields: { name: 'required', contacts: 'list' },
    required: ['name'],
  },
];

const MULTIPART_ROUTES = [
  '/whatsapp/message/image',
  '/whatsapp/message/video',
  '/whatsapp/message/audio',
  '/whatsapp/message/doc',
  '/whatsapp/attachment',
];

interface Malformed {
  label: string;
  method: string;
  path: string;
  options: CallOptions;
}

const pickRoute = fc.constantFrom(...JSON_ROUTES);

/** A valid body with one field given a wrong value. */
const wrongField: fc.Arbitrary<Malformed> = pickRoute.chain((route) =>
  fc
    .constantFrom(...Object.keys(route.fields))
    .chain((field) => WRONG[route.fields[field] as Kind].map((value) => ({ field, value })))
    .chain(({ field, value }) =>
      fc.constantFrom<'json' | 'curl'>('json', 'curl').map((how) => ({
        label: `${route.path()} ${field}=${JSON.stringify(value)}`,
        method: route.method,
        path: route.path(),
        options: {
          query: creds,
          [how === 'json' ? 'json' : 'curlData']: { ...route.valid(), [field]: value },
        } as CallOptions,
      })),
    ),
);

/** A valid body without one of its required fields. */
const missingField: fc.Arbitrary<Malformed> = fc
  .constantFrom(...JSON_ROUTES.filter((r) => r.required.length > 0))
  .chain((route) =>
    fc.constantFrom(...route.required).map((field) => {
      const body = route.valid();
      delete body[field];
      return {
        label: `${route.path()} without ${field}`,
        method: route.method,
        path: route.path(),
        options: { query: creds, json: body },
      };
    }),
  );

/** Bodies that are not a JSON object at all. */
const unparsable: fc.Arbitrary<Malformed> = fc
  .tuple(
    pickRoute,
    fc.oneof(
      fc.string({ minLength: 1 }).filter((s) => {
        if (s.trim() === '') return false;
        try {
          const v = JSON.parse(s);
          return typeof v !== 'object' || v === null || Array.isArray(v);
        } catch {
          return true;
        }
      }),
      fc.constantFrom('{', '{"chatId":', '[1,2]', 'null', '"text"', '{"a":1}}'),
    ),
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml'),
  )
  .filter(
    ([, body, type]) =>
      type.startsWith('application/json') ||
      /^\s*[[{"]/.test(body) ||
      type === 'application/xml' ||
      type === 'text/plain',
  )
  .map(([route, body, type]) => ({
    label: `${route.path()} ${type} ${JSON.stringify(body)}`,
    method: route.method,
    path: route.path(),
    options: { query: creds, body, headers: { 'content-type': type } },
  }));

/** A valid request with credentials that do not open the instance. */
const badCredentials: fc.Arbitrary<Malformed> = fc
  .tuple(
    pickRoute,
    fc.oneof(
      fc.record({
        session_id: fc.string({ minLength: 1, maxLength: 40 }),
        access_token: fc.string({ minLength: 1, maxLength: 40 }),
      }),
      fc.constant({ session_id: '', access_token: '' }),
      fc.constant({}),
      fc
        .string({ minLength: 1, maxLength: 40 })
        .map((t) => ({ session_id: creds.session_id, access_token: t })),
      fc.constant({
        get session_id() {
          return creds.session_id;
        },
        get access_token() {
          return otherCreds.access_token;
        },
      }),
    ),
    fc.constantFrom<string | undefined>(undefined, TOKEN_B, 'invalid-bearer-000000000000'),
  )
  .filter(([, given, bearer]) => {
    const g = given as { session_id?: string; access_token?: string };
    return (
      !(g.session_id === creds.session_id && g.access_token === creds.access_token) || bearer !== undefined
    );
  })
  .map(([route, given, bearer]) => ({
    label: `${route.path()} credentials ${JSON.stringify(given)} bearer=${bearer}`,
    method: route.method,
    path: route.path(),
    options: {
      query: { ...(given as Record<string, string>) },
      json: route.valid(),
      ...(bearer ? { token: bearer } : {}),
    },
  }));

/** Uploads without their file, with text instead of a file, or without a usable chatId. */
const badUpload: fc.Arbitrary<Malformed> = fc
  .tuple(
    fc.constantFrom(...MULTIPART_ROUTES),
    fc.constantFrom('no-file', 'text-file', 'no-chat', 'blank-chat'),
    blank,
  )
  .filter(([path, how]) => !(path === '/whatsapp/attachment' && how.endsWith('chat')))
  .map(([path, how, spaces]) => {
    const form: Record<string, string | Blob> = {};
    if (how !== 'no-file')
      form.file = how === 'text-file' ? 'not a file' : new File([PNG_BYTES], 'x.png', { type: 'image/png' });
    if (how !== 'no-chat') form.chatId = how === 'blank-chat' ? spaces : chat;
    return { label: `${path} ${how}`, method: 'POST', path, options: { query: creds, form } };
  });

/** Account routes with a missing or wrong bearer token. */
const badBearer: fc.Arbitrary<Malformed> = fc
  .tuple(
    fc.constantFrom(
      ['POST', '/whatsapp/createNewWhatsapp'],
      ['GET', '/whatsapp'],
      ['DELETE', '/whatsapp/{a}'],
      ['POST', '/sim/{s}/inbound'],
    ),
    fc.oneof(
      fc.constant<Record<string, string>>({}),
      fc
        .string({ maxLength: 60 })
        .filter((t) => t.trim() !== TOKEN_A && t.trim() !== TOKEN_B && !/[\r\n]/.test(t))
        .map((t) => ({ authorization: `Bearer ${t}` })),
      fc.constantFrom(
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `bearer ${TOKEN_A}x` },
        { authorization: TOKEN_A },
      ),
    ),
  )
  .map(([[method, path], headers]) => {
    const real = (path as string).replace('{a}', instanceId).replace('{s}', creds.session_id);
    return {
      label: `${method} ${real} ${JSON.stringify(headers)}`,
      method: method as string,
      path: real,
      options: { headers, json: { from: chat, text: 'hi' } },
    };
  });

/** Unknown paths and methods. */
const unknownRoute: fc.Arbitrary<Malformed> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    fc.array(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/), { minLength: 1, maxLength: 4 }),
  )
  .map(([method, parts]) => ({
    label: `${method} /${parts.join('/')}`,
    method,
    path: `/x/${parts.join('/')}`,
    options: { json: {} },
  }));

/** Queries with values out of their enums or unusable ranges. */
const badQuery: fc.Arbitrary<Malformed> = fc
  .tuple(
    fc.constantFrom('/whatsapp/scan', '/whatsapp/instance'),
    fc.string({ minLength: 1, maxLength: 12 }).filter((f) => !['png', 'base64text', 'base64'].includes(f)),
  )
  .map(([path, format]) => ({
    label: `${path}?format=${format}`,
    method: 'GET',
    path,
    options: { query: { ...creds, format } },
  }));

/** Bodies over the size limit. */
const tooLarge: fc.Arbitrary<Malformed> = fc
  .tuple(pickRoute, fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 2 }))
  .map(([route, size]) => ({
    label: `${route.path()} ${size} bytes`,
    method: route.method,
    path: route.path(),
    options: { query: creds, json: { ...route.valid(), padding: 'x'.repeat(size) } },
  }));

describe('fuzz: malformed requests', () => {
  test('1,200 malformed requests: always a 4xx envelope, never a state change', async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: wrongField, weight: 5 },
          { arbitrary: missingField, weight: 2 },
          { arbitrary: unparsable, weight: 2 },
          { arbitrary: badCredentials, weight: 2 },
          { arbitrary: badUpload, weight: 1 },
          { arbitrary: badBearer, weight: 1 },
          { arbitrary: unknownRoute, weight: 1 },
          { arbitrary: badQuery, weight: 1 },
          { arbitrary: tooLarge, weight: 1 },
        ),
        async (request) => {
          const res = await call(request.method, request.path, request.options);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${request.label} → ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
          expect(res.status, request.label).toBeLessThan(500);
          expect(res.body, request.label).toMatchObject({ status: false, data: null });
          expect(typeof res.body.message).toBe('string');
          expect(res.body.message).not.toContain(creds.access_token);
          expect(res.body.message).not.toContain(TOKEN_A);
          expect(await snapshot(), request.label).toBe(before);
        },
      ),
      { numRuns: 1200, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    // Every kind of refusal was exercised.
    for (const status of [400, 401, 404, 413]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  }, 180_000);
});
