import { type Clock, type InstanceRecord, type Logger, NotFoundError } from '@wabot/core';
import { buildHeaders, classifyError, classifyResponse, type Outcome, timeoutOf } from './deliver.js';
import { describeError } from './describe-error.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { nextDelay, type RetryPolicy } from './retry.js';
import type { Signer } from './signer.js';
import type { Transport } from './transport.js';
import type { AttemptReport, WebhookSource } from './types.js';

export interface AttemptOptions {
  source: WebhookSource;
  outbox: Outbox;
  signer: Signer;
  /** The instance's signing secret. */
  secret: (instanceId: string) => Promise<string>;
  policy: RetryPolicy;
  clock: Clock;
  random: () => number;
  logger: Logger;
  onAttempt?: (report: AttemptReport) => void;
}

export interface Counters {
  delivered: number;
  retried: number;
  deadLettered: number;
}

/**
 * One delivery step for one outbox entry: send it if it is due, then delete it (delivered), schedule
 * the next try (retry) or move it to the dead letters (failed or out of retries).
 */
export class Attempts {
  readonly counts: Counters = { delivered: 0, retried: 0, deadLettered: 0 };

  constructor(private readonly options: AttemptOptions) {}

  /** Resolves null when the key is finished, or the time it is next due (see `Work`). */
  async run(key: string, transport: Transport): Promise<number | null> {
    const { outbox, clock } = this.options;
    const entry = await outbox.get(key);
    if (!entry) return null;
    const now = clock.now();
    if (entry.nextAttemptAt > now) return entry.nextAttemptAt;

    let record: InstanceRecord;
    try {
      record = await this.options.source.getInstance(entry.instanceId);
    } catch (err) {
      if (err instanceof NotFoundError) {
        return this.bury(entry, { kind: 'failed', error: 'instance not found' }, false);
      }
      return this.retry(entry, { kind: 'retry', error: `instance lookup failed: ${describeError(err)}` });
    }
    const url = record.webhook.webhook_url;
    if (!url || !record.settings.actions.send_webhook) {
      // Nothing was sent, so this does not count as an attempt.
      return this.bury(entry, { kind: 'failed', error: 'webhook delivery is off for this instance' }, false);
    }
    const config = record.webhook.requestConfig ?? {};
    const secret = await this.options.secret(entry.instanceId);
    const signature = this.options.signer.sign(secret, entry.id, now, entry.body);
    let outcome: Outcome;
    try {
      const res = await transport({
        url,
        headers: buildHeaders(config, signature),
        body: entry.body,
        timeoutMs: timeoutOf(config),
      });
      outcome = classifyResponse(res, clock.now());
    } catch (err) {
      outcome = classifyError(err);
    }
    if (outcome.kind === 'delivered') {
      await outbox.remove(entry);
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
    const delay = nextDelay(this.options.policy, attempts, outcome.retryAfterMs, this.options.random);
    if (delay === null) return this.bury(entry, outcome);
    const next: OutboxEntry = {
      ...entry,
      attempts,
      nextAttemptAt: this.options.clock.now() + delay,
      lastError: outcome.error,
      ...(outcome.status !== undefined && { lastStatus: outcome.status }),
    };
    await this.options.outbox.save(next);
    this.counts.retried++;
    this.report(entry, attempts, outcome);
    this.options.logger.warn(
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
    await this.options.outbox.bury(dead, this.options.clock.now());
    this.counts.deadLettered++;
    this.report(entry, attempts, { ...outcome, kind: 'dead' });
    this.options.logger.warn(
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
    const hook = this.options.onAttempt;
    if (!hook) return;
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
      hook(report);
    } catch (err) {
      this.options.logger.error({ err: describeError(err) }, 'webhook onAttempt hook threw');
    }
  }
}
