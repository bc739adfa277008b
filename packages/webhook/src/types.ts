import type {
  Clock,
  InstanceRecord,
  Logger,
  Store,
  WebhookEventName,
  WebhookRequestConfig,
} from '@wabot/core';
import type { WEBHOOK_EVENT_SOURCES } from './catalogue.js';
import type { Outcome } from './deliver.js';
import type { DeadLetter, TimeRange } from './outbox.js';
import type { Resolver } from './ssrf.js';
import type { Transport } from './transport.js';

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
  /**
   * Dead letters older than this (by when they were given up on) are deleted, on start and then
   * hourly. Default 30 days; `Infinity` keeps them forever.
   */
  deadLetterRetentionMs?: number;
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
  /** Deletes dead letters given up on before `before` (ms since the epoch). Resolves to how many. */
  pruneDeadLetters(before: number): Promise<number>;
}
