export { type BenchOptions, type BenchResult, benchDelivery, benchPlainFetch } from './bench.js';
export {
  toPayload,
  WEBHOOK_EVENT_SOURCES,
  type WebhookEventData,
  type WebhookMessage,
  type WebhookPayload,
  type WebhookSentMessage,
} from './catalogue.js';
export { classifyError, classifyResponse, DEFAULT_TIMEOUT_MS, type Outcome } from './deliver.js';
export { createIdGenerator, type IdGenerator, idTime } from './ids.js';
export { type AddressClass, classifyIp, isAllowedAddress, parseIp } from './ip.js';
export type { DeadLetter, TimeRange } from './outbox.js';
export {
  DEFAULT_RETRY_POLICY,
  DEFAULT_SCHEDULE,
  type ExponentialOptions,
  exponentialSchedule,
  nextDelay,
  parseRetryAfter,
  type RetryPolicy,
} from './retry.js';
export {
  type AttemptReport,
  createWebhooks,
  type ReplaySelection,
  type WebhookDescription,
  type WebhookOptions,
  type WebhookService,
  type WebhookSource,
  type WebhookSourceEvent,
  type WebhookStats,
} from './service.js';
export { generateSecret, SECRETS_NAMESPACE } from './signer.js';
export {
  checkWebhookUrl,
  type ResolvedAddress,
  type Resolver,
  type UrlPolicy,
  validateWebhookUrl,
  WebhookUrlError,
} from './ssrf.js';
export {
  fetchTransport,
  type Transport,
  TransportError,
  type WebhookRequest,
  type WebhookResponse,
} from './transport.js';
