import { DriverError, decodeValue, encodeValue, type ManagerApi } from '@wabot/core';
import { MANAGER_METHODS } from './methods.js';
import { checkSecret } from './rpc-handler.js';
import { fromWireError, isWireError, RpcError } from './wire-error.js';

export interface RemoteManagerOptions {
  /** Where `rpcHandler` is mounted, e.g. `https://bots.example.com/internal/rpc`. */
  url: string;
  /** The secret the handler was given. */
  secret: string;
  /** The fetch to use (a service binding's, or a test's). Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** How long one call may take before it fails with a DriverError. Default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT = 30_000;

/**
 * A `ManagerApi` whose calls run on another process's manager, through `rpcHandler`. Lets a
 * Cloudflare Worker (where Baileys' long-lived WebSocket cannot live) serve the HTTP API while the
 * connections live on a Node server. Errors the upstream manager throws come back as the same core
 * classes; an unreachable upstream is a transient `DriverError`.
 *
 * @example
 * const app = createApp(remoteManager({ url: env.WABOT_UPSTREAM, secret: env.WABOT_RPC_SECRET }), { tokens });
 * export default { fetch: app.fetch };
 */
export function remoteManager(options: RemoteManagerOptions): ManagerApi {
  const secret = checkSecret(options.secret);
  const base = new URL(options.url);
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT;

  async function call(method: string, args: unknown[]): Promise<unknown> {
    const url = new URL(base);
    url.pathname = basePath + method;
    // The timeout is enforced here, not only through the Request's signal: a Request's signal follows
    // ours through a weak reference (it can be collected while a custom fetch waits on it), and a
    // custom fetch may ignore signals altogether.
    const controller = new AbortController();
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    const request = new Request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: encodeValue({ args: trimUndefined(args) }),
      signal: controller.signal,
    });
    let response: Response;
    let text: string;
    try {
      response = await Promise.race([send(request), aborted]);
      text = await Promise.race([response.text(), aborted]);
    } catch (error) {
      const reason =
        controller.signal.aborted || isTimeout(error) ? `no answer within ${timeoutMs} ms` : 'unreachable';
      throw new DriverError(`wabot upstream ${reason}`, { transient: true, cause: error });
    } finally {
      clearTimeout(timer);
    }
    let body: { result?: unknown; error?: unknown };
    try {
      body = decodeValue(text);
    } catch {
      throw new RpcError(
        'rpc_body',
        `wabot upstream answered ${response.status} with a body that is not JSON`,
      );
    }
    if (body && typeof body === 'object' && isWireError(body.error)) throw fromWireError(body.error);
    if (!response.ok || !body || typeof body !== 'object') {
      throw new RpcError('rpc_body', `wabot upstream answered ${response.status} without a result`);
    }
    return body.result;
  }

  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of MANAGER_METHODS) api[method] = (...args) => call(method, args);
  return api as unknown as ManagerApi;
}

// JSON turns a trailing `undefined` argument into `null`, which the upstream would take as a value.
function trimUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
