import type { WebhookRequestConfig } from '@wabot/core';
import { parseRetryAfter } from './retry.js';
import type { SignatureHeaders } from './signer.js';
import { TransportError, type WebhookResponse } from './transport.js';

/** What one attempt came to. */
export type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; error: string; status?: number; retryAfterMs?: number }
  | { kind: 'failed'; error: string; status?: number };

export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_TIMEOUT_MS = 60_000;

// Headers the sender owns; a user's requestConfig cannot replace them.
const RESERVED = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);

/** The request headers: the user's extra headers, then ours (which always win). */
export function buildHeaders(
  config: WebhookRequestConfig,
  signature: SignatureHeaders,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (typeof value === 'string' && !RESERVED.has(name.toLowerCase())) out[name] = value;
  }
  return {
    ...out,
    'content-type': 'application/json',
    'user-agent': out['user-agent'] ?? 'wabot-webhook/0.1',
    ...signature,
  };
}

/** The attempt timeout: `requestConfig.timeout` when it is a sensible number, else the default. */
export function timeoutOf(config: WebhookRequestConfig): number {
  const t = config.timeout;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) return DEFAULT_TIMEOUT_MS;
  return Math.min(Math.ceil(t), MAX_TIMEOUT_MS);
}

/**
 * Sorts a response: 2xx delivered; 408, 429 and 5xx worth retrying (with the server's Retry-After);
 * anything else (other 4xx, redirects, 1xx) will not get better by sending the same thing again.
 */
export function classifyResponse(res: WebhookResponse, now: number): Outcome {
  const { status } = res;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = `HTTP ${status}${snippet(res.body)}`;
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const retryAfterMs = parseRetryAfter(res.retryAfter, now);
    return { kind: 'retry', error, status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (status >= 300 && status < 400)
    return { kind: 'failed', error: `${error} (redirects are not followed)`, status };
  return { kind: 'failed', error, status };
}

/** Sorts a failed request: network trouble and timeouts are retried, anything else is permanent. */
export function classifyError(err: unknown): Outcome {
  if (err instanceof TransportError) return { kind: 'retry', error: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'failed', error: message };
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}
