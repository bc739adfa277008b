import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requestTable } from '../../shared/request-table.js';
import { type Spawned, spawnServer } from '../../shared/spawn.js';

const run = promisify(execFile);
const TOKEN = 'example-worker-token-0123456789abcdef';
const RPC_SECRET = 'example-rpc-secret-0123456789abcdef';
const HERE = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../../../node_modules/.bin/', import.meta.url));

/** Why workerd cannot run here, or undefined when it can. */
function workerdUnavailable(): string | undefined {
  for (const tool of ['wrangler', 'workerd']) {
    if (!existsSync(join(BIN, tool))) return `${join(BIN, tool)} is missing`;
  }
  try {
    execFileSync(join(BIN, 'workerd'), ['--version'], { timeout: 10_000, stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `workerd --version failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const unavailable = workerdUnavailable();
if (unavailable) console.warn(`skipping the workerd runtime test: ${unavailable}`);

describe.skipIf(unavailable !== undefined).sequential('cloudflare example on workerd (miniflare)', () => {
  let upstream: Spawned;
  let upstreamUrl = '';
  let mf: Miniflare;
  let workerUrl = '';
  let bundleDir = '';

  beforeAll(async () => {
    // The Node server that owns the instances, with the rpc handler mounted.
    upstream = await spawnServer(process.execPath, ['server.mjs'], {
      cwd: join(HERE, '../hono-node'),
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        WABOT_API_TOKEN: TOKEN,
        WABOT_RPC_SECRET: RPC_SECRET,
        WABOT_SIM_AUTOSCAN_MS: '3000',
      },
      ready: /listening on (http:\/\/127\.0\.0\.1:\d+) \(rpc at/,
    });
    upstreamUrl = upstream.ready[1]!;

    // Bundled by wrangler exactly as `wrangler deploy` would upload it.
    bundleDir = await mkdtemp(join(tmpdir(), 'wabot-worker-'));
    await run(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--outdir', bundleDir], {
      cwd: HERE,
      timeout: 60_000,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    });

    mf = new Miniflare({
      modules: true,
      modulesRoot: bundleDir,
      scriptPath: join(bundleDir, 'worker.js'),
      compatibilityDate: '2026-04-20',
      host: '127.0.0.1',
      port: 0,
      bindings: {
        WABOT_UPSTREAM: `${upstreamUrl}/internal/rpc`,
        WABOT_RPC_SECRET: RPC_SECRET,
        WABOT_API_TOKEN: TOKEN,
      },
    });
    workerUrl = (await mf.ready).origin;
  }, 90_000);

  afterAll(async () => {
    await mf?.dispose();
    await upstream?.stop();
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  }, 30_000);

  test('the worker reaches the Node upstream on 127.0.0.1 and the instance lives there', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const created = await fetch(`${workerUrl}/whatsapp/createNewWhatsapp`, { method: 'POST', headers: auth });
    expect(created.status).toBe(200);
    const { data } = await created.json();
    const onUpstream = await (await fetch(`${upstreamUrl}/whatsapp`, { headers: auth })).json();
    expect(onUpstream.data.map((r: { _id: string }) => r._id)).toEqual([data._id]);
    // Deleted through the worker, gone from the upstream.
    expect(
      (await fetch(`${workerUrl}/whatsapp/${data._id}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    expect((await (await fetch(`${upstreamUrl}/whatsapp`, { headers: auth })).json()).data).toEqual([]);
  }, 15_000);

  test('errors thrown on the upstream answer the same through the worker as on the upstream', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const created = await (
      await fetch(`${workerUrl}/whatsapp/createNewWhatsapp`, { method: 'POST', headers: auth })
    ).json();
    const creds = new URLSearchParams({
      session_id: created.data.session_id,
      access_token: created.data.settings.access_token,
    });
    const wrongCreds = new URLSearchParams({ session_id: created.data.session_id, access_token: 'nope' });
    const requests: Array<[string, RequestInit?]> = [
      // AuthError from authenticate()
      [`/whatsapp/instance?${wrongCreds}`],
      // StateError: no QR before init
      [`/whatsapp/scan?${creds}`],
      // NotFoundError for an intent that does not exist
      [`/whatsapp/intent/000000000000000000000000?${creds}`],
    ];
    const statuses: number[] = [];
    for (const [path, init] of requests) {
      const viaWorker = await fetch(workerUrl + path, init);
      const direct = await fetch(upstreamUrl + path, init);
      const [a, b] = [await viaWorker.json(), await direct.json()];
      expect([viaWorker.status, a], path).toEqual([direct.status, b]);
      statuses.push(viaWorker.status);
    }
    expect(statuses).toEqual([401, 409, 404]);
    await fetch(`${workerUrl}/whatsapp/${created.data._id}`, { method: 'DELETE', headers: auth });
  }, 15_000);

  requestTable(() => ({ baseUrl: workerUrl, token: TOKEN }));
});
