import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startChild } from './child.mjs';
import { freePort, waitFor } from './net.mjs';

const SERVERS = fileURLToPath(new URL('./servers/', import.meta.url));
const CONNECTIONS = 16;

/**
 * HTTP: `POST /whatsapp/message` on `wabot serve --sim` (SQLite store, instance auth and a bearer
 * token), next to a Hono and an Express hello-world. Each server runs in its own child process;
 * autocannon runs here.
 */
export async function benchHttp(report, { seconds }) {
  report.begin('http');
  const honoServer = await startHello(join(SERVERS, 'hono-hello.mjs'));
  const expressServer = await startHello(join(SERVERS, 'express-hello.mjs'));
  const wabot = await startWabot();
  let hono;
  let express;
  let send;
  try {
    const targets = [honoServer, expressServer, wabot];
    for (const server of targets) await load(server, 1); // warm-up, not counted
    // Two half-length rounds in mirrored order (A B C C B A), so a change in the machine's load
    // during the run weighs on every server alike.
    const runs = new Map(targets.map((t) => [t, []]));
    for (const server of [...targets, ...[...targets].reverse()]) {
      runs.get(server).push(await load(server, seconds / 2));
    }
    [hono, express, send] = targets.map((t) => merge(runs.get(t)));
  } finally {
    await Promise.all([honoServer.stop(), expressServer.stop(), wabot.stop()]);
  }

  report.compare({
    key: 'send_req_per_s',
    value: send.rps,
    baselineKey: 'raw_hono_req_per_s',
    baseline: hono.rps,
    ratioKey: 'send/raw-hono',
    unit: 'req/s',
    label: 'POST /whatsapp/message',
    baselineLabel: 'Hono hello-world',
  });
  report.compare({
    key: 'send_req_per_s',
    value: send.rps,
    baselineKey: 'express_req_per_s',
    baseline: express.rps,
    ratioKey: 'send/express',
    unit: 'req/s',
    label: 'POST /whatsapp/message',
    baselineLabel: 'Express hello-world',
  });
  if (send.cpuMs != null && hono.cpuMs != null) {
    // CPU time the server spent per request: far less sensitive to other load than req/s.
    report.compare({
      key: 'send_cpu_ms_per_req',
      value: send.cpuMs,
      baselineKey: 'raw_hono_cpu_ms_per_req',
      baseline: hono.cpuMs,
      ratioKey: 'send-cpu/raw-hono-cpu',
      unit: 'ms CPU/req',
      label: 'server CPU per send request',
      baselineLabel: 'Hono hello-world',
    });
  } else {
    report.missing('send_cpu_ms_per_req', 'per-process CPU time is read from /proc, which this system lacks');
  }
  report.set('send_p50_ms', send.p50, 'ms', 'send p50');
  report.set('send_p99_ms', send.p99, 'ms', 'send p99');
  report.set('raw_hono_p99_ms', hono.p99, 'ms', 'Hono hello-world p99');
  report.set('express_p99_ms', express.p99, 'ms', 'Express hello-world p99');
  report.set('http_connections', CONNECTIONS, '', 'autocannon connections');
}

async function startHello(file) {
  const server = startChild(file);
  const { port } = await server.next('ready', 15_000);
  return {
    request: { url: `http://127.0.0.1:${port}/`, method: 'GET' },
    pid: server.child.pid,
    stop: () => server.stop(),
  };
}

/** `wabot serve --sim` with a SQLite store in a temporary directory, one connected instance. */
async function startWabot() {
  const dataDir = await mkdtemp(join(tmpdir(), 'wabot-bench-http-'));
  const port = await freePort();
  const token = `bench-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const cli = fileURLToPath(import.meta.resolve('@wabot/http-hono/cli'));
  const server = startChild(cli, {
    args: ['serve', '--sim', '--port', String(port)],
    env: {
      WABOT_API_TOKEN: token,
      WABOT_DATA_DIR: dataDir,
      WABOT_STORE_URL: `sqlite://${join(dataDir, 'wabot.db')}`,
      WABOT_SIM_AUTOSCAN: '0s',
      LOG_LEVEL: 'warn',
      WABOT_API_TOKENS: '',
    },
  });
  const stop = async () => {
    await server.stop(5000);
    await rm(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await waitFor('wabot serve to answer', async () => {
      const res = await fetch(`${base}/whatsapp/createNewWhatsapp`, {
        method: 'POST',
        headers: auth,
        body: '{}',
      });
      return res.ok ? res.json() : undefined;
    });
    const session = created.data.session_id;
    const access = created.data.settings.access_token;
    const q = `session_id=${encodeURIComponent(session)}&access_token=${encodeURIComponent(access)}`;
    const init = await fetch(`${base}/whatsapp/init`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ session_id: session, access_token: access }),
    });
    if (!init.ok) throw new Error(`init answered ${init.status}`);
    await waitFor('a QR', async () => (await fetch(`${base}/whatsapp/scan?${q}`)).ok);
    await waitFor('the simulated phone to connect', async () => {
      const res = await fetch(`${base}/whatsapp/instance?${q}`);
      return res.ok && (await res.json()).data?.instance_data?.phone_connected === true;
    });
    const url = `${base}/whatsapp/message?${q}`;
    const body = JSON.stringify({ chatId: '2349048988056', message: 'Hello dear' });
    const probe = await fetch(url, { method: 'POST', headers: auth, body });
    const answer = await probe.json();
    if (!probe.ok || answer.status !== true) {
      throw new Error(`send answered ${probe.status} ${JSON.stringify(answer)}`);
    }
    return { request: { url, method: 'POST', headers: auth, body }, pid: server.child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Requests per second over all runs; latency percentiles from the slower run (the conservative one). */
function merge(results) {
  const cpu = results.every((r) => r.cpuMs != null)
    ? results.reduce((sum, r) => sum + r.cpuMs * r.count, 0) / results.reduce((sum, r) => sum + r.count, 0)
    : null;
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0) / results.length,
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    cpuMs: cpu,
  };
}

/** One autocannon run against a server. Any non-2xx answer or socket error fails the figure. */
async function load(server, seconds) {
  const { request } = server;
  const cpuBefore = await cpuMillis(server.pid);
  const result = await autocannon({ ...request, connections: CONNECTIONS, duration: seconds });
  const cpuAfter = await cpuMillis(server.pid);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${request.method} ${new URL(request.url).pathname}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const count = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    count,
    cpuMs: cpuBefore != null && cpuAfter != null && count > 0 ? (cpuAfter - cpuBefore) / count : null,
  };
}

/** User + system CPU time of a process in ms (Linux /proc; null elsewhere). */
async function cpuMillis(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_S = 100;
