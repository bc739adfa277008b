import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { InstanceRecord, ManagerApi } from '@wabot/core';
import type { Context } from 'hono';
import type { z } from 'zod';
import { type AuthOptions, requireUser, resolveInstance } from './auth.js';
import { type RawBody, readBody } from './body.js';
import { ErrorEnvelope } from './schemas/responses.js';
import { validate } from './validate.js';

/** Who may call a route: anyone, a bearer token holder, or the holder of an instance's credentials. */
export type Access = 'public' | 'account' | 'instance';

type Method = 'get' | 'put' | 'post' | 'delete';
type BodyKind = 'json' | 'multipart';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: validated input and the caller. */
export interface RouteInput<Q, B, P> {
  c: Context;
  query: Out<Q>;
  body: Out<B>;
  params: Out<P>;
  /** The caller's user id: from the bearer token on `account` routes, the instance's owner on `instance` routes. */
  user: string;
  /** Set for `instance` routes. */
  instance: InstanceRecord;
}

export interface RouteSpec<Q, B, P> {
  method: Method;
  /** OpenAPI style: `/whatsapp/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  query?: Q;
  params?: P;
  body?: B;
  /** How the body is documented; every route reads JSON, url-encoded and multipart alike. */
  bodyKind?: BodyKind;
  responses: RouteConfig['responses'];
  handle(input: RouteInput<Q, B, P>): Promise<Response> | Response;
}

export interface RouteContext {
  app: OpenAPIHono;
  manager: ManagerApi;
  auth: AuthOptions;
}

const errorResponses = (access: Access): RouteConfig['responses'] => {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: ErrorEnvelope } },
  });
  return {
    400: error('A field is missing or wrong; the message names it.'),
    ...(access === 'public' ? {} : { 401: error('Missing or invalid credentials.') }),
    ...(access === 'public' ? {} : { 404: error('No such instance (or not yours), or no such record.') }),
    413: error('The body is too large.'),
  };
};

/**
 * Registers a route in the OpenAPI document and mounts its handler, from one spec, so the document
 * and the validation cannot drift apart.
 */
export function defineRoute<
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(ctx: RouteContext, spec: RouteSpec<Q, B, P>): void {
  const security: Array<Record<string, string[]>> | undefined =
    spec.access === 'account'
      ? [{ bearerAuth: [] }]
      : spec.access === 'instance'
        ? [
            { sessionId: [], accessToken: [] },
            { bearerAuth: [], sessionId: [] },
          ]
        : undefined;
  ctx.app.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(security ? { security } : {}),
    request: {
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.body
        ? {
            body: {
              required: true,
              content:
                spec.bodyKind === 'multipart'
                  ? { 'multipart/form-data': { schema: spec.body } }
                  : {
                      'application/json': { schema: spec.body },
                      'application/x-www-form-urlencoded': { schema: spec.body },
                    },
            },
          }
        : {}),
    },
    responses: { ...spec.responses, ...errorResponses(spec.access) },
  });

  const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  ctx.app.on(spec.method.toUpperCase(), honoPath, (c) =>
    run(c).catch((error: unknown) => {
      // Hono's error handler only sees Error instances; anything else thrown would escape it.
      throw error instanceof Error ? error : new Error('a non-Error value was thrown');
    }),
  );

  async function run(c: Context): Promise<Response> {
    const params = spec.params ? validate(spec.params, c.req.param(), 'path') : undefined;
    const query = spec.query ? validate(spec.query, c.req.query(), 'query') : undefined;
    const raw: RawBody = spec.body || spec.access === 'instance' ? await readBody(c) : {};
    let user = '';
    let instance: InstanceRecord | undefined;
    if (spec.access === 'account') user = await requireUser(c, ctx.auth);
    if (spec.access === 'instance') {
      instance = await resolveInstance(c, ctx.manager, ctx.auth, raw);
      user = instance.user_id;
    }
    const body = spec.body ? validate(spec.body, raw, 'body') : undefined;
    return spec.handle({
      c,
      query: query as Out<Q>,
      body: body as Out<B>,
      params: params as Out<P>,
      user,
      instance: instance as InstanceRecord,
    });
  }
}
