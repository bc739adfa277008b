import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { assertResolvedAllowed, checkWebhookUrl, type Resolver, systemResolver } from './ssrf.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type Transport,
  TransportError,
  type TransportOptions,
} from './transport.js';

export interface NodeTransport {
  send: Transport;
  /** Closes kept-alive connections. */
  close(): void;
}

/**
 * The default transport, on `node:http`/`node:https` with keep-alive. The address check runs inside
 * the socket's DNS lookup, so the address connected to is the address that was checked (a host that
 * re-resolves to a private address between check and connect cannot slip through).
 */
export function nodeTransport(options: TransportOptions & { maxSockets?: number } = {}): NodeTransport {
  const allowPrivate = options.allowPrivate ?? false;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const lookup = guardedLookup(options.resolve ?? systemResolver, allowPrivate);
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const send: Transport = (req) =>
    new Promise((resolve, reject) => {
      // Address literals and local names never reach the lookup, so they are checked here.
      const url = checkWebhookUrl(req.url, { allowPrivate });
      const isHttps = url.protocol === 'https:';
      const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      let request: http.ClientRequest;
      try {
        request = (isHttps ? https : http).request(url, {
          method: 'POST',
          headers,
          agent: isHttps ? httpsAgent : httpAgent,
          lookup,
        });
      } catch (err) {
        // Invalid header names or values are refused synchronously by node:http.
        reject(err);
        return;
      }
      const timer = setTimeout(() => {
        request.destroy(new TransportError(`timed out after ${req.timeoutMs} ms`, { timeout: true }));
      }, req.timeoutMs);
      request.on('error', (err) => {
        finish(() => reject(err instanceof TransportError || isPolicyError(err) ? err : wrap(err)));
      });
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const retryAfter = res.headers['retry-after'];
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...(typeof retryAfter === 'string' && { retryAfter }),
            }),
          );
        };
        res.on('data', (chunk: Buffer) => {
          if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
          if (size >= maxBytes) {
            // Enough read: drop the rest (and this connection) instead of buffering it.
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        // A body cut short after the status line still counts as that status.
        res.on('error', done);
        res.on('aborted', done);
      });
      request.end(req.body);
    });

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function guardedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        try {
          assertResolvedAllowed(hostname, all, allowPrivate);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 0);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = wanted ? all.filter((a) => a.family === wanted) : all;
        if (addresses.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${wanted} address for ${hostname}`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        } else if (options.all) {
          (callback as unknown as (err: null, addresses: typeof all) => void)(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function isPolicyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'WebhookUrlError';
}

function wrap(err: Error): TransportError {
  const code = (err as NodeJS.ErrnoException).code;
  return new TransportError(code ? `request failed: ${code}` : `request failed: ${err.message}`, {
    cause: err,
  });
}
