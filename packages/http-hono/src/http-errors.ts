import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fail } from './envelope.js';

/** An error raised by the HTTP layer itself, with the status it answers with. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(status: ContentfulStatusCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

export interface MappedError {
  status: ContentfulStatusCode;
  message: string;
  /** True when the error is ours (a bug or an outage), worth logging at error level. */
  internal: boolean;
}

/**
 * Maps any thrown value to a status code and a client-safe message. This is the only place that
 * decides status codes for errors, so routes just throw core errors.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpError) return { status: error.status, message: error.message, internal: false };
  // Raised by Hono itself or by middleware added around the app.
  if (error instanceof HTTPException && error.status < 500) {
    return {
      status: error.status as ContentfulStatusCode,
      message: error.message || 'bad request',
      internal: false,
    };
  }
  const status = error instanceof Error ? STATUS_BY_CODE[wabotCode(error)] : undefined;
  if (status !== undefined)
    return { status, message: error instanceof Error ? error.message : '', internal: false };
  return { status: 500, message: 'internal error', internal: true };
}

// Keyed by `WabotError.code` rather than `instanceof`, so errors still map when a remote ManagerApi
// rebuilds them or two copies of core are loaded.
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  validation: 400,
  auth: 401,
  not_found: 404,
  state: 409,
  // Only the connection or WhatsApp itself failing: client mistakes are ValidationErrors upstream.
  send: 502,
  driver: 502,
};

function wabotCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(STATUS_BY_CODE, code) ? code : '';
}

/** Answers with the error envelope for `error`. */
export function errorResponse(c: Context, error: unknown): Response {
  const mapped = mapError(error);
  return c.json(fail(mapped.message), mapped.status);
}
