import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CallOptions } from './helpers.js';
import { setup, TOKEN_A } from './helpers.js';

// Well-typed requests with arbitrary content (odd time zones, regex characters in keywords, emoji,
// strange chat ids...): whatever the schema lets through, core may still refuse, but never with a 5xx.

const { client: call, hub } = setup();
let creds: { session_id: string; access_token: string };

beforeAll(async () => {
  const a = (await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
  creds = { session_id: a.session_id, access_token: a.settings.access_token };
  await call('POST', '/whatsapp/init', { query: creds });
  await hub.phone(a._id).scan();
});

const text = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
const anyText = fc.oneof(
  text,
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('.*', '(', '[a-', '\\', '$1', '{Hi|', '[name'),
);
const chatId = fc.oneof(
  fc.stringMatching(/^\+?[0-9 ()-]{1,20}$/),
  fc.stringMatching(/^[0-9]{1,20}@(s\.whatsapp\.net|c\.us|g\.us|lid)$/),
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
);
const hour = fc.oneof(
  fc.constantFrom('always', '0:00', '24:00'),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`),
);
const lat = fc.oneof(
  fc.double({ min: -90, max: 90, noNaN: true }),
  fc.double({ min: -90, max: 90, noNaN: true }).map(String),
);
const lng = fc.oneof(
  fc.double({ min: -180, max: 180, noNaN: true }),
  fc.double({ min: -180, max: 180, noNaN: true }).map(String),
);
const phone = fc.stringMatching(/^\+?[0-9][0-9 ()-]{4,20}$/);
const button = fc.oneof(
  fc.record({ type: fc.constant('replyButton'), title: text }),
  fc.record({ type: fc.constant('urlButton'), title: text, payload: fc.webUrl() }),
  fc.record({ type: fc.constant('callButton'), title: text, payload: phone }),
);

interface Req {
  method: string;
  path: string;
  options: CallOptions;
}

const json = (method: string, path: string, body: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Req> =>
  body.map((b) => ({ method, path, options: { query: creds, json: b } }));

const requests: fc.Arbitrary<Req> = fc.oneof(
  json(
    'PUT',
    '/whatsapp/updateGeneral',
    fc.record(
      {
        bot_name: anyText,
        bot_timezone: fc.oneof(
          anyText,
          fc.constantFrom('+1', '-5:30', 'UTC+14', 'Africa/Harare', 'Mars/Base'),
        ),
        bot_lang: anyText,
        default_msg: fc.oneof(fc.boolean(), anyText),
      },
      { requiredKeys: [] },
    ),
  ),
  json('PUT', '/whatsapp/updateActiveHours', fc.record({ from: hour, to: hour })),
  json(
    'PUT',
    '/whatsapp/setWebhook',
    fc.record(
      {
        webhook_url: fc.oneof(fc.webUrl(), fc.constant('')),
        events: fc.subarray(['onMessage', 'onQr', 'onReply']),
      },
      { requiredKeys: [] },
    ),
  ),
  json(
    'POST',
    '/whatsapp/message',
    fc.record(
      {
        chatId,
        message: anyText,
        location: fc.record({ lat, lng, name: anyText }, { requiredKeys: ['lat', 'lng'] }),
      },
      { requiredKeys: ['chatId', 'message'] },
    ),
  ),
  json('POST', '/whatsapp/sendText', fc.record({ to: chatId, message: anyText })),
  json(
    'POST',
    '/whatsapp/message/fileurl',
    fc.record(
      {
        chatId,
        url: fc.webUrl({ withQueryParameters: true }),
        type: fc.constantFrom('image', 'video', 'audio', 'document'),
        filename: anyText,
      },
      { requiredKeys: ['chatId', 'url', 'type'] },
    ),
  ),
  json(
    'POST',
    '/whatsapp/message/button',
    fc.record(
      {
        chatId,
        btndata: fc.record(
          { text: anyText, buttons: fc.array(button, { minLength: 1, maxLength: 3 }), footerText: anyText },
          { requiredKeys: ['text', 'buttons'] },
        ),
        fallback: fc.constantFrom('native', 'text'),
      },
      { requiredKeys: ['chatId', 'btndata'] },
    ),
  ),
  json(
    'POST',
    '/whatsapp/message/list',
    fc.record({
      chatId,
      msgdata: fc.record({
        buttonText: fc.string({ minLength: 1, maxLength: 20 }),
        text: anyText,
        sections: fc.array(
          fc.record({
            title: fc.string({ minLength: 1, maxLength: 24 }),
            rows: fc.array(
              fc.record(
                { title: fc.string({ minLength: 1, maxLength: 24 }), rowId: fc.string({ maxLength: 10 }) },
                { requiredKeys: ['title'] },
              ),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      }),
    }),
  ),
  json(
    'POST',
    '/whatsapp/message/contact',
    fc.record({
      chatId,
      vcard: fc.record(
        { fullName: anyText, displayName: anyText, organization: anyText, phoneNumber: phone },
        { requiredKeys: ['fullName', 'phoneNumber'] },
      ),
    }),
  ),
  json('POST', '/whatsapp/intent', fc.record({ title: anyText, keyword: anyText, reply: anyText })),
  json(
    'POST',
    '/whatsapp/contact',
    fc.record(
      { name: anyText, number: phone, email: fc.emailAddress() },
      { requiredKeys: ['name', 'number'] },
    ),
  ),
);

describe('fuzz: well-typed requests with arbitrary content', () => {
  test('600 requests: 2xx or 4xx, never 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const res = await call(r.method, r.path, r.options);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(
          res.status,
          `${r.method} ${r.path} ${JSON.stringify(r.options.json)} → ${JSON.stringify(res.body)}`,
        ).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toMatchObject({ status: false, data: null });
      }),
      { numRuns: 600, seed: Number(process.env.FUZZ_SEED ?? 7) },
    );
    expect(seen.get(200) ?? 0).toBeGreaterThan(100);
  }, 120_000);
});
