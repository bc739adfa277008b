import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { requestTable } from '../../shared/request-table.js';
import { type Spawned, spawnServer } from '../../shared/spawn.js';

const TOKEN = 'example-bun-token-0123456789abcdef';
const BUN = fileURLToPath(new URL('../../../node_modules/.bin/bun', import.meta.url));

/** Why Bun cannot run here, or undefined when it can. */
function bunUnavailable(): string | undefined {
  if (!existsSync(BUN)) return `${BUN} is missing (the "bun" npm package is not installed)`;
  try {
    execFileSync(BUN, ['--version'], { timeout: 10_000, stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `${BUN} --version failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const unavailable = bunUnavailable();
if (unavailable) console.warn(`skipping the Bun runtime test: ${unavailable}`);

describe.skipIf(unavailable !== undefined).sequential('bun example on Bun (Bun.serve)', () => {
  let server: Spawned;
  beforeAll(async () => {
    server = await spawnServer(BUN, ['server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PORT: '0', HOST: '127.0.0.1', WABOT_API_TOKEN: TOKEN, WABOT_SIM_AUTOSCAN_MS: '3000' },
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    });
  }, 30_000);
  afterAll(() => server?.stop(), 15_000);

  requestTable(() => ({ baseUrl: server.ready[1]!, token: TOKEN }));
});
