import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@wabot/store-keyv';
import { benchDelivery, benchPlainFetch } from '@wabot/webhook';
import { startReceiver } from './receiver.mjs';

/**
 * Webhook delivery through the durable path (SQLite outbox write, signing, POST, outbox delete)
 * against a plain `fetch` loop sending the same number of POSTs to the same receiver, with the
 * same parallelism (one lane per instance).
 */
export async function benchWebhook(report, { seconds }) {
  report.begin('webhook delivery');
  const receiver = await startReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'wabot-bench-webhook-'));
  const store = await createStore(`sqlite://${join(dir, 'outbox.db')}`);
  try {
    const lanes = { instances: 4 };
    // The warm-up rounds also size the measured ones, so each lasts about `seconds` on any machine.
    const warmPlain = await benchPlainFetch({ url: receiver.url, events: 200, ...lanes });
    const warmOutbox = await benchDelivery({ url: receiver.url, store, events: 200, ...lanes });
    const rate = Math.min(warmPlain.perSecond, warmOutbox.perSecond);
    const events = Math.max(200, Math.min(20_000, Math.round((rate * seconds) / 100) * 100));
    const plain = await withCpu(events, () => benchPlainFetch({ url: receiver.url, events, ...lanes }));
    const outbox = await withCpu(events, () => benchDelivery({ url: receiver.url, store, events, ...lanes }));
    report.compare({
      key: 'webhook_outbox_per_s',
      value: outbox.perSecond,
      baselineKey: 'webhook_plain_fetch_per_s',
      baseline: plain.perSecond,
      ratioKey: 'webhook/plain-fetch',
      unit: 'ev/s',
      label: `webhooks, SQLite outbox (${events} events, 4 instances)`,
      baselineLabel: 'plain fetch loop',
    });
    report.compare({
      key: 'webhook_outbox_cpu_ms_per_event',
      value: outbox.cpuMs,
      baselineKey: 'webhook_plain_fetch_cpu_ms_per_event',
      baseline: plain.cpuMs,
      ratioKey: 'webhook-cpu/plain-fetch-cpu',
      unit: 'ms CPU/ev',
      label: 'CPU per delivered event (sending process)',
      baselineLabel: 'plain fetch loop',
    });
  } finally {
    await store.close();
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` and adds this process's CPU time per event to its result. */
async function withCpu(events, fn) {
  const start = process.cpuUsage();
  const result = await fn();
  const cpu = process.cpuUsage(start);
  return { ...result, cpuMs: (cpu.user + cpu.system) / 1000 / events };
}
