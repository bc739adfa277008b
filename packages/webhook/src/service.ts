import {
  type Clock,
  type InstanceRecord,
  type Logger,
  NotFoundError,
  type Store,
  silentLogger,
  systemClock,
  ValidationError,
  type WebhookEventName,
  type WebhookRequestConfig,
} from '@wabot/core';
import { toPayload, WEBHOOK_EVENT_SOURCES, type WebhookPayload } from './catalogue.js';
import { buildHeaders, classifyError, classifyResponse, type Outcome, timeoutOf } from './deliver.js';
import { Dispatcher } from './dispatcher.js';
import { createIdGenerator } from './ids.js';
import { type DeadLetter, Outbox, type OutboxEntry, type TimeRange, toDeadLetter } from './outbox.js';
import { DEFAULT_RETRY_POLICY, nextDelay, type RetryPolicy } from './retry.js';
import { instanceSecret, SECRETS_NAMESPACE, Signer } from './signer.js';
import type { Resolver } from './ssrf.js';
import { fetchTransport, type Transport } from './transport.js';

/**
 * What the service listens to: the manager's instance events and its instance records.
 * `BotManager` satisfies it; so does any emitter of `InstanceEvents` with a `getInstance`.
 */
export interface WebhookSource {
  // Listeners are typed loosely on purpose, so that typed emitters (eventemitter3, node:events) fit.
  on(event: WebhookSourceEvent, fn: (payload: { instanceId: string }) => void): unknown;
  off(event: WebhookSourceEvent, fn: (payload: { instanceId: string }) => void): unknown;
  /** @throws NotFoundError when the instance does not exist (pending events are then dead-lettered). */
  getInstance(id: string): Promise<InstanceRecord>;
}

/** The instance events webhooks are made from. */
export type WebhookSourceEvent = (typeof WEBHOOK_EVENT_SOURCES)[WebhookEventName];

export interface WebhookOptions {
  /** Holds the outbox, the dead letters and the signing secrets. */
  store: Store;
  /** Allow loopback/private/link-local/CGNAT destinations (e.g. `WABOT_WEBHOOK_ALLOW_PRIVATE=1`). */
  allowPrivate?: boolean;
  /** Waits (ms) before each retry; when spent, the event becomes a dead letter. Default: about a day. */
  schedule?: readonly number[];
  /** Spread of each wait, 0..1 (default 0.2). */
  jitter?: number;
  /** Send with this `fetch` instead of `node:http` (for runtimes without it). */
  fetch?: typeof fetch;
  /** Send with this transport (takes precedence over `fetch`). */
  transport?: Transport;
  /** How host names are resolved for the address check. */
  resolve?: Resolver;
  /**
   * Deliver one instance's events one at a time, in order (default true). With false, they go out in
   * parallel (up to `concurrency`) and a failing event does not hold back the others.
   */
  ordered?: boolean;
  /** Most deliveries in flight at once, across instances (default 16). */
  concurrency?: number;
  /** Most response bytes read per attempt (default 64 KiB). */
  maxResponseBytes?: number;
  logger?: Logger;
  clock?: Clock;
  /** Source of randomness for jitter, 0..1. */
  random?: () => number;
  /** Called after every attempt; for metrics. Must not throw. */
  onAttempt?: (report: AttemptReport) => void;
}

/** One delivery attempt, as reported to `onAttempt`. */
export interface AttemptReport {
  instanceId: string;
  id: string;
  event: WebhookEventName;
  /** 1 for the first attempt. */
  attempt: number;
  outcome: Outcome['kind'] | 'dead';
  status?: number;
  error?: string;
}

/** The webhook settings of an instance as `GET /whatsapp/webhook` shows them. */
export interface WebhookDescription {
  url: string | null;
  events: WebhookEventName[];
  secret: string;
  requestConfig: WebhookRequestConfig;
}

export interface ReplaySelection extends TimeRange {
  /** Only these dead letters (event ids); all in the range when omitted. */
  ids?: string[];
}

export interface WebhookStats {
  enqueued: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  pending: number;
}

export interface WebhookService {
  /** Subscribes to the source and resumes whatever the outbox holds. */
  start(): Promise<void>;
  /** Unsubscribes, waits for events already received to be written and for attempts in flight. */
  stop(): Promise<void>;
  describe(instanceId: string): Promise<WebhookDescription>;
  listDeadLetters(instanceId: string, range?: TimeRange): Promise<DeadLetter[]>;
  /** Moves matching dead letters back to the outbox. Resolves to how many were replayed. */
  replayDeadLetters(instanceId: string, selection?: ReplaySelection): Promise<number>;
  /** Deletes an instance's pending events, dead letters and secret (call when the instance is deleted). */
  purge(instanceId: string): Promise<void>;
  /** Resolves once every event received so far is delivered or dead-lettered. */
  idle(): Promise<void>;
  stats(): WebhookStats;
}

const EVENT_NAMES = Object.keys(WEBHOOK_EVENT_SOURCES) as WebhookEventName[];

