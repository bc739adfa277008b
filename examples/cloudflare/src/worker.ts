import { createApp } from '@wabot/http-hono';
import { remoteManager } from '@wabot/http-hono/remote';

/** Bindings: set the secrets with `wrangler secret put` (or `.dev.vars` locally). */
export interface Env {
  /** Where the Node server mounts the rpc handler, e.g. https://bots.example.com/internal/rpc */
  WABOT_UPSTREAM: string;
  /** The Node server's WABOT_RPC_SECRET. */
  WABOT_RPC_SECRET: string;
  /** The bearer token of the account routes (user "default"). */
  WABOT_API_TOKEN: string;
}

type App = ReturnType<typeof createApp>;
let built: { env: Env; app: App } | undefined;

// The API runs at the edge; instances and their WhatsApp connections live on the upstream Node
// server, reached through the remote manager.
function appFor(env: Env): App {
  if (built?.env !== env) {
    const manager = remoteManager({ url: env.WABOT_UPSTREAM, secret: env.WABOT_RPC_SECRET });
    built = { env, app: createApp(manager, { tokens: { [env.WABOT_API_TOKEN]: 'default' } }) };
  }
  return built.app;
}

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    const missing = (['WABOT_UPSTREAM', 'WABOT_RPC_SECRET', 'WABOT_API_TOKEN'] as const).filter(
      (k) => !env[k],
    );
    if (missing.length > 0) {
      return Response.json(
        { status: false, message: `server misconfigured: ${missing.join(', ')} not set`, data: null },
        { status: 500 },
      );
    }
    return appFor(env).fetch(request);
  },
};
