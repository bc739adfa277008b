import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotManager } from '@wabot/core';
import { SimHub } from '@wabot/core/sim';
import { createStore } from '@wabot/store-keyv';
import { createWebhooks } from '@wabot/webhook';
import { percentile } from './net.mjs';
import { epochNow, startReceiver } from './receiver.mjs';

const INSTANCES = 8;
const IN_FLIGHT = 16;

/**
 * Inbound end to end: a simulated contact writes (SimHub `receive`), the instance decides, the reply
 * goes out through the send queue, and the `onReply` webhook reaches a receiver in another process.
 * Closed loop with `IN_FLIGHT` messages outstanding; latency runs from injection to the receiver's
 * arrival time. The baseline is a plain fetch loop to the same receiver with the same concurrency.
 */
export async function benchInbound(report, { seconds }) {
  report.begin('inbound end to end');
  const receiver = await startReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'wabot-bench-inbound-'));
  const store = await createStore(`sqlite://${join(dir, 'wabot.db')}`);
  const hub = new SimHub({ autoScan: { after: 0, on: 'emitted' }, autoAck: false });
  const manager = new BotManager({ driver: hub.driver, store });
  const webhooks = createWebhooks(manager, { store, allowPrivate: true, schedule: [] });
  try {
    await webhooks.start();
    await manager.start();
    const bots = [];
    for (let i = 0; i < INSTANCES; i++) {
      const bot = await manager.create('bench');
      await bot.createIntent({
        title: 'Prices',
        keyword: 'price,cost',
        reply: '{Hi|Hello} [name], it is $5.',
      });
      await bot.createIntent({ title: 'Hours', keyword: 'hours,open', reply: 'We open at 8.' });
      await bot.setWebhook({ webhook_url: receiver.url, events: ['onReply'] });
      await bot.updateActions({ send_webhook: true });
      const connected = new Promise((resolve) => {
        bot.on('connection', ({ status }) => status === 'CONNECTED' && resolve());
      });
      await bot.init();
      await connected;
      bots.push(bot);
    }
    receiver.track(true);

    let seq = 0;
    const inject = () => {
      const n = seq++;
      const id = `e2e-${n}`;
      const started = epochNow();
      hub.phone(bots[n % INSTANCES].id).receive({
        id,
        from: `2348${String(10_000_000 + n)}`,
        pushName: 'Ada',
        text: n % 2 ? 'what is the price?' : 'when are you open',
      });
      return { id, started };
    };
    const e2e = await closedLoop(seconds, inject, receiver);

    const plain = await closedLoop(
      seconds,
      (fail) => {
        const id = `plain-${seq++}`;
        const started = epochNow();
        fetch(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            event: 'onReply',
            instanceId: 'plain',
            data: { message: { id, text: 'hi' } },
          }),
        })
          .then((res) => res.arrayBuffer())
          .catch(fail);
        return { id, started };
      },
      receiver,
    );

    report.compare({
      key: 'inbound_e2e_msgs_per_s',
      value: e2e.perSecond,
      baselineKey: 'inbound_plain_fetch_per_s',
      baseline: plain.perSecond,
      ratioKey: 'inbound-e2e/plain-fetch',
      unit: 'msg/s',
      label: `inbound -> reply -> webhook (${INSTANCES} bots, ${IN_FLIGHT} in flight)`,
      baselineLabel: 'plain fetch to the receiver',
    });
    report.compare({
      key: 'inbound_e2e_cpu_ms_per_msg',
      value: e2e.cpuMs,
      baselineKey: 'inbound_plain_fetch_cpu_ms_per_req',
      baseline: plain.cpuMs,
      ratioKey: 'inbound-e2e-cpu/plain-fetch-cpu',
      unit: 'ms CPU/msg',
      label: 'CPU per inbound message (bot process)',
      baselineLabel: 'plain fetch',
    });
    report.set('inbound_e2e_p50_ms', e2e.p50, 'ms', 'inbound e2e p50');
    report.set('inbound_e2e_p99_ms', e2e.p99, 'ms', 'inbound e2e p99');
    report.set('inbound_plain_fetch_p99_ms', plain.p99, 'ms', 'plain fetch p99');
  } finally {
    receiver.track(false);
    await manager.close();
    await webhooks.stop();
    await store.close();
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Keeps `IN_FLIGHT` operations outstanding for `seconds` (after a one-second warm-up whose samples
 * are dropped); an operation completes when the receiver reports its id.
 */
function closedLoop(seconds, start, receiver) {
  return new Promise((resolve, reject) => {
    const pending = new Map();
    const latencies = [];
    const warmUntil = epochNow() + 1000;
    let measuredFrom = 0;
    let done = 0;
    let all = 0;
    const cpuStart = process.cpuUsage();
    let stopAt = 0;
    let finished = false;
    const watchdog = setTimeout(() => finish(new Error('webhooks stopped arriving')), (seconds + 30) * 1000);
    const off = receiver.onArrival((id, at) => {
      const started = pending.get(id);
      if (started === undefined) return;
      pending.delete(id);
      all++;
      const now = epochNow();
      if (started >= warmUntil) {
        if (!measuredFrom) measuredFrom = started;
        latencies.push(at - started);
        done++;
      }
      if (now >= warmUntil && !stopAt) stopAt = now + seconds * 1000;
      if (stopAt && now >= stopAt) {
        if (pending.size === 0) finish();
        return;
      }
      launch();
    });
    const launch = () => {
      try {
        const { id, started } = start(finish);
        pending.set(id, started);
      } catch (error) {
        finish(error);
      }
    };
    function finish(error) {
      if (finished) return;
      finished = true;
      clearTimeout(watchdog);
      off();
      if (error) return reject(error);
      const ms = epochNow() - measuredFrom;
      const cpu = process.cpuUsage(cpuStart);
      resolve({
        perSecond: (done / ms) * 1000,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        // This process only: the receiver runs in its own.
        cpuMs: (cpu.user + cpu.system) / 1000 / all,
      });
    }
    for (let i = 0; i < IN_FLIGHT; i++) launch();
  });
}
