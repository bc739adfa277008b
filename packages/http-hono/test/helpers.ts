import type { OpenAPIHono } from '@hono/zod-openapi';
import { BotManager } from '@wabot/core';
import { SimHub, type SimOptions } from '@wabot/core/testing';
import { type AppOptions, createApp, simControl } from '../src/index.js';

export const TOKEN_A = 'token-a-0123456789abcdef0123456789abcdef';
export const TOKEN_B = 'token-b-0123456789abcdef0123456789abcdef';

/** A BotManager on simulated phones behind the app, with two users (a, b). */
export function setup(options: { sim?: SimOptions; app?: AppOptions } = {}) {
  const hub = new SimHub({ autoScan: false, qrRefresh: 0, autoAck: false, ...options.sim });
  const manager = new BotManager({ driver: hub.driver });
  const app = createApp(manager, {
    tokens: { [TOKEN_A]: 'user-a', [TOKEN_B]: 'user-b' },
    sim: simControl(hub),
    ...options.app,
  });
  return { app, manager, hub, client: client(app) };
}

export interface CallOptions {
  token?: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Sent as the reference's curl --data does: JSON text labelled application/x-www-form-urlencoded. */
  curlData?: unknown;
  form?: Record<string, string | Blob>;
  headers?: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
  raw: Response;
}

export type Fetcher = (path: string, init: RequestInit) => Promise<Response>;
export type Call = (method: string, path: string, o?: CallOptions) => Promise<Answer>;

/** Calls the app in-process through `app.request()`. */
export function client(app: OpenAPIHono): Call {
  return httpClient((path, init) => Promise.resolve(app.request(path, init)));
}

/** Calls an API through `fetcher`; the same request table runs in-process and against a server. */
export function httpClient(fetcher: Fetcher): Call {
  return async (method: string, path: string, o: CallOptions = {}): Promise<Answer> => {
    const url = new URL(path, 'http://localhost');
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const headers = new Headers(o.headers);
    if (o.token) headers.set('authorization', `Bearer ${o.token}`);
    let body: BodyInit | undefined;
    if (o.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(o.json);
    } else if (o.curlData !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = JSON.stringify(o.curlData);
    } else if (o.form) {
      const form = new FormData();
      for (const [k, v] of Object.entries(o.form)) form.append(k, v);
      body = form;
    } else if (o.body !== undefined) body = o.body;
    // fetch refuses a GET body (curl sends one; servers drop it), so credentials go in the query there.
    const withBody = method !== 'GET' && method !== 'HEAD';
    const res = await fetcher(url.pathname + url.search, { method, headers, ...(withBody ? { body } : {}) });
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json')
      ? await res.json()
      : type.startsWith('text')
        ? await res.text()
        : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, type, body: parsed, raw: res };
  };
}

/** Polls `check` until it returns a value other than undefined. Bounded by the test's own timeout. */
export async function until<T>(check: () => Promise<T | undefined>, pauseMs = 25): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** A tiny PNG (1x1), enough for upload routes. */
export const PNG_BYTES = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (ch) => ch.charCodeAt(0),
);
