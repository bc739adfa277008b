import {
  AuthError,
  type InstanceRecord,
  type ManagerApi,
  timingSafeEqual,
  ValidationError,
} from '@wabot/core';
import type { Context } from 'hono';
import type { RawBody } from './body.js';
import { HttpError } from './http-errors.js';

/** How account (bearer) tokens map to users. Give `tokens`, `verify`, or both (`tokens` is tried first). */
export interface AuthOptions {
  /** API token → user id. */
  tokens?: Record<string, string> | ReadonlyMap<string, string>;
  /** Resolves a token to its user id, or null when the token is not valid. */
  verify?: (token: string) => string | null | Promise<string | null>;
}

/** The answer for an instance the caller may not see: the same as for one that does not exist. */
export const instanceNotFound = () => new HttpError(404, 'instance not found');

/**
 * Resolves the bearer token of the request to a user id. Undefined when no Authorization header
 * was sent; throws `AuthError` when one was sent and is not valid.
 */
export async function bearerUser(c: Context, auth: AuthOptions): Promise<string | undefined> {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AuthError('Authorization: must be "Bearer <token>"');
  const user = await resolveToken(match[1], auth);
  if (user === null) throw new AuthError('Authorization: invalid bearer token');
  return user;
}

/** The user of an account route; the bearer token is required. */
export async function requireUser(c: Context, auth: AuthOptions): Promise<string> {
  const user = await bearerUser(c, auth);
  if (user === undefined) throw new AuthError('Authorization: a bearer token is required');
  return user;
}

async function resolveToken(token: string, auth: AuthOptions): Promise<string | null> {
  if (auth.tokens) {
    const entries = auth.tokens instanceof Map ? [...auth.tokens] : Object.entries(auth.tokens);
    // Compare against every token without stopping early, so timing tells nothing about which
    // token, or which prefix, came close.
    let found: string | null = null;
    for (const [candidate, user] of entries) {
      if (timingSafeEqual(token, candidate) && found === null) found = user;
    }
    if (found !== null) return found;
  }
  if (auth.verify) return (await auth.verify(token)) ?? null;
  return null;
}

/**
 * The instance an instance route acts on: `session_id` + `access_token` from the query or the body,
 * or `session_id` alone with a bearer token that owns the instance. When a bearer token is sent with
 * the credentials, it must own the instance; otherwise the answer is 404, as for a missing instance.
 */
export async function resolveInstance(
  c: Context,
  manager: ManagerApi,
  auth: AuthOptions,
  body: RawBody,
): Promise<InstanceRecord> {
  const sessionId = credential(c, body, 'session_id');
  const accessToken = credential(c, body, 'access_token');
  const user = await bearerUser(c, auth);
  if (sessionId === undefined) throw new ValidationError('is required', 'session_id');

  if (accessToken !== undefined) {
    const record = await manager.authenticate(sessionId, accessToken);
    if (user !== undefined && record.user_id !== user) throw instanceNotFound();
    return record;
  }
  if (user === undefined)
    throw new AuthError('access_token: is required (or a bearer token that owns the instance)');
  const owned = (await manager.listInstances(user)).find((r) => r.session_id === sessionId);
  if (!owned) throw instanceNotFound();
  return owned;
}

/** The first non-empty value of `name` in the query, then the body. */
function credential(c: Context, body: RawBody, name: 'session_id' | 'access_token'): string | undefined {
  for (const value of [c.req.query(name), body[name]]) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new ValidationError('must be a string', name);
    if (value.length > 200) throw new ValidationError('must be at most 200 characters', name);
    return value;
  }
  return undefined;
}

/** Loads an instance by id for an account route, hiding instances of other users. */
export async function ownedInstance(manager: ManagerApi, user: string, id: string): Promise<InstanceRecord> {
  let record: InstanceRecord;
  try {
    record = await manager.getInstance(id);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'not_found') throw instanceNotFound();
    throw error;
  }
  if (record.user_id !== user) throw instanceNotFound();
  return record;
}
