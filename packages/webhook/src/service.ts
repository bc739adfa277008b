import {
  type Clock,
  type Logger,
  type Store,
  silentLogger,
  systemClock,
  ValidationError,
  type WebhookEventName,
} from '@wabot/core';
import { Attempts } from './attempt.js';
import { Capture } from './capture.js';
import { WEBHOOK_EVENT_SOURCES } from './catalogue.js';
import { describeError } from './describe-error.js';
import { Dispatcher } from './dispatcher.js';
import { createIdGenerator } from './ids.js';
import { type DeadLetter, Outbox, type OutboxEntry, type TimeRange, toDeadLetter } from './outbox.js';
import { DEFAULT_RETRY_POLICY } from './retry.js';
import { instanceSecret, SECRETS_NAMESPACE, Signer } from './signer.js';
import { fetchTransport, type Transport } from './transport.js';
import type {
  ReplaySelection,
  WebhookDescription,
  WebhookOptions,
  WebhookService,
  WebhookSource,
  WebhookSourceEvent,
  WebhookStats,
} from './types.js';

export type {
  AttemptReport,
  ReplaySelection,
  WebhookDescription,
  WebhookOptions,
  WebhookService,
  WebhookSource,
  WebhookSourceEvent,
  WebhookStats,
} from './types.js';

const EVENT_NAMES = Object.keys(WEBHOOK_EVENT_SOURCES) as WebhookEventName[];
const HOUR = 3_600_000;
const DEFAULT_RETENTION_MS = 30 * 24 * HOUR;

/**
 * Durable, signed, at-least-once webhook delivery for every instance of a source.
 * @example
 * const webhooks = createWebhooks(manager, { store });
 * await webhooks.start();
 */
export function createWebhooks(source: WebhookSource, options: WebhookOptions): WebhookService {
  return new Webhooks(source, options);
}

class Webhooks implements WebhookService {
  private readonly store: Store;
  private readonly outbox: Outbox;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly capture: Capture;
  private readonly attempts: Attempts;
  private readonly secrets = new Map<string, string>();
  private readonly listeners: Array<{ name: WebhookSourceEvent; fn: (e: { instanceId: string }) => void }> =
    [];
  private enqueued = 0;
  private dispatcher: Dispatcher | null = null;
  private starting: Promise<void> | null = null;
  private transport: Transport | null = null;
  private closeTransport: (() => void) | null = null;
  private pruneTimer: ReturnType<typeof setInterval> | null = null;
  private pruning: Promise<void> | null = null;

  constructor(
    private readonly source: WebhookSource,
    private readonly options: WebhookOptions,
  ) {
    this.store = options.store;
    this.outbox = new Outbox(options.store);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    const schedule = options.schedule ?? DEFAULT_RETRY_POLICY.schedule;
    if (!schedule.every((d) => Number.isFinite(d) && d >= 0)) {
      throw new ValidationError('must be a list of non-negative milliseconds', 'schedule');
    }
    const retention = options.deadLetterRetentionMs;
    if (retention !== undefined && !(retention > 0)) {
      throw new ValidationError('must be a positive number of milliseconds', 'deadLetterRetentionMs');
    }
    this.capture = new Capture({
      source,
      outbox: this.outbox,
      ids: createIdGenerator(),
      clock: this.clock,
      logger: this.logger,
      stored: (instanceId, key) => {
        this.enqueued++;
        this.enqueue(instanceId, key);
      },
    });
    this.attempts = new Attempts({
      source,
      outbox: this.outbox,
      signer: new Signer(),
      secret: (instanceId) => this.secret(instanceId),
      policy: { ...DEFAULT_RETRY_POLICY, schedule, jitter: options.jitter ?? DEFAULT_RETRY_POLICY.jitter },
      clock: this.clock,
      random: options.random ?? Math.random,
      logger: this.logger,
      ...(options.onAttempt && { onAttempt: options.onAttempt }),
    });
  }

  start(): Promise<void> {
    this.starting ??= this.open().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    this.starting = null;
    await this.close();
  }

  async describe(instanceId: string): Promise<WebhookDescription> {
    const record = await this.source.getInstance(instanceId);
    return {
      url: record.webhook.webhook_url,
      events: [...record.webhook.events],
      secret: await this.secret(instanceId),
      requestConfig: record.webhook.requestConfig ?? {},
    };
  }

  async listDeadLetters(instanceId: string, range: TimeRange = {}): Promise<DeadLetter[]> {
    return (await this.outbox.deadLetters(instanceId, range)).map(toDeadLetter);
  }

