/** Both ends inclusive; dates, ISO strings or milliseconds since the epoch. */
export interface WebhookTimeRange {
  from?: Date | string | number;
  to?: Date | string | number;
}

/**
 * What an instance can ask of the webhook delivery service (`@wabot/webhook` implements it). Core
 * only forwards these calls, so it stays free of HTTP and delivery concerns.
 */
export interface WebhookAdmin<Description = unknown, DeadLetter = unknown> {
  describe(instanceId: string): Promise<Description>;
  listDeadLetters(instanceId: string, range?: WebhookTimeRange): Promise<DeadLetter[]>;
  /** Moves matching dead letters back to the outbox; resolves to how many. */
  replayDeadLetters(instanceId: string, selection?: WebhookTimeRange & { ids?: string[] }): Promise<number>;
  /** Forgets an instance's pending events, dead letters and secret. */
  purge?(instanceId: string): Promise<void>;
}
