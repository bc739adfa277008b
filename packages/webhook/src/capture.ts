import {
  type Clock,
  type InstanceRecord,
  type Logger,
  NotFoundError,
  type WebhookEventName,
} from '@wabot/core';
import { toPayload, type WebhookPayload } from './catalogue.js';
import { describeError } from './describe-error.js';
import type { IdGenerator } from './ids.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import type { WebhookSource } from './types.js';

/** Most events written to the outbox in one store batch. */
const MAX_BATCH = 256;

/** An event received and not yet written. */
interface Received {
  name: WebhookEventName;
  payload: WebhookPayload;
  at: number;
}

export interface CaptureOptions {
  source: WebhookSource;
  outbox: Outbox;
  ids: IdGenerator;
  clock: Clock;
  logger: Logger;
  /** Called with each outbox key once its entry is written. */
  stored: (instanceId: string, key: string) => void;
}

/**
 * Turns instance events into outbox entries. Each instance's events are written in the order they
 * were emitted; events that arrive while a write is under way are written together in the next one,
 * so a burst costs a few store transactions rather than one per event.
 */
export class Capture {
  private readonly inboxes = new Map<string, Received[]>();
  private readonly drains = new Map<string, Promise<void>>();
  private waiting = 0;

  constructor(private readonly options: CaptureOptions) {}

  /** Events received and not yet written (or dropped). */
  get pending(): number {
    return this.waiting;
  }

  /** An instance event arrived: copy what is needed now, since the emitter's object may change later. */
  receive(name: WebhookEventName, event: { instanceId: string }): void {
    const at = this.options.clock.now();
    let payload: WebhookPayload;
    try {
      payload = toPayload(name, event as never, at);
    } catch (err) {
      this.options.logger.error(
        { err: describeError(err), event: name },
        'webhook payload could not be built',
      );
      return;
    }
    const instanceId = event.instanceId;
    this.waiting++;
    let inbox = this.inboxes.get(instanceId);
    if (!inbox) {
      inbox = [];
      this.inboxes.set(instanceId, inbox);
    }
    inbox.push({ name, payload, at });
    if (!this.drains.has(instanceId)) this.drains.set(instanceId, this.drain(instanceId, inbox));
  }

  /** Resolves once everything received so far is written. */
  async settled(): Promise<void> {
    while (this.drains.size > 0) await Promise.all([...this.drains.values()]);
  }

  private async drain(instanceId: string, inbox: Received[]): Promise<void> {
    while (inbox.length > 0) {
      const items = inbox.splice(0, MAX_BATCH);
      try {
        await this.write(instanceId, items);
      } catch (err) {
        this.options.logger.error(
          { err: describeError(err), instanceId, events: items.length },
          'webhook events could not be stored',
        );
      } finally {
        this.waiting -= items.length;
      }
    }
    // Both go in the same tick as the emptiness check, so a later event starts a new drain.
    this.inboxes.delete(instanceId);
    this.drains.delete(instanceId);
  }

  private async write(instanceId: string, items: Received[]): Promise<void> {
    let record: InstanceRecord;
    try {
      record = await this.options.source.getInstance(instanceId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // Deleted while its events were on the way: nobody is subscribed any more.
      this.options.logger.debug(
        { instanceId, events: items.length },
        'webhook events of an unknown instance dropped',
      );
      return;
    }
    const entries: OutboxEntry[] = [];
    for (const { name, payload, at } of items) {
      if (!wants(record, name)) continue;
      entries.push({
        id: this.options.ids.next(at),
        instanceId,
        event: name,
        body: JSON.stringify(payload),
        createdAt: at,
        attempts: 0,
        nextAttemptAt: at,
      });
    }
    if (entries.length === 0) return;
    await this.options.outbox.addMany(entries);
    for (const entry of entries) this.options.stored(instanceId, Outbox.key(instanceId, entry.id));
  }
}

/** Whether the instance wants this event sent now. */
export function wants(record: InstanceRecord, name: WebhookEventName): boolean {
  return (
    record.settings.actions.send_webhook === true &&
    typeof record.webhook.webhook_url === 'string' &&
    record.webhook.webhook_url.length > 0 &&
    record.webhook.events.includes(name)
  );
}