  async replayDeadLetters(instanceId: string, selection: ReplaySelection = {}): Promise<number> {
    const { ids, ...range } = selection;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))) {
      throw new ValidationError('must be a list of event ids', 'ids');
    }
    let records = await this.outbox.deadLetters(instanceId, range);
    if (ids) {
      const wanted = new Set(ids);
      records = records.filter((r) => wanted.has(r.id));
    }
    const keys = await this.outbox.revive(records, this.clock.now());
    for (const key of keys) this.enqueue(instanceId, key);
    return keys.length;
  }

  async purge(instanceId: string): Promise<void> {
    await this.outbox.purge(instanceId);
    await this.store.delete(SECRETS_NAMESPACE, instanceId);
    this.secrets.delete(instanceId);
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.capture.pending > 0) await this.capture.settled();
      else if (this.dispatcher && this.dispatcher.pending > 0) await this.dispatcher.idle();
      else return;
    }
  }

  pruneDeadLetters(before: number): Promise<number> {
    if (!Number.isFinite(before)) throw new ValidationError('must be milliseconds since the epoch', 'before');
    return this.outbox.prune(before);
  }

  stats(): WebhookStats {
    return { enqueued: this.enqueued, ...this.attempts.counts, pending: this.dispatcher?.pending ?? 0 };
  }

  private async open(): Promise<void> {
    await this.openTransport();
    this.dispatcher = new Dispatcher((key) => this.attempts.run(key, this.transport!), {
      concurrency: Math.max(1, this.options.concurrency ?? 16),
      now: () => this.clock.now(),
      onError: (err, key) =>
        this.logger.error({ err: describeError(err), key }, 'webhook delivery step failed'),
    });
    for (const name of EVENT_NAMES) {
      const sourceName = WEBHOOK_EVENT_SOURCES[name];
      const fn = (e: { instanceId: string }) => this.capture.receive(name, e);
      this.source.on(sourceName, fn);
      this.listeners.push({ name: sourceName, fn });
    }
    // Subscribed before the outbox is read, so nothing emitted meanwhile is missed.
    let pending: OutboxEntry[];
    try {
      pending = await this.outbox.all();
    } catch (err) {
      await this.close();
      throw err;
    }
    for (const entry of pending) this.enqueue(entry.instanceId, Outbox.key(entry.instanceId, entry.id));
    this.schedulePruning();
  }

  private schedulePruning(): void {
    const retention = this.options.deadLetterRetentionMs ?? DEFAULT_RETENTION_MS;
    if (!Number.isFinite(retention)) return;
    const prune = () => {
      this.pruning = this.outbox.prune(this.clock.now() - retention).then(
        (n) => {
          if (n > 0) this.logger.info({ deleted: n }, 'old webhook dead letters deleted');
        },
        (err: unknown) =>
          this.logger.warn({ err: describeError(err) }, 'webhook dead letters could not be pruned'),
      );
    };
    prune();
    this.pruneTimer = setInterval(prune, HOUR);
    this.pruneTimer.unref?.();
  }

  private async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    await this.pruning;
    for (const { name, fn } of this.listeners.splice(0)) this.source.off(name, fn);
    await this.capture.settled();
    const dispatcher = this.dispatcher;
    this.dispatcher = null;
    // Stop taking work first, then cut requests in flight instead of waiting out their timeouts:
    // their events stay in the outbox and go out again after the next start.
    const stopping = dispatcher?.stop();
    this.closeTransport?.();
    this.closeTransport = null;
    await stopping;
    this.transport = null;
  }

  private async openTransport(): Promise<void> {
    const { allowPrivate = false, resolve, maxResponseBytes } = this.options;
    const common = {
      allowPrivate,
      ...(resolve && { resolve }),
      ...(maxResponseBytes && { maxResponseBytes }),
    };
    if (this.options.transport) {
      this.transport = this.options.transport;
    } else if (this.options.fetch) {
      this.transport = fetchTransport(this.options.fetch, common);
    } else {
      // Loaded on demand so the package imports cleanly where node:http does not exist.
      const { nodeTransport } = await import('./transport-node.js');
      const t = nodeTransport({ ...common, maxSockets: this.options.concurrency ?? 16 });
      this.transport = t.send;
      this.closeTransport = t.close;
    }
  }

  /** Hands a key to the dispatcher: one lane per instance keeps order; one per event does not. */
  private enqueue(instanceId: string, key: string): void {
    this.dispatcher?.add(this.options.ordered === false ? key : instanceId, key);
  }

  private async secret(instanceId: string): Promise<string> {
    const cached = this.secrets.get(instanceId);
    if (cached) return cached;
    const secret = await instanceSecret(this.store, instanceId);
    this.secrets.set(instanceId, secret);
    return secret;
  }
}
