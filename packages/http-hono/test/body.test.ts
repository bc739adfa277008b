import fc from 'fast-check';
import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { GET_BODY_HEADER, readBody } from '../src/body.js';
import { mapError } from '../src/http-errors.js';

/** An app that answers with what `readBody` made of the request. */
const echo = new Hono();
echo.on(['GET', 'POST'], '/', async (c) => {
  try {
    const body = await readBody(c);
    // Read twice: the second read comes from the cache, not the spent stream.
    expect(await readBody(c)).toBe(body);
    return c.json({ body, proto: Object.getPrototypeOf(body) === Object.prototype });
  } catch (error) {
    return c.json({ error: mapError(error) }, 400);
  }
});

const key = fc.stringMatching(/^[a-z_]{1,8}$/);

test('url-encoded and multipart fields: one value stays a string, repeated keys become arrays', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(key, fc.string({ maxLength: 12 })), { maxLength: 8 }),
      async (pairs) => {
        const expected: Record<string, string | string[]> = {};
        for (const [k, v] of pairs) {
          const prev = expected[k];
          expected[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        const form = new FormData();
        for (const [k, v] of pairs) form.append(k, v);
        const multipart = await (await echo.request('/', { method: 'POST', body: form })).json();
        expect(multipart.body).toEqual(expected);

        const encoded = new URLSearchParams(pairs).toString();
        if (encoded === '') return;
        const res = await echo.request('/', {
          method: 'POST',
          body: encoded,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect((await res.json()).body).toEqual(expected);
      },
    ),
    { numRuns: 200 },
  );
});

test('"name[]" keys are lists even with one value; prototype keys are dropped', async () => {
  const res = await echo.request('/', {
    method: 'POST',
    body: 'attachments[]=a1&__proto__=1&constructor=x&prototype=y&chatId=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const answer = await res.json();
  expect(answer.body).toEqual({ attachments: ['a1'], chatId: '1' });
  expect(answer.proto).toBe(true);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('an empty body is an empty object; JSON text with any content type is read as JSON', async () => {
  expect((await (await echo.request('/', { method: 'POST' })).json()).body).toEqual({});
  const plain = await echo.request('/', {
    method: 'POST',
    body: ' {"a":[1]}',
    headers: { 'content-type': 'text/plain' },
  });
  expect((await plain.json()).body).toEqual({ a: [1] });
  const other = await echo.request('/', {
    method: 'POST',
    body: 'a=1',
    headers: { 'content-type': 'text/csv' },
  });
  expect((await other.json()).error).toMatchObject({ status: 415 });
});

test('a GET body carried in its header is read like a body; other methods ignore the header', async () => {
  const carried = {
    [GET_BODY_HEADER]: encodeURIComponent('{"session_id":"s é"}'),
    'content-type': 'application/json',
  };
  const get = await echo.request('/', { headers: carried });
  expect((await get.json()).body).toEqual({ session_id: 's é' });
  const post = await echo.request('/', { method: 'POST', headers: carried });
  expect((await post.json()).body).toEqual({});
  const broken = await echo.request('/', { headers: { [GET_BODY_HEADER]: '%E0%A4%A' } });
  expect((await broken.json()).error).toMatchObject({ status: 400 });
});
