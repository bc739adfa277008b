import { OpenAPIHono } from '@hono/zod-openapi';
import { type Logger, MAX_MEDIA_BYTES, type ManagerApi, silentLogger } from '@wabot/core';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { AuthOptions } from './auth.js';
import { docsPage } from './docs.js';
import { fail, ok } from './envelope.js';
import { mapError } from './http-errors.js';
import type { RouteContext } from './route.js';
import { instanceRoutes } from './routes/instances.js';
import { messageRoutes } from './routes/messages.js';
import { resourceRoutes } from './routes/resources.js';
import { settingsRoutes } from './routes/settings.js';
import { type SimControl, simRoutes } from './routes/sim.js';
import type { WebhookControl } from './webhook-control.js';

export interface AppOptions extends AuthOptions {
  /** Webhook delivery (from @wabot/webhook): enables the dead-letter routes and URL checks. */
  webhooks?: WebhookControl;
  /** Simulated phones: mounts the /sim demo routes. */
  sim?: SimControl;
  /** Largest accepted request body in bytes (uploads included). Default: core's media limit (64 MiB) + 1 MiB. */
  maxBodyBytes?: number;
  /** Request and error logs. Never given tokens: paths are logged without their query. */
  logger?: Logger;
  /** Shown in the OpenAPI document. */
  version?: string;
  /** Origins whose browser pages may call the API ('*' for any). Default: none (same origin only). */
  corsOrigins?: string[] | '*';
}

// Room for the largest media core accepts, plus the multipart framing and other fields.
const DEFAULT_MAX_BODY = MAX_MEDIA_BYTES + 1024 * 1024;

/**
 * The WAABOT-compatible HTTP API as a Hono app. Pure Web APIs: serve it with @hono/node-server
 * (see `serveNode`), `Bun.serve` or as a Worker's `fetch`.
 *
 * @example
 * const app = createApp(manager, { tokens: { [process.env.API_TOKEN]: 'me' } });
 * serveNode(app, { port: 3000 });
 */
export function createApp(manager: ManagerApi, options: AppOptions = {}): OpenAPIHono {
  const logger = options.logger ?? silentLogger;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const app = new OpenAPIHono({ strict: false });
  const auth: AuthOptions = {
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
  };
  const ctx: RouteContext = { app, manager, auth };

  app.onError((error, c) => {
    const mapped = mapError(error);
    const log = { method: c.req.method, path: c.req.path, status: mapped.status };
    if (mapped.internal) logger.error({ ...log, err: errorSummary(error) }, 'request failed');
    else if (mapped.status >= 500) logger.warn({ ...log, reason: mapped.message }, 'upstream failure');
    return c.json(fail(mapped.message), mapped.status);
  });
  app.notFound((c) => c.json(fail(`route not found: ${c.req.method} ${c.req.path}`), 404));

  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started },
      'request',
    );
  });
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: options.corsOrigins,
        allowHeaders: ['authorization', 'content-type', 'x-refresh'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        maxAge: 600,
      }),
    );
  }
  const tooLarge = (c: Context) => c.json(fail(`body: must be at most ${maxBody} bytes`), 413);
  const streamedLimit = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  app.use('*', async (c, next) => {
    // A declared length is checked from the header alone; only streamed (chunked) bodies go through
    // hono's counting reader, which needs `raw.body` and so a full Request on @hono/node-server.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxBody ? tooLarge(c) : next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streamedLimit(c, next);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'API token (account routes; optional on instance routes, where it must own the instance).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionId', {
    type: 'apiKey',
    in: 'query',
    name: 'session_id',
    description: 'The instance session_id (query or body).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'accessToken', {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'The instance access_token (query or body).',
  });

  instanceRoutes(ctx, options.webhooks);
  settingsRoutes(ctx, options.webhooks);
  messageRoutes(ctx);
  resourceRoutes(ctx);
  if (options.sim) simRoutes(ctx, options.sim);

  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'wabot API',
        version: options.version ?? '0.1.0',
        description:
          'WhatsApp bots over HTTP, compatible with the WAABOT "Whatsapp/Bots" API. Every JSON answer is ' +
          '{status, message, data}; errors are {status:false, message:"<field>: <what is wrong>", data:null}.',
      },
    });
    return c.json(document);
  });
  app.get('/docs', (c) => c.html(docsPage('/openapi.json')));
  app.get('/', (c) => c.json(ok('wabot API', { docs: '/docs', openapi: '/openapi.json' })));

  return app;
}

function errorSummary(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: typeof error, message: 'non-error thrown' };
}
