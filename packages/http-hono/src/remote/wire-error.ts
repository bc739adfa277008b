import {
  AuthError,
  DriverError,
  NotFoundError,
  SendError,
  StateError,
  StoreError,
  ValidationError,
  type WabotError,
} from '@wabot/core';

/**
 * An error as it crosses the wire. `code` is a core `WabotError` code for errors the manager threw
 * on purpose, or one of the `rpc_*` codes for failures of the protocol itself (bad secret, unknown
 * method, malformed body, the upstream's own bug).
 */
export interface WireError {
  name: string;
  code: string;
  message: string;
  /** ValidationError: the offending field. */
  field?: string;
  /** NotFoundError: what was not found (instance, intent...). */
  resource?: string;
  /** SendError: the chat the send was for. */
  chatId?: string;
  /** DriverError: whether a retry may succeed. */
  transient?: boolean;
}

export type RpcFailureCode = 'rpc_auth' | 'rpc_method' | 'rpc_body' | 'rpc_internal';

/** The core error classes carried across the wire, by their `code`. */
const CORE_CODES = new Set(['validation', 'auth', 'not_found', 'state', 'send', 'driver', 'store']);

/**
 * Describes a thrown value for the wire. Only core errors keep their message: anything else is the
 * upstream's own failure, and its message (which may hold paths or internals) stays on the server.
 */
export function toWireError(error: unknown): WireError {
  if (!isCoreError(error)) {
    return { name: 'RpcError', code: 'rpc_internal', message: 'upstream internal error' };
  }
  const wire: WireError = { name: error.name, code: error.code, message: error.message };
  if (error instanceof ValidationError || error.code === 'validation') {
    const field = (error as { field?: unknown }).field;
    if (typeof field === 'string') wire.field = field;
  }
  const extra = error as { resource?: unknown; chatId?: unknown; transient?: unknown };
  if (error.code === 'not_found' && typeof extra.resource === 'string') wire.resource = extra.resource;
  if (error.code === 'send' && typeof extra.chatId === 'string') wire.chatId = extra.chatId;
  if (error.code === 'driver' && typeof extra.transient === 'boolean') wire.transient = extra.transient;
  return wire;
}

/** A protocol-level failure, described for the wire. */
export function rpcFailure(code: RpcFailureCode, message: string): WireError {
  return { name: 'RpcError', code, message };
}

/** A failure of the remote protocol itself (not an error the manager threw). Maps to a 500. */
export class RpcError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

/**
 * Rebuilds the error the upstream manager threw as the same core class, with the same message, so
 * the HTTP app's error mapping answers exactly as it would in-process.
 */
export function fromWireError(wire: WireError): Error {
  const { message } = wire;
  switch (wire.code) {
    case 'validation': {
      const prefix = wire.field ? `${wire.field}: ` : '';
      if (wire.field && message.startsWith(prefix))
        return new ValidationError(message.slice(prefix.length), wire.field);
      return withMessage(new ValidationError(message), message);
    }
    case 'auth':
      return new AuthError(message);
    case 'not_found':
      return withMessage(new NotFoundError(wire.resource ?? 'resource', ''), message);
    case 'state':
      return new StateError(message);
    case 'send':
      return new SendError(wire.chatId ?? '', message);
    case 'driver':
      return new DriverError(message, { transient: wire.transient ?? false });
    case 'store':
      return new StoreError(message);
    default:
      return new RpcError(wire.code, `wabot upstream: ${message}`);
  }
}

/** Whether `value` is shaped like a wire error (the upstream may be another version). */
export function isWireError(value: unknown): value is WireError {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.name === 'string';
}

function isCoreError(error: unknown): error is WabotError {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && CORE_CODES.has(code);
}

function withMessage<E extends Error>(error: E, message: string): E {
  error.message = message;
  return error;
}
