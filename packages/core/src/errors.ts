/**
 * Every error wabot throws on purpose is a `WabotError` with a stable `code`.
 * Adapters map the subclass to a status code in one place (see the HTTP adapter).
 */
export class WabotError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input was malformed; `field` names the offending field when there is one. */
export class ValidationError extends WabotError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super('validation', field ? `${field}: ${message}` : message);
    this.field = field;
  }
}

/** The thing asked for (instance, intent, contact, attachment...) does not exist. */
export class NotFoundError extends WabotError {
  readonly resource: string;
  constructor(resource: string, id: string) {
    super('not_found', `${resource} not found: ${id}`);
    this.resource = resource;
  }
}

/** The caller is not allowed to use this instance. Never carries the secret that failed. */
export class AuthError extends WabotError {
  constructor(message = 'invalid session_id or access_token') {
    super('auth', message);
  }
}

/** The instance is not in a state that allows the call (e.g. sending before it is connected). */
export class StateError extends WabotError {
  constructor(message: string) {
    super('state', message);
  }
}

/** The driver (WhatsApp connection) failed. `transient` errors are retried by the send queue. */
export class DriverError extends WabotError {
  readonly transient: boolean;
  constructor(message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super('driver', message, { cause: options.cause });
    this.transient = options.transient ?? false;
  }
}

/** A send failed for good (after retries), or timed out. */
export class SendError extends WabotError {
  readonly chatId: string;
  constructor(chatId: string, message: string, options?: { cause?: unknown }) {
    super('send', message, options);
    this.chatId = chatId;
  }
}

/** The store failed or a compare-and-set lost too many times. */
export class StoreError extends WabotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store', message, options);
  }
}
