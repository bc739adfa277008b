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
 * Serves a Hono app on Node's http server.
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
    const server = serve(
      {
        fetch: app.fetch as (request: Request) => Response | Promise<Response>,
        port: options.port ?? 3000,
        hostname,
      },
      (info: AddressInfo) => {
        server.off('error', reject);
        resolve({
          port: info.port,
          hostname,
          close(graceMs = 10_000) {
            return new Promise<void>((done) => {
              const http = server as import('node:http').Server;
              const timer = setTimeout(() => http.closeAllConnections?.(), graceMs);
              timer.unref?.();
              http.close(() => {
                clearTimeout(timer);
                done();
              });
              // Keep-alive sockets with no request in flight would hold close() open.
              http.closeIdleConnections?.();
            });
          },
        });
      },
    );
    server.once('error', reject);
  });
}
