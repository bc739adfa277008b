import { defaultSettings, defaultWebhook, type InstanceRecord, type Message, type Store } from '@wabot/core';
import { createWebhooks, type WebhookSource } from './service.js';

export interface BenchOptions {
  /** The receiver every event is sent to. */
  url: string;
  /** Holds the outbox (use a SQLite store to measure the durable path). */
  store: Store;
  /** Events in all (default 2000), spread round-robin over `instances` (default 4). */
  events?: number;
  instances?: number;
  concurrency?: number;
}

export interface BenchResult {
  events: number;
  instances: number;
  ms: number;
  perSecond: number;
}

/**
 * Measures delivered events per second through the whole path (outbox write, signing, HTTP, outbox
 * delete): emits `events` messages and waits until all are delivered. The receiver must answer 2xx.
 * Private destinations are allowed, since benchmark receivers run on 127.0.0.1.
 */
export async function benchDelivery(options: BenchOptions): Promise<BenchResult> {
  const events = options.events ?? 2000;
  const instances = options.instances ?? 4;
  const source = new BenchSource(options.url, instances);
  const service = createWebhooks(source, {
    store: options.store,
    allowPrivate: true,
    concurrency: options.concurrency ?? 16,
    schedule: [],
  });
  await service.start();
  try {
    const started = performance.now();
    for (let i = 0; i < events; i++) source.emit(`bench-${i % instances}`, i);
    await service.idle();
    const ms = performance.now() - started;
    const { delivered } = service.stats();
    if (delivered !== events) throw new Error(`benchDelivery: ${delivered} of ${events} events delivered`);
    return { events, instances, ms, perSecond: (events / ms) * 1000 };
  } finally {
    await service.stop();
  }
}

/**
 * The baseline: the same number of POSTs with plain `fetch`, one instance's requests in order and
 * `instances` of them in parallel, with no outbox or signing.
 */
export async function benchPlainFetch(options: Omit<BenchOptions, 'store'>): Promise<BenchResult> {
  const events = options.events ?? 2000;
  const instances = options.instances ?? 4;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: instances }, async (_, lane) => {
      for (let i = lane; i < events; i += instances) {
        const res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ event: 'onMessage', instanceId: `bench-${lane}`, data: { seq: i } }),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`benchPlainFetch: HTTP ${res.status}`);
      }
    }),
  );
  const ms = performance.now() - started;
  return { events, instances, ms, perSecond: (events / ms) * 1000 };
}

type Listener = (event: Message) => void;

/** A stand-in manager: every instance has webhooks on for `onMessage`, pointing at `url`. */
class BenchSource implements WebhookSource {
  private readonly listeners = new Set<Listener>();
  private readonly records = new Map<string, InstanceRecord>();

  constructor(url: string, instances: number) {
    for (let i = 0; i < instances; i++) {
      const id = `bench-${i}`;
      const settings = defaultSettings('bench');
      settings.actions.send_webhook = true;
      this.records.set(id, {
        _id: id,
        user_id: 'bench',
        session_id: id,
        settings,
        webhook: { ...defaultWebhook(), webhook_url: url, events: ['onMessage'] },
        createdAt: new Date(0).toISOString(),
        updatedAt: new Date(0).toISOString(),
        __v: 0,
      });
    }
  }

  on(event: string, fn: unknown): this {
    if (event === 'message') this.listeners.add(fn as Listener);
    return this;
  }

  off(event: string, fn: unknown): this {
    if (event === 'message') this.listeners.delete(fn as Listener);
    return this;
  }

  async getInstance(id: string): Promise<InstanceRecord> {
    const record = this.records.get(id);
    if (!record) throw new Error(`no bench instance ${id}`);
    return record;
  }

  emit(instanceId: string, seq: number): void {
    const message: Message = {
      instanceId,
      id: `m${seq}`,
      chatId: '15550000000@s.whatsapp.net',
      sender: '15550000000@s.whatsapp.net',
      senderNumber: '15550000000',
      fromMe: false,
      isGroup: false,
      kind: 'text',
      text: `bench message ${seq}`,
      timestamp: Date.now(),
    };
    for (const fn of this.listeners) fn(message);
  }
}
