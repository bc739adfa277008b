import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { httpClient, TOKEN_A, until } from './helpers.js';
import { CLI, startServe } from './serve-process.js';

describe('wabot serve', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('generates and prints a token once, keeps secrets out of the logs, draws the QR, auto-scans, stops on SIGTERM', async () => {
    // Default auto-scan: the simulated phone scans about a second after the QR is first fetched.
    const server = await startServe(['--sim'], { LOG_LEVEL: 'debug' });
    const banner = /generated one for this run \(user "default"\):\s+([0-9a-f]{48})/.exec(server.output());
    expect(banner?.[1]).toBeDefined();
    const token = banner?.[1] as string;
    const call = httpClient((path, init) => fetch(server.baseUrl + path, init));

    const created = (await call('POST', '/whatsapp/createNewWhatsapp', { token })).body.data;
    const creds = { session_id: created.session_id, access_token: created.settings.access_token };
    expect((await call('POST', '/whatsapp/init', { query: creds })).status).toBe(200);
    expect((await call('GET', '/whatsapp/scan', { query: creds })).status).toBe(200);
    await until(async () => {
      const info = await call('GET', '/whatsapp/instance', { query: creds });
      return info.body.data.instance_data.phone_connected ? true : undefined;
    }, 50);
    const sent = await call('POST', '/whatsapp/sendText', {
      json: { ...creds, to: '2348179803743', message: 'hi' },
    });
    expect(sent.status).toBe(200);
    expect((await call('GET', '/whatsapp', { token: `${token}x` })).status).toBe(401);

    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    const output = server.output();
    expect(output).toContain(
      `wabot API on ${server.baseUrl} (docs: ${server.baseUrl}/docs), simulated phones`,
    );
    expect(output).toContain(`waits for a scan (WhatsApp > Linked devices)`);
    expect(output).toMatch(/"msg":"stopped"/);
    expect(output.split(token).length - 1).toBe(1);
    expect(output).not.toContain(creds.access_token);
    // Request logs carry the path only, never the query with the credentials.
    expect(output).toMatch(/"path":"\/whatsapp\/instance"/);
    expect(output).not.toContain('access_token=');
  }, 60_000);

  test('keeps instances in the SQLite file of the data directory across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wabot-data-'));
    dirs.push(dataDir);
    const env = { WABOT_DATA_DIR: dataDir, WABOT_API_TOKENS: `${TOKEN_A}:alice` };
    const first = await startServe(['--sim'], env);
    const call1 = httpClient((path, init) => fetch(first.baseUrl + path, init));
    const created = (await call1('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    expect(created.user_id).toBe('alice');
    expect(first.output()).not.toContain('generated one');
    expect(await first.stop()).toBe(0);

    const second = await startServe(['--sim'], env);
    const call2 = httpClient((path, init) => fetch(second.baseUrl + path, init));
    const list = (await call2('GET', '/whatsapp', { token: TOKEN_A })).body.data;
    expect(list.map((r: { _id: string }) => r._id)).toEqual([created._id]);
    expect(second.output()).toContain(`sqlite://${dataDir}/wabot.db`);
    expect(await second.stop()).toBe(0);
  }, 60_000);

  test('help, unknown commands and bad settings exit with a message', { timeout: 60_000 }, () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 10_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: wabot serve');
    const unknown = spawnSync(process.execPath, [CLI, 'launch'], { encoding: 'utf8', timeout: 10_000 });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown command "launch"');
    const bad = spawnSync(process.execPath, [CLI, 'serve'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env.PATH, PORT: 'x' },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('PORT: must be a port number');
  });
});
