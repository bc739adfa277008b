// `npm run bench`: every benchmark in turn, one table, and results.json with flat keys.
// Load stays on 127.0.0.1; each part is bounded in time, so the whole run stays within minutes.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { benchDecide } from './src/decide.mjs';
import { benchHttp } from './src/http.mjs';
import { benchInbound } from './src/inbound.mjs';
import { Report } from './src/report.mjs';
import { benchWebhook } from './src/webhook.mjs';

/** Each part: its function, the keys it promises (null with a reason when it fails) and its seconds. */
const PARTS = [
  { name: 'http', run: benchHttp, seconds: 5, keys: ['send/raw-hono', 'send/express', 'send_p99_ms'] },
  { name: 'decide', run: benchDecide, seconds: 3, keys: ['decide_msgs_per_s', 'decide/empty-loop'] },
  { name: 'inbound', run: benchInbound, seconds: 5, keys: ['inbound_e2e_msgs_per_s', 'inbound_e2e_p99_ms'] },
  { name: 'webhook', run: benchWebhook, seconds: 4, keys: ['webhook/plain-fetch'] },
];

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
  if (only.length > 0 && !only.includes(part.name)) continue;
  const t0 = performance.now();
  process.stdout.write(`- ${part.name} ... `);
  try {
    await part.run(report, { seconds: part.seconds });
    process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
    report.begin(part.name);
    report.failed(part.keys, error);
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
