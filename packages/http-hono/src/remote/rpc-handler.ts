import {
  decodeValue,
  encodeValue,
  type Logger,
  type ManagerApi,
  silentLogger,
  timingSafeEqual,
  ValidationError,
} from '@wabot/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { mapError } from '../http-errors.js';
import { isManagerMethod } from './methods.js';
import { rpcFailure, toWireError, type WireError } from './wire-error.js';

export interface RpcHandlerOptions {
  /** Shared with `remoteManager`; sent as `Authorization: Bearer <secret>`. At least 16 characters. */
  secret: string;
  /** Largest accepted call in bytes (attachments travel base64-encoded). Default 32 MiB. */
  maxBodyBytes?: number;
  /**
   * Where failures are reported: refused secrets at warn, the manager's own bugs at error. Only the
   * method name and the error are logged, never the arguments (they hold access tokens).
   */
  logger?: Logger;
}

/** The shortest secret accepted: anything shorter is guessable. */
export const MIN_SECRET_LENGTH = 16;
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=UTF-8';

/**
 * Serves a `ManagerApi` to `remoteManager` clients: every method is `POST /<method>` with the body
 * `{"args": [...]}` and the answer `{"result": ...}` or `{"error": {name, code, message, field?}}`,
 * both encoded with core's `encodeValue` so binary data stays byte-exact. Pure Web APIs.
 *
 * @example
 * app.route('/internal/rpc', rpcHandler(manager, { secret: process.env.WABOT_RPC_SECRET }));
 */
export function rpcHandler(manager: ManagerApi, options: RpcHandlerOptions): Hono {
  const secret = checkSecret(options.secret);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const expected = `Bearer ${secret}`;
  const logger = options.logger ?? silentLogger;
  const rpc = new Hono();

  rpc.use('*', async (c, next) => {
    const given = c.req.header('authorization') ?? '';
    if (!timingSafeEqual(given, expected)) {
      logger.warn({ path: c.req.path }, 'rpc call refused: missing or wrong secret');
      return answerError(rpcFailure('rpc_auth', 'missing or wrong rpc secret'), 401);
    }
    await next();
  });
  rpc.use(
    '*',
    bodyLimit({
      maxSize: maxBody,
      onError: () => answerError(rpcFailure('rpc_body', `body must be at most ${maxBody} bytes`), 413),
    }),
  );

  rpc.post('/:method', async (c) => {
    const method = c.req.param('method');
    if (!isManagerMethod(method)) {
      return answerError(rpcFailure('rpc_method', `unknown method: ${method.slice(0, 64)}`), 404);
    }
    let args: unknown[];
    try {
      const body = decodeValue<{ args?: unknown }>(await c.req.text());
      if (!body || typeof body !== 'object' || !Array.isArray(body.args)) throw new TypeError('no args');
      args = body.args;
    } catch {
      return answerError(rpcFailure('rpc_body', 'body must be {"args": [...]}'), 400);
    }
    try {
      const call = manager[method] as (...params: unknown[]) => Promise<unknown>;
      const result = await call.apply(manager, args);
      return new Response(encodeValue({ result }), { status: 200, headers: { 'content-type': JSON_TYPE } });
    } catch (error) {
      const wire = toWireError(error);
      if (wire.code !== 'rpc_internal') return answerError(wire, mapError(error).status);
      logger.error({ method, err: errorSummary(error) }, 'rpc call failed');
      return answerError(wire, 500);
    }
  });

  rpc.notFound(() => answerError(rpcFailure('rpc_method', 'use POST /<method>'), 404));
  rpc.onError((error) => {
    logger.error({ err: errorSummary(error) }, 'rpc handler failed');
    return answerError(rpcFailure('rpc_internal', 'upstream internal error'), 500);
  });
  return rpc;
}

function errorSummary(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: typeof error, message: 'non-error thrown' };
}

function answerError(error: WireError, status: ContentfulStatusCode): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { 'content-type': JSON_TYPE } });
}

/** @throws ValidationError when the secret is missing or too short (its value is never shown). */
export function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new ValidationError(`must be a string of at least ${MIN_SECRET_LENGTH} characters`, 'secret');
  }
  return secret;
}
