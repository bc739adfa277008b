import { Namespaces, type Store, ValidationError, type WebhookEventName } from '@wabot/core';
import type { WebhookPayload } from './catalogue.js';

/** One event waiting to be delivered. `body` is the exact JSON sent on every attempt. */
export interface OutboxEntry {
  id: string;
  instanceId: string;
  event: WebhookEventName;
  body: string;
  /** When the event happened (ms since the epoch). */
  createdAt: number;
  /** Attempts made so far. */
  attempts: number;
  /** Not before this time (ms since the epoch). */
  nextAttemptAt: number;
  lastError?: string;
  lastStatus?: number;
}

/** An event that was given up on, as stored. */
export interface DeadLetterRecord extends OutboxEntry {
  failedAt: number;
}

/** A dead letter as the admin API returns it. */
export interface DeadLetter {
  id: string;
  instanceId: string;
  event: WebhookEventName;
  payload: WebhookPayload;
  /** When the event happened, ISO 8601. */
  createdAt: string;
  /** When it was given up on, ISO 8601. */
  failedAt: string;
  attempts: number;
  /** Why the last attempt failed. */
  error: string;
  /** HTTP status of the last attempt, when there was a response. */
  status?: number;
}

/** Filters dead letters by when their event happened; both ends inclusive. */
export interface TimeRange {
  from?: Date | string | number;
  to?: Date | string | number;
}

/** The outbox and dead-letter list of every instance, kept in the `Store`. */
export class Outbox {
  constructor(private readonly store: Store) {}

  static key(instanceId: string, id: string): string {
    return `${instanceId}:${id}`;
  }

  async add(entry: OutboxEntry): Promise<void> {
    await this.store.set(Namespaces.outbox, Outbox.key(entry.instanceId, entry.id), entry);
  }

  /** Adds several entries in one store batch (one transaction where the store has them). */
  async addMany(entries: readonly OutboxEntry[]): Promise<void> {
    await this.store.batch(
      entries.map((e) => ({ namespace: Namespaces.outbox, key: Outbox.key(e.instanceId, e.id), value: e })),
    );
  }

  async get(key: string): Promise<OutboxEntry | undefined> {
    return this.store.get<OutboxEntry>(Namespaces.outbox, key);
  }

  /** Every pending entry of every instance, in key order. */
  async all(): Promise<OutboxEntry[]> {
    return (await this.store.list<OutboxEntry>(Namespaces.outbox)).map((e) => e.value);
  }

  async save(entry: OutboxEntry): Promise<void> {
    await this.add(entry);
  }

  async remove(entry: OutboxEntry): Promise<void> {
    await this.store.delete(Namespaces.outbox, Outbox.key(entry.instanceId, entry.id));
  }

  /** Moves an entry to the dead letters in one batch, so it is never in both or neither. */
  async bury(entry: OutboxEntry, failedAt: number): Promise<void> {
    const key = Outbox.key(entry.instanceId, entry.id);
    const record: DeadLetterRecord = { ...entry, failedAt };
    await this.store.batch([
      { namespace: Namespaces.deadLetters, key, value: record },
      { namespace: Namespaces.outbox, key, value: undefined },
    ]);
  }

  async deadLetters(instanceId: string, range: TimeRange = {}): Promise<DeadLetterRecord[]> {
    const { from, to } = parseRange(range);
    const entries = await this.store.list<DeadLetterRecord>(Namespaces.deadLetters, `${instanceId}:`);
    return entries
      .map((e) => e.value)
      .filter((r) => r.instanceId === instanceId && r.createdAt >= from && r.createdAt <= to);
  }

  /** Puts dead letters back in the outbox, due now, with their attempts reset. Returns the keys. */
  async revive(records: readonly DeadLetterRecord[], now: number): Promise<string[]> {
    if (records.length === 0) return [];
    const ops = [];
    const keys: string[] = [];
    for (const r of records) {
      const key = Outbox.key(r.instanceId, r.id);
      const { failedAt: _failedAt, lastError: _lastError, lastStatus: _lastStatus, ...rest } = r;
      const entry: OutboxEntry = { ...rest, attempts: 0, nextAttemptAt: now };
      ops.push({ namespace: Namespaces.outbox, key, value: entry });
      ops.push({ namespace: Namespaces.deadLetters, key, value: undefined });
      keys.push(key);
    }
    await this.store.batch(ops);
    return keys;
  }

  /** Deletes every instance's dead letters given up on before `before`. Returns how many. */
  async prune(before: number): Promise<number> {
    const entries = await this.store.list<DeadLetterRecord>(Namespaces.deadLetters);
    const ops = entries
      .filter((e) => e.value.failedAt < before)
      .map((e) => ({ namespace: Namespaces.deadLetters, key: e.key, value: undefined }));
    if (ops.length > 0) await this.store.batch(ops);
    return ops.length;
  }

  /** Deletes everything kept for an instance (pending events and dead letters). */
  async purge(instanceId: string): Promise<void> {
    const ops = [];
    for (const ns of [Namespaces.outbox, Namespaces.deadLetters]) {
      for (const e of await this.store.list<OutboxEntry>(ns, `${instanceId}:`)) {
        if (e.value.instanceId === instanceId) ops.push({ namespace: ns, key: e.key, value: undefined });
      }
    }
    if (ops.length > 0) await this.store.batch(ops);
  }
}

/** The public shape of a stored dead letter. */
export function toDeadLetter(r: DeadLetterRecord): DeadLetter {
  const out: DeadLetter = {
    id: r.id,
    instanceId: r.instanceId,
    event: r.event,
    payload: JSON.parse(r.body) as WebhookPayload,
    createdAt: new Date(r.createdAt).toISOString(),
    failedAt: new Date(r.failedAt).toISOString(),
    attempts: r.attempts,
    error: r.lastError ?? 'unknown',
  };
  if (r.lastStatus !== undefined) out.status = r.lastStatus;
  return out;
}

function parseRange(range: TimeRange): { from: number; to: number } {
  return {
    from: range.from === undefined ? Number.NEGATIVE_INFINITY : parseTime(range.from, 'from'),
    to: range.to === undefined ? Number.POSITIVE_INFINITY : parseTime(range.to, 'to'),
  };
}

function parseTime(value: Date | string | number, field: string): number {
  let t: number;
  if (value instanceof Date) t = value.getTime();
  else if (typeof value === 'number') t = value;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) t = Number(value);
  else if (typeof value === 'string') t = Date.parse(value);
  else t = Number.NaN;
  if (!Number.isFinite(t))
    throw new ValidationError('must be an ISO 8601 date or milliseconds since the epoch', field);
  return t;
}
