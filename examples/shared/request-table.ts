import { expect, test } from 'vitest';

// One request table for every runtime: each example's test starts its server and registers these
// steps against it, so a runtime that answers differently fails the same named step.

export interface RuntimeTarget {
  /** Where the app listens, e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  /** A bearer token the app accepts. */
  token: string;
}

interface Answer {
  status: number;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  body: any;
}

/** A 1x1 PNG, enough for an attachment upload. */
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (ch) => ch.charCodeAt(0),
);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const STEP_TIMEOUT = 15_000;

async function call(
  target: RuntimeTarget,
  method: string,
  path: string,
  init: { token?: string; query?: Record<string, string>; json?: unknown; form?: FormData } = {},
): Promise<Answer> {
  const url = new URL(target.baseUrl + path);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers();
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  } else if (init.form) body = init.form;
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(STEP_TIMEOUT) });
  const type = res.headers.get('content-type') ?? '';
  const parsed = type.includes('json')
    ? await res.json()
    : type.startsWith('text')
      ? await res.text()
      : new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type, body: parsed };
}

function data(answer: Answer, message: string): Answer['body'] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.type).toContain('application/json');
  expect(Object.keys(answer.body)).toEqual(['status', 'message', 'data']);
  expect(answer.body).toMatchObject({ status: true, message });
  return answer.body.data;
}

function failure(answer: Answer, status: number): string {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toEqual({ status: false, message: expect.any(String), data: null });
  return answer.body.message;
}

/**
 * Registers the table's steps as sequential tests. `target` is called when the steps run, after
 * the caller's `beforeAll` started the server.
 */
export function requestTable(target: () => RuntimeTarget): void {
  const state = { id: '', creds: { session_id: '', access_token: '' }, attachment: '', contact: '' };
  const step = (name: string, fn: (t: RuntimeTarget) => Promise<void>) =>
    test(name, () => fn(target()), STEP_TIMEOUT);

  step('POST /whatsapp/createNewWhatsapp creates an instance', async (t) => {
    const created = data(
      await call(t, 'POST', '/whatsapp/createNewWhatsapp', { token: t.token, json: {} }),
      'Whatsapp created successfully!',
    );
    expect(created._id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.user_id).toBe('default');
    state.id = created._id;
    state.creds = { session_id: created.session_id, access_token: created.settings.access_token };
  });

  step('POST /whatsapp/init starts the connection', async (t) => {
    const init = data(
      await call(t, 'POST', '/whatsapp/init', { json: { ...state.creds, config: { multiDevice: true } } }),
      'Instance initialised successfully',
    );
    expect(init.error).toBe(false);
    expect(init.instance_data.phone_connected).toBe(false);
  });

  step('GET /whatsapp/scan answers a PNG, and the data URL with format=base64text', async (t) => {
    const png = await call(t, 'GET', '/whatsapp/scan', { query: state.creds });
    expect(png.status).toBe(200);
    expect(png.type).toBe('image/png');
    expect([...(png.body as Uint8Array).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const text = await call(t, 'GET', '/whatsapp/scan', { query: { ...state.creds, format: 'base64text' } });
    expect(text.status).toBe(200);
    expect(text.type).toContain('text/plain');
    expect(text.body).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    // The data URL holds a PNG too.
    const decoded = Uint8Array.from(atob(text.body.split(',')[1]), (ch) => ch.charCodeAt(0));
    expect([...decoded.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  step('GET /whatsapp/instance shows the phone connected once the QR was scanned', async (t) => {
    // The example's simulated phone scans the QR a few seconds after it was first fetched (the
    // servers under test are started with a delay long enough for the previous step's two fetches).
    for (;;) {
      const info = data(
        await call(t, 'GET', '/whatsapp/instance', { query: state.creds }),
        'Status checked successfully',
      );
      expect(info.instance_data.instance_key).toBe(state.creds.session_id);
      if (info.instance_data.phone_connected) {
        expect(info.instance_data.user.id).toMatch(/^\d+:\d+@s\.whatsapp\.net$/);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  step('POST /whatsapp/sendText sends a text', async (t) => {
    const sent = data(
      await call(t, 'POST', '/whatsapp/sendText', {
        json: { ...state.creds, to: '2348179803743', message: 'Hi' },
      }),
      'Message sent successfully',
    );
    expect(sent).toMatch(/^true_2348179803743@c\.us_[0-9A-F]{16,}$/);
  });

  step('POST /whatsapp/message sends a composite message (attachment, contact, location)', async (t) => {
    const form = new FormData();
    form.append('file', new File([PNG], 'dot.png', { type: 'image/png' }));
    const attachment = data(
      await call(t, 'POST', '/whatsapp/attachment', { query: state.creds, form }),
      'Attachment uploaded successfully',
    );
    expect(attachment).toMatchObject({ filename: 'dot.png', mimetype: 'image/png', size: PNG.length });
    const contact = data(
      await call(t, 'POST', '/whatsapp/contact', {
        query: state.creds,
        json: { name: 'Barnks 2', number: '2349048988056' },
      }),
      'Contact created successfully',
    );
    const sent = data(
      await call(t, 'POST', '/whatsapp/message', {
        query: state.creds,
        json: {
          chatId: '2349048988056',
          message: 'Hello dear',
          attachments: [attachment._id],
          location: { name: 'Office', lat: '6.556452', lng: '3.2774487' },
          contactId: contact._id,
        },
      }),
      'Message sent successfully',
    );
    expect(Object.keys(sent)).toEqual(['message', 'attachment', 'contact', 'image', 'buttons', 'location']);
    expect(sent.attachment).toEqual([attachment._id]);
    expect(sent.contact.contactMessage.displayName).toBe('Barnks 2');
    expect(sent.location.locationMessage).toMatchObject({
      degreesLatitude: 6.556452,
      degreesLongitude: 3.2774487,
    });
  });

  step('a missing field is a 400 naming the field', async (t) => {
    const message = failure(
      await call(t, 'POST', '/whatsapp/sendText', { json: { ...state.creds, message: 'x' } }),
      400,
    );
    expect(message).toMatch(/^to: /);
  });

  step('a wrong bearer token is a 401', async (t) => {
    const message = failure(await call(t, 'GET', '/whatsapp', { token: `${t.token}-wrong` }), 401);
    expect(message).toBe('Authorization: invalid bearer token');
  });

  step('an unknown route is a 404 envelope', async (t) => {
    const message = failure(await call(t, 'GET', '/whatsapp/nothing/here'), 404);
    expect(message).toBe('route not found: GET /whatsapp/nothing/here');
  });

  step('GET /openapi.json is the OpenAPI 3.1 document', async (t) => {
    const doc = await call(t, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/whatsapp/createNewWhatsapp', '/whatsapp/scan', '/whatsapp/message']),
    );
  });

  step('DELETE /whatsapp/{id} removes the instance', async (t) => {
    data(
      await call(t, 'DELETE', `/whatsapp/${state.id}`, { token: t.token }),
      'Whatsapp deleted successfully!',
    );
    expect(
      data(await call(t, 'GET', '/whatsapp', { token: t.token }), 'Whatsapp fetched successfully!'),
    ).toEqual([]);
  });
}
