import type { Context } from 'hono';
import { HttpError } from './http-errors.js';

export type RawBody = Record<string, unknown>;

const BODY_KEY = 'wabot.body';

/**
 * Carries the body of a GET request (URI-encoded) for runtimes whose `Request` cannot hold one.
 * The reference sends credentials in GET bodies (`curl --request GET --data '{...}'`); `serveNode`
 * reads such bodies from the socket and passes them on in this header.
 */
export const GET_BODY_HEADER = 'x-wabot-get-body';

/**
 * Reads the request body into a plain object, once per request.
 *
 * JSON, url-encoded forms and multipart forms are all accepted. A url-encoded body that is really
 * JSON is read as JSON: `curl --data '{...}'` (how the reference shows every call) sends JSON
 * labelled `application/x-www-form-urlencoded`.
 */
export async function readBody(c: Context): Promise<RawBody> {
  const cached = c.get(BODY_KEY as never) as RawBody | undefined;
  if (cached) return cached;
  const body = await parse(c);
  c.set(BODY_KEY as never, body as never);
  return body;
}

async function parse(c: Context): Promise<RawBody> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  // Decided from the method, not `raw.body`: touching `raw.body` makes @hono/node-server build a full
  // Request (with an AbortSignal) for every call, while `text()` reads the socket directly.
  if (c.req.method === 'GET' || c.req.method === 'HEAD') {
    const carried = c.req.method === 'GET' ? c.req.header(GET_BODY_HEADER) : undefined;
    return carried ? parseText(type, decodeCarried(carried)) : {};
  }
  if (type.startsWith('multipart/form-data')) return parseMultipart(c);
  return parseText(type, await c.req.text());
}

function decodeCarried(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, 'body: is not valid');
  }
}

function parseText(type: string, text: string): RawBody {
  if (text.trim() === '') return {};
  const looksJson = /^\s*[[{"]/.test(text);
  if (/^application\/([\w.-]+\+)?json/.test(type) || looksJson) return parseJson(text);
  if (type.startsWith('application/x-www-form-urlencoded')) return fromEntries(new URLSearchParams(text));
  throw new HttpError(415, 'body: must be JSON, application/x-www-form-urlencoded or multipart/form-data');
}

function parseJson(text: string): RawBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'body: must be a JSON object');
  }
  return value as RawBody;
}

async function parseMultipart(c: Context): Promise<RawBody> {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new HttpError(400, 'body: is not a valid multipart/form-data body');
  }
  return fromEntries(form);
}

/** Repeated keys, and keys written `name[]`, become arrays. */
function fromEntries(entries: Iterable<[string, FormDataEntryValue]>): RawBody {
  const out: RawBody = {};
  for (const [rawKey, value] of entries) {
    const list = rawKey.endsWith('[]');
    const key = list ? rawKey.slice(0, -2) : rawKey;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const prev = out[key];
    if (prev === undefined) out[key] = list ? [value] : value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
