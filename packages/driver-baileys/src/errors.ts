import { DriverError, WabotError } from '@wabot/core';
import { closeStatusCode } from './reconnect.js';

/** Status codes Baileys uses when the socket is not usable right now. */
const CONNECTION_CODES = new Set([408, 428, 440, 500, 503, 515]);

/**
 * Turns whatever Baileys threw into a core error. Connection problems (closed socket, timeouts,
 * network errors) are transient, so the send queue retries them; the rest are not.
 * Errors that already are `WabotError`s pass through.
 */
export function toDriverError(err: unknown, action: string): WabotError {
  if (err instanceof WabotError) return err;
  const code = closeStatusCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const transient =
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    (code === undefined && /connection closed|timed? ?out|econnreset|socket hang up|not open/i.test(message));
  return new DriverError(`${action} failed: ${message}`, { transient, cause: err });
}
