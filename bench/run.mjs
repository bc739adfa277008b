// `npm run bench`: every benchmark in turn, one table, and results.json with flat keys.
// Load stays on 127.0.0.1; each part is bounded in time, so the whole run stays within minutes.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { stopAllChildren } from './src/child.mjs';
import { benchDecide } from './src/decide.mjs';
import { benchHttp } from './src/http.mjs';
import { benchInbound } from './src/inbound.mjs';
import { benchMemory } from './src/memory.mjs';
import { Report } from './src/report.mjs';
import { benchStores } from './src/store.mjs';
import { benchWebhook } from './src/webhook.mjs';

/**
 * Each part: its function, the seconds it measures for, the most it may take in all (on a busy
 * machine), and the keys it promises (null with a reason when it fails or runs out of time).
 */
const PARTS = [
  {
    name: 'http',
    run: benchHttp,
    seconds: 5,
    limit: 90,
    keys: ['send/raw-hono', 'send/express', 'send_p99_ms'],
  },
  {
    name: 'decide',
    run: benchDecide,
    seconds: 3,
    limit: 30,
    keys: ['decide_msgs_per_s', 'decide/empty-loop'],
  },
  {
    name: 'inbound',
    run: benchInbound,
    seconds: 5,
    limit: 45,
    keys: ['inbound_e2e_msgs_per_s', 'inbound_e2e_p99_ms'],
  },
  { name: 'webhook', run: benchWebhook, seconds: 4, limit: 45, keys: ['webhook/plain-fetch'] },
  { name: 'store', run: benchStores, seconds: 1.5, limit: 40, keys: ['store_sqlite_get_per_s'] },
  {
    name: 'memory',
    run: benchMemory,
    seconds: 0,
    limit: 120,
    keys: ['mb_per_instance', 'mb_per_instance_baileys', 'restore_1000_s'],
  },
];
/** The whole run stops starting parts after this many seconds, so it ends within five minutes. */
const BUDGET_S = 285;

const only = process.argv.slice(2);
const report = new Report();
const started = performance.now();
const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? 'unknown',
  loadavg_1m_at_start: Number(loadavg()[0].toFixed(2)),
};
process.stdout.write(
  `wabot bench: Node ${machine.node}, ${machine.cpus} x ${machine.cpu_model}, load average ${machine.loadavg_1m_at_start}\n`,
);

for (const part of PARTS) {
  if (only.length > 0 && !only.includes(part.name)) {
    report.begin(part.name);
    for (const key of part.keys) report.missing(key, 'part not selected on the command line');
    continue;
  }
  const t0 = performance.now();
  const left = BUDGET_S - (t0 - started) / 1000;
  process.stdout.write(`- ${part.name} ... `);
  if (left < 10) {
    process.stdout.write('skipped: the run used up its time\n');
    report.begin(part.name);
    report.failed(part.keys, new Error('the run used up its time budget before this part'));
    continue;
  }
  const limit = Math.min(part.limit, left);
  let timer;
  try {
    await Promise.race([
      part.run(report, { seconds: part.seconds }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`did not finish within ${Math.round(limit)} s`)),
          limit * 1000,
        );
      }),
    ]);
    process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAllChildren();
    report.begin(part.name);
    report.failed(part.keys, error);
  } finally {
    clearTimeout(timer);
  }
}

report.begin('run');
report.set('bench_total_s', (performance.now() - started) / 1000, 's', 'whole run');
report.print();
const results = {
  ...report.results,
  ...prefixed('machine_', machine),
  generated_at: new Date().toISOString(),
};
await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('results written to bench/results.json\n');
// Sockets kept alive by fetch and store clients should not hold the process open.
process.exit(0);

function prefixed(prefix, object) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [prefix + k, v]));
}