/** Most events written to the outbox in one store batch. */
const MAX_CAPTURE_BATCH = 256;

/** An event received and not yet written. */
interface Received {
  name: WebhookEventName;
  payload: WebhookPayload;
  at: number;
}

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
  private readonly outbox: Outbox;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly ids = createIdGenerator();
  private readonly signer = new Signer();
  private readonly secrets = new Map<string, string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inboxes = new Map<string, Received[]>();
  private readonly listeners: Array<{ name: WebhookSourceEvent; fn: (e: { instanceId: string }) => void }> =
    [];
  private dispatcher: Dispatcher | null = null;
  private starting: Promise<void> | null = null;
  private transport: Transport | null = null;
  private closeTransport: (() => void) | null = null;
  private capturing = 0;
  private readonly counts = { enqueued: 0, delivered: 0, retried: 0, deadLettered: 0 };

  constructor(
    private readonly source: WebhookSource,
    private readonly options: WebhookOptions,
  ) {
    this.store = options.store;
    this.outbox = new Outbox(options.store);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    const schedule = options.schedule ?? DEFAULT_RETRY_POLICY.schedule;
    if (!schedule.every((d) => Number.isFinite(d) && d >= 0)) {
      throw new ValidationError('must be a list of non-negative milliseconds', 'schedule');
    }
    this.policy = {
      ...DEFAULT_RETRY_POLICY,
      schedule,
      jitter: options.jitter ?? DEFAULT_RETRY_POLICY.jitter,
    };
  }

  start(): Promise<void> {
    this.starting ??= this.open().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  private async open(): Promise<void> {
    await this.openTransport();
    this.dispatcher = new Dispatcher((key) => this.attempt(key), {
      concurrency: Math.max(1, this.options.concurrency ?? 16),
      now: () => this.clock.now(),
      onError: (err, key) =>
        this.logger.error({ err: describeError(err), key }, 'webhook delivery step failed'),
    });
    for (const name of EVENT_NAMES) {
      const sourceName = WEBHOOK_EVENT_SOURCES[name];
      const fn = (e: { instanceId: string }) => this.receive(name, e);
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
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    this.starting = null;
    await this.close();
  }

  private async close(): Promise<void> {
    for (const { name, fn } of this.listeners.splice(0)) {
      this.source.off(name, fn);
    }
    await Promise.all([...this.chains.values()]);
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
      if (this.capturing > 0) await Promise.all([...this.chains.values()]);
      else if (this.dispatcher && this.dispatcher.pending > 0) await this.dispatcher.idle();
      else return;
    }
  }

  stats(): WebhookStats {
    return { ...this.counts, pending: this.dispatcher?.pending ?? 0 };
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

  /** An instance event arrived: turn it into a payload now, store it in emission order. */
  private receive(name: WebhookEventName, event: { instanceId: string }): void {
    const at = this.clock.now();
    // Copy what is needed now: the emitter's object may change after this call returns.
    let payload: WebhookPayload;
    try {
      payload = toPayload(name, event as never, at);
    } catch (err) {
      this.logger.error({ err: describeError(err), event: name }, 'webhook payload could not be built');
      return;
    }
    const instanceId = event.instanceId;
    this.capturing++;
    let inbox = this.inboxes.get(instanceId);
    if (!inbox) {
      inbox = [];
      this.inboxes.set(instanceId, inbox);
    }
    inbox.push({ name, payload, at });
    if (!this.chains.has(instanceId)) {
      this.chains.set(instanceId, this.drain(instanceId, inbox));
    }
  }

  /**
   * Writes an instance's received events to the outbox in arrival order. Events that arrive while a
   * write is under way are written together in the next one, so a burst costs a few store
   * transactions rather than one per event.
   */
  private async drain(instanceId: string, inbox: Received[]): Promise<void> {
    while (inbox.length > 0) {
      const items = inbox.splice(0, MAX_CAPTURE_BATCH);
      try {
        await this.capture(instanceId, items);
      } catch (err) {
        this.logger.error(
          { err: describeError(err), instanceId, events: items.length },
          'webhook events could not be stored',
        );
      } finally {
        this.capturing -= items.length;
      }
    }
    // Both go in the same tick as the emptiness check, so a later event starts a new drain.
    this.inboxes.delete(instanceId);
    this.chains.delete(instanceId);
  }

  private async capture(instanceId: string, items: Received[]): Promise<void> {
    let record: InstanceRecord;
    try {
      record = await this.source.getInstance(instanceId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // Deleted while its events were on the way: nobody is subscribed any more.
      this.logger.debug(
        { instanceId, events: items.length },
        'webhook events of an unknown instance dropped',
      );
      return;
    }
    const entries: OutboxEntry[] = [];
    for (const { name, payload, at } of items) {
      if (!wants(record, name)) continue;
      entries.push({
        id: this.ids.next(at),
        instanceId,
        event: name,
        body: JSON.stringify(payload),
        createdAt: at,
        attempts: 0,
        nextAttemptAt: at,
      });
    }
    if (entries.length === 0) return;
    await this.outbox.addMany(entries);
    this.counts.enqueued += entries.length;
    for (const entry of entries) this.enqueue(instanceId, Outbox.key(instanceId, entry.id));
  }

  /** One step for one outbox key; see `Work`. */
  private async attempt(key: string): Promise<number | null> {
    const entry = await this.outbox.get(key);
    if (!entry) return null;
    const now = this.clock.now();
    if (entry.nextAttemptAt > now) return entry.nextAttemptAt;

    let record: InstanceRecord;
    try {
      record = await this.source.getInstance(entry.instanceId);
    } catch (err) {
      if (err instanceof NotFoundError)
        return this.bury(entry, { kind: 'failed', error: 'instance not found' }, false);
      return this.retry(entry, { kind: 'retry', error: `instance lookup failed: ${describeError(err)}` });
    }
    const url = record.webhook.webhook_url;
    if (!url || !record.settings.actions.send_webhook) {
      // Nothing was sent, so this does not count as an attempt.
      return this.bury(entry, { kind: 'failed', error: 'webhook delivery is off for this instance' }, false);
    }
    const config = record.webhook.requestConfig ?? {};
    const signature = this.signer.sign(await this.secret(entry.instanceId), entry.id, now, entry.body);
    let outcome: Outcome;
    try {
      const res = await this.transport!({
        url,
        headers: buildHeaders(config, signature),
        body: entry.body,
        timeoutMs: timeoutOf(config),
      });
      outcome = classifyResponse(res, this.clock.now());
    } catch (err) {
      outcome = classifyError(err);
    }
    if (outcome.kind === 'delivered') {
      await this.outbox.remove(entry);
      this.counts.delivered++;
      this.report(entry, entry.attempts + 1, outcome);
      return null;
    }
    if (outcome.kind === 'failed') return this.bury(entry, outcome);
    return this.retry(entry, outcome);
  }

  private async retry(
    entry: OutboxEntry,
    outcome: Extract<Outcome, { kind: 'retry' }>,
  ): Promise<number | null> {
    const attempts = entry.attempts + 1;
    const delay = nextDelay(this.policy, attempts, outcome.retryAfterMs, this.random);
    if (delay === null) return this.bury(entry, outcome);
    const next: OutboxEntry = {
      ...entry,
      attempts,
      nextAttemptAt: this.clock.now() + delay,
      lastError: outcome.error,
      ...(outcome.status !== undefined && { lastStatus: outcome.status }),
    };
    await this.outbox.save(next);
    this.counts.retried++;
    this.report(entry, attempts, outcome);
    this.logger.warn(
      {
        instanceId: entry.instanceId,
        id: entry.id,
        attempt: attempts,
        error: outcome.error,
        retryInMs: delay,
      },
      'webhook attempt failed, will retry',
    );
    return next.nextAttemptAt;
  }

  private async bury(
    entry: OutboxEntry,
    outcome: Exclude<Outcome, { kind: 'delivered' }>,
    attempted = true,
  ): Promise<null> {
    const attempts = attempted ? entry.attempts + 1 : entry.attempts;
    const dead: OutboxEntry = {
      ...entry,
      attempts,
      lastError: outcome.error,
      ...(outcome.status !== undefined && { lastStatus: outcome.status }),
    };
    await this.outbox.bury(dead, this.clock.now());
    this.counts.deadLettered++;
    this.report(entry, attempts, { ...outcome, kind: 'dead' });
    this.logger.warn(
      { instanceId: entry.instanceId, id: entry.id, attempts, error: outcome.error },
      'webhook event moved to dead letters',
    );
    return null;
  }

  private report(
    entry: OutboxEntry,
    attempt: number,
    outcome: { kind: AttemptReport['outcome']; status?: number; error?: string },
  ): void {
    if (!this.options.onAttempt) return;
    const report: AttemptReport = {
      instanceId: entry.instanceId,
      id: entry.id,
      event: entry.event,
      attempt,
      outcome: outcome.kind,
      ...(outcome.status !== undefined && { status: outcome.status }),
      ...(outcome.error !== undefined && { error: outcome.error }),
    };
    try {
      this.options.onAttempt(report);
    } catch (err) {
      this.logger.error({ err: describeError(err) }, 'webhook onAttempt hook threw');
    }
  }

  private async secret(instanceId: string): Promise<string> {
    const cached = this.secrets.get(instanceId);
    if (cached) return cached;
    const secret = await instanceSecret(this.store, instanceId);
    this.secrets.set(instanceId, secret);
    return secret;
  }
}

function wants(record: InstanceRecord, name: WebhookEventName): boolean {
  return (
    record.settings.actions.send_webhook === true &&
    typeof record.webhook.webhook_url === 'string' &&
    record.webhook.webhook_url.length > 0 &&
    record.webhook.events.includes(name)
  );
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
