import { MemoryStore, Namespaces, NotFoundError, ValidationError } from '@wabot/core';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../src/outbox.js';
import {
  type AttemptReport,
  createWebhooks,
  type WebhookOptions,
  type WebhookService,
} from '../src/service.js';
import { FakeSource, type Received, type Receiver, type Reply, startReceiver } from './helpers.js';

let receiver: Receiver | undefined;
const services: WebhookService[] = [];

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await receiver?.close();
  receiver = undefined;
});

async function setup(
  behave: (req: Received, index: number) => Reply = () => ({ status: 200 }),
  options: Partial<WebhookOptions> = {},
  source = new FakeSource(),
) {
  receiver = await startReceiver(behave);
  const store = options.store ?? new MemoryStore();
  const reports: AttemptReport[] = [];
  const service = createWebhooks(source, {
    store,
    allowPrivate: true,
    schedule: [5, 5, 5],
    onAttempt: (r) => reports.push(r),
    ...options,
  });
  services.push(service);
  await service.start();
  return { receiver, store, source, service, reports };
}

function verify(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

describe('webhook delivery', () => {
  it('sends subscribed events as signed JSON with the configured extra headers', async () => {
    const { receiver, source, service } = await setup();
    source.addInstance('i1', receiver.url, ['onMessage', 'onQr'], {
      headers: { authorization: 'Bearer abc', 'x-team': 'ops', 'webhook-id': 'spoofed' },
    });
    source.message('i1', 1);
    source.emit('message.any', { ...source.message('i1', 2), raw: { big: 'driver object' } });
    source.emit('qr', { instanceId: 'i1', qr: '2@qrdata' });
    await service.idle();

    expect(receiver.received.map((r) => r.json.event)).toEqual(['onMessage', 'onMessage', 'onQr']);
    const { secret } = await service.describe('i1');
    for (const r of receiver.received) {
      expect(verify(secret, r)).toEqual(r.json);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe('Bearer abc');
      expect(r.headers['x-team']).toBe('ops');
      expect(r.id).toMatch(/^msg_[0-9A-Z]{26}$/);
      expect(r.json.instanceId).toBe('i1');
      expect(Number.isNaN(Date.parse(r.json.timestamp))).toBe(false);
      expect(r.body).not.toContain('driver object');
    }
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(3);
    expect(receiver.received[0]!.json.data).toMatchObject({ id: 'm-i1-1', text: 'hello 1', fromMe: false });
    expect(() =>
      new Webhook('whsec_' + btoa('another secret')).verify(receiver.received[0]!.body, {
        'webhook-id': receiver.received[0]!.id,
        'webhook-timestamp': String(receiver.received[0]!.headers['webhook-timestamp']),
        'webhook-signature': String(receiver.received[0]!.headers['webhook-signature']),
      }),
    ).toThrow();
  });

  it('sends nothing when webhooks are off, the URL is unset or the event is not subscribed', async () => {
    const errors: unknown[] = [];
    const noop = () => {};
    const logger = { debug: noop, info: noop, warn: noop, error: (obj: unknown) => errors.push(obj) };
    const { receiver, source, service, store } = await setup(undefined, { logger });
    source.addInstance('off', receiver.url, ['onMessage'], { sendWebhook: false });
    source.addInstance('nourl', null, ['onMessage']);
    source.addInstance('qronly', receiver.url, ['onQr']);
    for (const id of ['off', 'nourl', 'qronly']) source.message(id, 1);
    source.emit('connection', { instanceId: 'qronly', status: 'CONNECTED' });
    source.emit('qr', { instanceId: 'qronly', qr: 'marker' });
    source.emit('qr', { instanceId: 'unknown-instance', qr: 'x' });
    await service.idle();
    expect(receiver.received.map((r) => [r.json.instanceId, r.json.event])).toEqual([['qronly', 'onQr']]);
    expect(service.stats()).toMatchObject({ enqueued: 1, delivered: 1 });
    expect(await store.list(Namespaces.outbox)).toEqual([]);
    // An event of an instance that no longer exists is dropped quietly.
    expect(errors).toEqual([]);
  });

  it('retries 5xx, 408 and timeouts with the same webhook-id until the receiver recovers', async () => {
    const script: Reply[] = [
      { status: 503 },
      { hang: true },
      { status: 408 },
      { status: 500 },
      { status: 200 },
    ];
    const { receiver, source, service, reports } = await setup((_r, i) => script[i] ?? { status: 200 }, {
      schedule: [5, 5, 5, 5, 5],
    });
    source.addInstance('i1', receiver.url, ['onMessage'], { timeout: 150 });
    source.message('i1', 1);
    await service.idle();

    expect(receiver.received).toHaveLength(5);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const { secret } = await service.describe('i1');
    for (const r of receiver.received) expect(verify(secret, r)).toEqual(r.json);
    expect(reports.map((r) => [r.attempt, r.outcome, r.status])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', undefined],
      [3, 'retry', 408],
      [4, 'retry', 500],
      [5, 'delivered', 200],
    ]);
    expect(reports[1]!.error).toMatch(/timed out after 150 ms/);
    expect(await service.listDeadLetters('i1')).toEqual([]);
  });

  it('waits as long as Retry-After asks before the next attempt', async () => {
    let first!: () => void;
    const attempted = new Promise<void>((resolve) => {
      first = resolve;
    });
    const { receiver, source, store } = await setup(
      () => ({ status: 429, headers: { 'retry-after': '3600' } }),
      {
        schedule: [5],
        onAttempt: () => first(),
      },
    );
    source.addInstance('i1', receiver.url, ['onMessage']);
    const before = Date.now();
    source.message('i1', 1);
    await attempted;
    const [entry] = await store.list<OutboxEntry>(Namespaces.outbox);
    expect(entry!.value.attempts).toBe(1);
    expect(entry!.value.lastStatus).toBe(429);
    expect(entry!.value.nextAttemptAt - before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('moves permanent failures (4xx) to dead letters at once, and replay delivers them', async () => {
    let mode: 'reject' | 'accept' = 'reject';
    const { receiver, source, service, store } = await setup(() =>
      mode === 'reject' ? { status: 400, body: 'bad payload' } : { status: 200 },
    );
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();

    const dead = await service.listDeadLetters('i1');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ instanceId: 'i1', event: 'onMessage', attempts: 1, status: 400 });
    expect(dead[0]!.error).toMatch(/HTTP 400: bad payload/);
    expect(dead[0]!.id).toBe(receiver.received[0]!.id);
    expect(dead[0]!.payload).toEqual(receiver.received[0]!.json);
    expect(await store.list(Namespaces.outbox)).toEqual([]);

    mode = 'accept';
    expect(await service.replayDeadLetters('i1')).toBe(1);
    await service.idle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id);
    expect(await service.listDeadLetters('i1')).toEqual([]);
  });

  it('gives up into dead letters when the schedule is spent', async () => {
    const { receiver, source, service } = await setup(() => ({ status: 503 }), { schedule: [5, 5] });
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(3);
    const [dead] = await service.listDeadLetters('i1');
    expect(dead).toMatchObject({ attempts: 3, status: 503, error: 'HTTP 503' });
    expect(service.stats()).toMatchObject({ delivered: 0, retried: 2, deadLettered: 1, pending: 0 });
  });

  it('does not follow redirects', async () => {
    const { receiver, source, service } = await setup(() => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data' },
    }));
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(1);
    const [dead] = await service.listDeadLetters('i1');
    expect(dead!.error).toMatch(/redirects are not followed/);
  });

  it('refuses a private receiver unless private destinations are allowed', async () => {
    const { receiver, source, service } = await setup(undefined, { allowPrivate: false });
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(0);
    const [dead] = await service.listDeadLetters('i1');
    expect(dead!.error).toMatch(/loopback/);
    expect(dead!.attempts).toBe(1);
  });

  it('lists and replays dead letters by time range and by id', async () => {
    let now = 1_000;
    let mode: 'gone' | 'ok' = 'gone';
    const { receiver, source, service } = await setup(() => ({ status: mode === 'gone' ? 410 : 200 }), {
      clock: { now: () => now },
      schedule: [],
    });
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.addInstance('i2', receiver.url, ['onMessage']);
    for (const t of [1_000, 2_000, 3_000]) {
      now = t;
      source.message('i1', t);
      await service.idle();
    }
    source.message('i2', 9);
    await service.idle();

    const all = await service.listDeadLetters('i1');
    expect(all.map((d) => d.createdAt)).toEqual([1_000, 2_000, 3_000].map((t) => new Date(t).toISOString()));
    expect(
      (await service.listDeadLetters('i1', { from: 1_500, to: 2_999 })).map((d) => d.payload.data),
    ).toMatchObject([{ id: 'm-i1-2000' }]);
    // Both ends are inclusive.
    expect(
      await service.listDeadLetters('i1', { from: new Date(1_000).toISOString(), to: 2_000 }),
    ).toHaveLength(2);
    expect(await service.listDeadLetters('i1', { from: '3000' })).toHaveLength(1);
    await expect(service.listDeadLetters('i1', { from: 'yesterday' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(service.replayDeadLetters('i1', { ids: 'x' as unknown as string[] })).rejects.toBeInstanceOf(
      ValidationError,
    );

    mode = 'ok';
    const sentBefore = receiver.received.length;
    expect(await service.replayDeadLetters('i1', { from: 1_500 })).toBe(2);
    await service.idle();
    expect(receiver.received.slice(sentBefore).map((r) => r.json.data.id)).toEqual([
      'm-i1-2000',
      'm-i1-3000',
    ]);
    expect(await service.replayDeadLetters('i1', { ids: ['msg_unknown'] })).toBe(0);
    expect(await service.replayDeadLetters('i1', { ids: [all[0]!.id] })).toBe(1);
    await service.idle();
    expect(await service.listDeadLetters('i1')).toEqual([]);
    // The other instance's dead letter is untouched.
    expect(await service.listDeadLetters('i2')).toHaveLength(1);
  });

  it("keeps each instance's events in order while instances proceed in parallel", async () => {
    const perInstance = 40;
    let failedOnce = false;
    const { receiver, source, service } = await setup(
      (r) => {
        if (r.json.instanceId === 'a' && r.json.data.id === 'm-a-5' && !failedOnce) {
          failedOnce = true;
          return { status: 503 };
        }
        return { status: 200, delayMs: Math.floor(Math.random() * 3) };
      },
      { schedule: [50], concurrency: 3 },
    );
    for (const id of ['a', 'b', 'c']) source.addInstance(id, receiver.url, ['onMessage']);
    for (let i = 0; i < perInstance; i++) for (const id of ['a', 'b', 'c']) source.message(id, i);
    await service.idle();

    for (const id of ['a', 'b', 'c']) {
      const seqs = receiver.received
        .filter((r) => r.json.instanceId === id)
        .map((r) => Number(String(r.json.data.id).split('-')[2]));
      const distinct = seqs.filter((s, i) => i === 0 || s !== seqs[i - 1]);
      expect(distinct).toEqual(Array.from({ length: perInstance }, (_, i) => i));
      const ids = receiver.received.filter((r) => r.json.instanceId === id).map((r) => r.id);
      expect([...ids].sort()).toEqual(ids);
    }
    // While a's 6th event waited for its retry, the other instances kept going.
    const aFifth = receiver.received.flatMap((r, i) => (r.json.data.id === 'm-a-5' ? [i] : []));
    expect(aFifth).toHaveLength(2);
    const between = receiver.received.slice(aFifth[0]! + 1, aFifth[1]!);
    expect(between.some((r) => r.json.instanceId !== 'a')).toBe(true);
    expect(between.some((r) => r.json.instanceId === 'a')).toBe(false);
  });

  it("sends one instance's events in parallel when ordering is switched off", async () => {
    // The first request is never answered; the second can only arrive if it is not waiting behind it.
    const { receiver, source } = await setup((_r, i) => (i === 0 ? { hang: true } : { status: 200 }), {
      ordered: false,
    });
    source.addInstance('i1', receiver.url, ['onMessage'], { timeout: 10_000 });
    source.message('i1', 1);
    source.message('i1', 2);
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => r.json.data.id)).toEqual(['m-i1-1', 'm-i1-2']);
  });

  it('resumes what the outbox holds after a restart, in order', async () => {
    let up = false;
    const { receiver, source, service, store } = await setup(() => ({ status: up ? 200 : 503 }), {
      schedule: [60_000],
    });
    source.addInstance('i1', receiver.url, ['onMessage']);
    for (let i = 0; i < 5; i++) source.message('i1', i);
    await receiver.waitFor(1);
    await service.stop();
    expect(await store.list(Namespaces.outbox)).toHaveLength(5);

    up = true;
    // A clock past the first event's retry time, as if the process came back a while later.
    const later = createWebhooks(source, {
      store,
      allowPrivate: true,
      clock: { now: () => Date.now() + 120_000 },
    });
    services.push(later);
    await later.start();
    await later.idle();
    const delivered = receiver.received.slice(1);
    expect(delivered.map((r) => r.json.data.id)).toEqual([0, 1, 2, 3, 4].map((i) => `m-i1-${i}`));
    expect(delivered[0]!.id).toBe(receiver.received[0]!.id);
    expect(await store.list(Namespaces.outbox)).toEqual([]);
  });

  it('dead-letters pending events when delivery is switched off or the instance is deleted', async () => {
    const source = new FakeSource();
    const { receiver, service } = await setup(
      () => ({ status: 503 }),
      {
        schedule: [20],
        // Between the first attempt and the retry, delivery is switched off / the instance is deleted.
        onAttempt: (r) => {
          if (r.instanceId === 'off') source.records.get('off')!.settings.actions.send_webhook = false;
          if (r.instanceId === 'gone') source.records.delete('gone');
        },
      },
      source,
    );
    source.addInstance('off', receiver.url, ['onMessage']);
    source.addInstance('gone', receiver.url, ['onMessage']);
    source.message('off', 1);
    source.message('gone', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(2);
    const [off] = await service.listDeadLetters('off');
    expect(off).toMatchObject({
      attempts: 1,
      error: 'webhook delivery is off for this instance',
      status: 503,
    });
    const [gone] = await service.listDeadLetters('gone');
    expect(gone).toMatchObject({ attempts: 1, error: 'instance not found' });
  });

  it('describes the webhook with a stable per-instance secret kept in the store', async () => {
    const { receiver, source, service, store } = await setup();
    source.addInstance('i1', receiver.url, ['onMessage', 'onReply'], { headers: { a: 'b' }, timeout: 5000 });
    source.addInstance('i2', null);
    const d1 = await service.describe('i1');
    expect(d1).toEqual({
      url: receiver.url,
      events: ['onMessage', 'onReply'],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      requestConfig: { headers: { a: 'b' }, timeout: 5000 },
    });
    expect((await service.describe('i1')).secret).toBe(d1.secret);
    const other = createWebhooks(source, { store, allowPrivate: true });
    expect((await other.describe('i1')).secret).toBe(d1.secret);
    const d2 = await service.describe('i2');
    expect(d2.url).toBeNull();
    expect(d2.secret).not.toBe(d1.secret);
    await expect(service.describe('nope')).rejects.toBeInstanceOf(NotFoundError);

    await service.purge('i1');
    expect((await service.describe('i1')).secret).not.toBe(d1.secret);
  });

  it('purges pending events and dead letters of an instance only', async () => {
    const { receiver, source, service, store } = await setup(() => ({ status: 404 }));
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.addInstance('i10', receiver.url, ['onMessage']);
    source.message('i1', 1);
    source.message('i10', 1);
    await service.idle();
    await service.purge('i1');
    expect(await service.listDeadLetters('i1')).toEqual([]);
    expect(await service.listDeadLetters('i10')).toHaveLength(1);
    expect((await store.list(Namespaces.deadLetters)).map((e) => e.key)).toEqual([
      expect.stringMatching(/^i10:msg_/),
    ]);
  });

  it('stores every event emitted before stop()', async () => {
    const { receiver, source, service, store } = await setup(() => ({ status: 503 }), { schedule: [60_000] });
    source.addInstance('i1', receiver.url, ['onMessage']);
    for (let i = 0; i < 25; i++) source.message('i1', i);
    await service.stop();
    expect(await store.list(Namespaces.outbox)).toHaveLength(25);
  });

  it('can send through fetch instead of node:http, with the same signing and retries', async () => {
    const script: Reply[] = [{ status: 502 }, { status: 200 }];
    const { receiver, source, service } = await setup((_r, i) => script[i] ?? { status: 200 }, { fetch });
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(2);
    const { secret } = await service.describe('i1');
    expect(verify(secret, receiver.received[1]!)).toEqual(receiver.received[1]!.json);
  });

  it('snapshots the event when it is emitted', async () => {
    const { receiver, source, service } = await setup();
    source.addInstance('i1', receiver.url, ['onMessage']);
    const m = source.message('i1', 1);
    m.text = 'changed after emit';
    await service.idle();
    expect(receiver.received[0]!.json.data.text).toBe('hello 1');
  });

  it('dead-letters an event whose extra headers node:http refuses, without sending it', async () => {
    const { receiver, source, service } = await setup();
    source.addInstance('i1', receiver.url, ['onMessage'], { headers: { 'x-bad': 'line\nbreak' } });
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(0);
    const [dead] = await service.listDeadLetters('i1');
    expect(dead!.error).toMatch(/header/i);
    expect(dead!.error).not.toContain('line');
  });

  it('subscribes once however often start() is called, and can start again after stop()', async () => {
    const { receiver, source, service } = await setup();
    await Promise.all([service.start(), service.start()]);
    expect(source.listenerCount('message')).toBe(1);
    await service.stop();
    expect(source.listenerCount('message')).toBe(0);
    await service.start();
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1);
    await service.idle();
    expect(receiver.received).toHaveLength(1);
  });

  it('stop() cuts requests in flight and keeps their events for the next start', async () => {
    const { receiver, source, service, store } = await setup(() => ({ hang: true }), { schedule: [60_000] });
    source.addInstance('i1', receiver.url, ['onMessage'], { timeout: 60_000 });
    source.message('i1', 1);
    await receiver.waitFor(1);
    // With a 60 s request timeout, this only finishes within the test's time if stop() aborts.
    await service.stop();
    const entries = await store.list<OutboxEntry>(Namespaces.outbox);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.value.id).toBe(receiver.received[0]!.id);
  });

  it('a start() that cannot read the outbox leaves nothing subscribed and can be retried', async () => {
    const store = new MemoryStore();
    const source = new FakeSource();
    let broken = true;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'list' && broken) return async () => Promise.reject(new Error('store down'));
        return Reflect.get(target, prop, receiver);
      },
    });
    const service = createWebhooks(source, { store: flaky, allowPrivate: true });
    services.push(service);
    await expect(service.start()).rejects.toThrow('store down');
    expect(source.listenerCount('message')).toBe(0);
    broken = false;
    await service.start();
    expect(source.listenerCount('message')).toBe(1);
  });

  it('never logs the signing secret or the configured headers', async () => {
    const lines: string[] = [];
    const record = (obj: unknown, msg?: string) => {
      lines.push(JSON.stringify(obj) + (msg ?? ''));
    };
    const logger = { debug: record, info: record, warn: record, error: record };
    const script: Reply[] = [{ status: 500, body: 'oops' }, { hang: true }, { status: 401 }];
    const { receiver, source, service } = await setup((_r, i) => script[i] ?? { status: 200 }, {
      logger,
      schedule: [5, 5],
    });
    source.addInstance('i1', receiver.url, ['onMessage'], {
      headers: { authorization: 'Bearer top-secret-token' },
      timeout: 100,
    });
    source.message('i1', 1);
    await service.idle();
    const { secret } = await service.describe('i1');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const all = lines.join('\n');
    expect(all).not.toContain(secret.slice('whsec_'.length, 20));
    expect(all).not.toContain('top-secret-token');
    expect(all).toContain('HTTP 401');
  });

  it('prunes dead letters past their retention on start, and on request', async () => {
    const day = 24 * 3_600_000;
    let now = 1_000 * day;
    const store = new MemoryStore();
    const { receiver, source, service } = await setup(() => ({ status: 400 }), {
      store,
      clock: { now: () => now },
      deadLetterRetentionMs: 7 * day,
    });
    source.addInstance('i1', receiver.url, ['onMessage']);
    source.message('i1', 1); // given up on at day 1000
    await service.idle();
    now += 5 * day;
    source.message('i1', 2); // given up on at day 1005
    await service.idle();
    expect(await service.listDeadLetters('i1')).toHaveLength(2);

    // At day 1010 only the first is past seven days.
    now += 5 * day;
    await service.stop();
    await service.start();
    await service.stop();
    const left = await service.listDeadLetters('i1');
    expect(left.map((d) => (d.payload.data as { id: string }).id)).toEqual(['m-i1-2']);

    expect(await service.pruneDeadLetters(now)).toBe(1);
    expect(await service.listDeadLetters('i1')).toEqual([]);
    expect(() => createWebhooks(source, { store, deadLetterRetentionMs: 0 })).toThrow(ValidationError);
  });

  it('refuses a schedule that is not a list of non-negative numbers', () => {
    expect(() => createWebhooks(new FakeSource(), { store: new MemoryStore(), schedule: [10, -1] })).toThrow(
      ValidationError,
    );
  });
});
