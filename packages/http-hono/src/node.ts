import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { GET_BODY_HEADER } from './body.js';

/** GET bodies only ever carry a few fields (the reference's credentials); larger ones are ignored. */
const GET_BODY_LIMIT = 16 * 1024;

/** Anything with a Web `fetch` handler: a Hono app, or a wrapper around one. */
export interface FetchApp {
  fetch(request: Request, ...rest: never[]): Response | Promise<Response>;
}

export interface NodeServer {
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  hostname: string;
  /**
   * Stops accepting connections, lets requests in flight finish, then resolves. Connections still
   * open after `graceMs` (default 10 s) are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves a Hono app on Node's http server (127.0.0.1 unless `hostname` says otherwise).
 *
 * @example
 * const server = await serveNode(createApp(manager, { tokens }), { port: 3000 });
 * process.on('SIGTERM', () => server.close());
 */
export function serveNode(
  app: FetchApp,
  options: { port?: number; hostname?: string } = {},
): Promise<NodeServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const appFetch = app.fetch.bind(app) as (request: Request, env: unknown) => Response | Promise<Response>;
    const fetch = async (request: Request, env: HttpBindings | Http2Bindings) =>
      appFetch(await withGetBody(request, env.incoming), env);
    const server = serve({ fetch, port: options.port ?? 3000, hostname }, (info: AddressInfo) => {
      server.off('error', reject);
      let closing: Promise<void> | undefined;
      resolve({
        port: info.port,
        hostname,
        close(graceMs = 10_000) {
          closing ??= closeGracefully(server as Server, graceMs);
          return closing;
        },
      });
    });
    server.once('error', reject);
  });
}

function closeGracefully(http: Server, graceMs: number): Promise<void> {
  return new Promise<void>((done) => {
    const cut = setTimeout(() => http.closeAllConnections(), graceMs);
    // A keep-alive socket holds close() open after its request is answered; drop sockets as they go
    // idle rather than waiting for the keep-alive timeout.
    const sweep = setInterval(() => http.closeIdleConnections(), 25);
    cut.unref();
    sweep.unref();
    http.close(() => {
      clearTimeout(cut);
      clearInterval(sweep);
      done();
    });
    http.closeIdleConnections();
  });
}

/**
 * A `Request` cannot carry a GET body, but the reference sends credentials in one; read it from the
 * socket and hand it to the app in a header.
 */
async function withGetBody(
  request: Request,
  incoming: HttpBindings['incoming'] | Http2Bindings['incoming'],
): Promise<Request> {
  const length = Number(incoming.headers['content-length'] ?? 0);
  if (request.method !== 'GET' || !(length > 0) || length > GET_BODY_LIMIT) {
    return request;
  }
  let text = '';
  for await (const chunk of incoming) text += (chunk as Buffer).toString('utf8');
  const headers = new Headers(request.headers);
  headers.set(GET_BODY_HEADER, encodeURIComponent(text));
  return new Request(request, { headers });
}
