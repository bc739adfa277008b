import { WabotError } from '@wabot/core';
import { parseIp } from './ip.js';
import { assertResolvedAllowed, checkWebhookUrl, hostOf, type Resolver, systemResolver } from './ssrf.js';

/** One webhook request. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What came back: the status, `Retry-After`, and at most `maxResponseBytes` of the body. */
export interface WebhookResponse {
  status: number;
  retryAfter?: string;
  body: string;
}

/**
 * Sends one request. Resolves for any HTTP response (redirects are not followed); rejects with a
 * `WebhookUrlError` when the destination is refused and a `TransportError` when the network failed.
 */
export type Transport = (request: WebhookRequest) => Promise<WebhookResponse>;

/** The request did not get a response: connection refused or reset, DNS failure, or timeout. */
export class TransportError extends WabotError {
  readonly timeout: boolean;
  constructor(message: string, options: { timeout?: boolean; cause?: unknown } = {}) {
    super('webhook_transport', message, { cause: options.cause });
    this.timeout = options.timeout ?? false;
  }
}

export interface TransportOptions {
  allowPrivate?: boolean;
  resolve?: Resolver;
  /** The most response body read per request; the rest is discarded. */
  maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * A transport over a `fetch` function (for runtimes without `node:http`, or a custom client). The
 * destination is resolved and checked before each request; unlike the Node transport it cannot pin
 * the checked address, so prefer the Node transport where it is available.
 */
export function fetchTransport(fetchFn: typeof fetch, options: TransportOptions = {}): Transport {
  const allowPrivate = options.allowPrivate ?? false;
  const resolve = options.resolve ?? systemResolver;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return async (req) => {
    const url = checkWebhookUrl(req.url, { allowPrivate });
    const host = hostOf(url);
    if (!parseIp(host)) {
      let addresses: Awaited<ReturnType<Resolver>>;
      try {
        addresses = await resolve(host);
      } catch (err) {
        throw new TransportError(`cannot resolve ${host}`, { cause: err });
      }
      assertResolvedAllowed(host, addresses, allowPrivate);
    }
    let res: Response;
    try {
      res = await fetchFn(url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(req.timeoutMs),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new TransportError(timeout ? `timed out after ${req.timeoutMs} ms` : 'request failed', {
        timeout,
        cause: err,
      });
    }
    const body = await readBounded(res, maxBytes);
    const retryAfter = res.headers.get('retry-after');
    return { status: res.status, body, ...(retryAfter !== null && { retryAfter }) };
  };
}

async function readBounded(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, maxBytes - size));
      size += value.length;
    }
  } catch {
    // A body cut short does not change the status we already have.
  } finally {
    reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(concat(chunks));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
