import { beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../src/index.js';
import { type Answer, type Call, client, setup, TOKEN_A, TOKEN_B } from './helpers.js';

interface Owned {
  id: string;
  session_id: string;
  access_token: string;
}

function expectError(answer: Answer, status: number, message?: RegExp) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ status: false, data: null });
  if (message) expect(answer.body.message).toMatch(message);
}

/** No answer may echo a secret the caller or anyone else holds. */
function expectNoSecrets(answer: Answer, secrets: string[]) {
  const text = JSON.stringify(answer.body);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

async function create(call: Call, token: string): Promise<Owned> {
  const res = await call('POST', '/whatsapp/createNewWhatsapp', { token });
  const d = res.body.data;
  return { id: d._id, session_id: d.session_id, access_token: d.settings.access_token };
}

describe('auth and isolation between two users', () => {
  const { client: call, manager, hub } = setup();
  let a: Owned;
  let b: Owned;
  const credsOf = (o: Owned) => ({ session_id: o.session_id, access_token: o.access_token });

  beforeAll(async () => {
    a = await create(call, TOKEN_A);
    b = await create(call, TOKEN_B);
  });

  test('account routes need a valid bearer token', async () => {
    expectError(
      await call('POST', '/whatsapp/createNewWhatsapp'),
      401,
      /^Authorization: a bearer token is required$/,
    );
    expectError(
      await call('GET', '/whatsapp', { token: 'not-a-token-0000000000000' }),
      401,
      /invalid bearer token/,
    );
    expectError(
      await call('GET', '/whatsapp', { headers: { authorization: 'Basic abc' } }),
      401,
      /must be "Bearer <token>"/,
    );
    expectError(await call('DELETE', `/whatsapp/${a.id}`), 401);
    // Near misses (a prefix, one character off) are refused like any other token.
    expectError(await call('GET', '/whatsapp', { token: TOKEN_A.slice(0, -1) }), 401);
    expectError(await call('GET', '/whatsapp', { token: `${TOKEN_A.slice(0, -1)}X` }), 401);
    expect((await manager.listInstances('user-a')).length).toBe(1);
  });

  test('each user lists only their own instances', async () => {
    const listA = await call('GET', '/whatsapp', { token: TOKEN_A });
    const listB = await call('GET', '/whatsapp', { token: TOKEN_B });
    expect(listA.body.data.map((r: { _id: string }) => r._id)).toEqual([a.id]);
    expect(listB.body.data.map((r: { _id: string }) => r._id)).toEqual([b.id]);
    expect(listA.body.data[0].user_id).toBe('user-a');
  });

  test("a user cannot delete another user's instance (404, nothing deleted)", async () => {
    const res = await call('DELETE', `/whatsapp/${a.id}`, { token: TOKEN_B });
    expectError(res, 404, /^instance not found$/);
    expect((await manager.getInstance(a.id))._id).toBe(a.id);
    expectError(
      await call('DELETE', '/whatsapp/000000000000000000000000', { token: TOKEN_B }),
      404,
      /^instance not found$/,
    );
  });

  test('instance routes need session_id and a matching access_token', async () => {
    expectError(await call('GET', '/whatsapp/instance'), 400, /^session_id: is required$/);
    expectError(
      await call('GET', '/whatsapp/instance', { query: { session_id: a.session_id } }),
      401,
      /^access_token: is required/,
    );
    const wrong = await call('GET', '/whatsapp/instance', {
      query: { session_id: a.session_id, access_token: b.access_token },
    });
    expectError(wrong, 401);
    expectNoSecrets(wrong, [a.access_token, b.access_token, TOKEN_A, TOKEN_B]);
    const unknown = await call('GET', '/whatsapp/instance', {
      query: { session_id: 'nope', access_token: 'nope' },
    });
    expectError(unknown, 404);
  });

  test('credentials are read from the query or the body', async () => {
    const query = await call('GET', '/whatsapp/instance', { query: credsOf(a) });
    expect(query.status).toBe(200);
    const body = await call('PUT', '/whatsapp/updateGeneral', { json: { ...credsOf(a), bot_name: 'A bot' } });
    expect(body.status).toBe(200);
    const form = await call('PUT', '/whatsapp/updateGeneral', { form: { ...credsOf(a), bot_lang: 'fr' } });
    expect(form.status).toBe(200);
    expect((await manager.getInstance(a.id)).settings).toMatchObject({ bot_name: 'A bot', bot_lang: 'fr' });
  });

  test("a bearer token sent with credentials must own the instance (another user's gets 404)", async () => {
    const mine = await call('GET', '/whatsapp/instance', { token: TOKEN_A, query: credsOf(a) });
    expect(mine.status).toBe(200);
    const theirs = await call('PUT', '/whatsapp/updateGeneral', {
      token: TOKEN_B,
      query: credsOf(a),
      json: { bot_name: 'hijacked' },
    });
    expectError(theirs, 404, /^instance not found$/);
    expect((await manager.getInstance(a.id)).settings.bot_name).toBe('A bot');
    expectError(
      await call('GET', '/whatsapp/instance', { token: 'bad-token-000000000000', query: credsOf(a) }),
      401,
    );
  });

  test('the owner may use session_id with the bearer token alone; others may not', async () => {
    const mine = await call('GET', '/whatsapp/instance', {
      token: TOKEN_A,
      query: { session_id: a.session_id },
    });
    expect(mine.status).toBe(200);
    const theirs = await call('GET', '/whatsapp/instance', {
      token: TOKEN_B,
      query: { session_id: a.session_id },
    });
    expectError(theirs, 404, /^instance not found$/);
  });

  test("logout only accepts the authenticated instance's own id", async () => {
    const res = await call('GET', `/whatsapp/instance/logout/${b.id}`, { query: credsOf(a) });
    expectError(res, 404, /^instance not found$/);
  });

  test('resources of another instance are invisible (intents, contacts, attachments)', async () => {
    const intent = await call('POST', '/whatsapp/intent', {
      query: credsOf(a),
      json: { title: 'hi', keyword: 'hi', reply: 'hello' },
    });
    expect(intent.status).toBe(200);
    const other = await call('GET', `/whatsapp/intent/${intent.body.data._id}`, { query: credsOf(b) });
    expectError(other, 404);
    const del = await call('DELETE', `/whatsapp/intent/${intent.body.data._id}`, { query: credsOf(b) });
    expectError(del, 404);
    expect((await manager.listIntents(a.id)).length).toBe(1);
    expect((await call('GET', '/whatsapp/intent', { query: credsOf(b) })).body.data).toEqual([]);
  });

  test('sim routes need the bearer token of the owner', async () => {
    await call('POST', '/whatsapp/init', { query: credsOf(a) });
    await hub.phone(a.id).scan();
    const inbound = { from: '2348011112222', text: 'hi' };
    expectError(await call('POST', `/sim/${a.session_id}/inbound`, { json: inbound }), 401);
    expectError(await call('POST', `/sim/${a.session_id}/inbound`, { token: TOKEN_B, json: inbound }), 404);
    expectError(await call('GET', `/sim/${a.session_id}/sent`, { token: TOKEN_B }), 404);
    expectError(await call('POST', `/sim/${a.session_id}/scan`, { token: TOKEN_B }), 404);
    expect((await call('GET', `/sim/${a.session_id}/sent`, { token: TOKEN_A })).status).toBe(200);
  });

  test('the x-refresh header is accepted and ignored', async () => {
    const res = await call('GET', '/whatsapp', { token: TOKEN_A, headers: { 'x-refresh': 'anything' } });
    expect(res.status).toBe(200);
  });
});

describe('bearer tokens through a verify function', () => {
  test('verify maps tokens to users; null refuses', async () => {
    const { manager } = setup();
    const seen: string[] = [];
    const app = createApp(manager, {
      verify: async (token) => {
        seen.push(token);
        return token === 'session-for-carol-0000' ? 'carol' : null;
      },
    });
    const call = client(app);
    const created = await call('POST', '/whatsapp/createNewWhatsapp', { token: 'session-for-carol-0000' });
    expect(created.status).toBe(200);
    expect(created.body.data.user_id).toBe('carol');
    expectError(await call('GET', '/whatsapp', { token: 'someone-else-000000' }), 401);
    expect(seen).toEqual(['session-for-carol-0000', 'someone-else-000000']);
  });

  test('the token map is tried before verify', async () => {
    const { manager } = setup();
    const app = createApp(manager, { tokens: new Map([[TOKEN_A, 'user-a']]), verify: () => 'from-verify' });
    const call = client(app);
    expect((await call('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data.user_id).toBe(
      'user-a',
    );
    expect(
      (await call('POST', '/whatsapp/createNewWhatsapp', { token: 'other-token-0000' })).body.data.user_id,
    ).toBe('from-verify');
  });

  test('with neither tokens nor verify, every bearer token is refused', async () => {
    const { manager } = setup();
    const call = client(createApp(manager));
    expectError(await call('GET', '/whatsapp', { token: TOKEN_A }), 401);
  });
});
