import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

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
    const fetch = app.fetch.bind(app) as (request: Request) => Response | Promise<Response>;
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
