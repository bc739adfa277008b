import { ValidationError, type WebhookRequestConfig } from '@wabot/core';

/** What GET /whatsapp/webhook shows. */
export interface WebhookDescription {
  url: string | null;
  events: string[];
  /** The signing secret, shown only to the instance's owner. */
  secret?: string | null;
  requestConfig: WebhookRequestConfig;
}

/** A time range in milliseconds since the epoch; both ends inclusive and optional. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/**
 * The webhook delivery service as the HTTP routes use it (implemented by @wabot/webhook). Optional:
 * without it, GET /whatsapp/webhook shows the stored configuration and dead letters are unavailable.
 */
export interface WebhookControl {
  describe(instanceId: string): WebhookDescription | Promise<WebhookDescription>;
  listDeadLetters(instanceId: string, range: TimeRange): unknown[] | Promise<unknown[]>;
  /** Queues the selected dead letters for delivery again; resolves to how many were queued. */
  replayDeadLetters(instanceId: string, select: TimeRange & { ids?: string[] }): number | Promise<number>;
  /** Throws for a URL deliveries must not go to (private addresses...). */
  validateUrl?(url: string): void | Promise<void>;
}

/** Runs the webhook service's URL check, turning a refusal into a 400 on `field`. */
export async function checkWebhookUrl(
  webhooks: WebhookControl | undefined,
  url: string,
  field: string,
): Promise<void> {
  if (!webhooks?.validateUrl) return;
  try {
    await webhooks.validateUrl(url);
  } catch (error) {
    // Keep the service's explanation when it is a validation error; anything else stays generic.
    const reason = error instanceof ValidationError ? error.message : 'is not an allowed webhook URL';
    throw new ValidationError(reason.replace(/^[\w.]+: /, ''), field);
  }
}
