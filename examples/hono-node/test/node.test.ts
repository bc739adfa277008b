import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { requestTable } from '../../shared/request-table.js';
import { type Spawned, spawnServer } from '../../shared/spawn.js';

const TOKEN = 'example-node-token-0123456789abcdef';

describe.sequential('hono-node example on Node (@hono/node-server)', () => {
  let server: Spawned;
  beforeAll(async () => {
    server = await spawnServer(process.execPath, ['server.mjs'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PORT: '0', HOST: '127.0.0.1', WABOT_API_TOKEN: TOKEN, WABOT_SIM_AUTOSCAN_MS: '3000' },
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    });
  }, 30_000);
  afterAll(() => server?.stop(), 15_000);

  requestTable(() => ({ baseUrl: server.ready[1]!, token: TOKEN }));
});
