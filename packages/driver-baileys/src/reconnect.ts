import { DisconnectReason } from '@whiskeysockets/baileys';

/** What the driver does after Baileys closes a socket. */
export type CloseAction =
  /** Open a new socket right away (Baileys asks for this after pairing). */
  | { kind: 'restart'; reason: string }
  /**
   * Try again after a backoff delay. `suspect` marks closes that can mean a broken session as well
   * as a passing server hiccup; the driver stops after a few of them in a row.
   */
  | { kind: 'retry'; reason: string; suspect?: boolean }
  /** Stop for good. `loggedOut` means the credentials are no longer valid and are removed. */
  | { kind: 'stop'; reason: string; loggedOut: boolean };

/** Reads the status code Baileys puts on the error that closed a socket (a Boom's `output.statusCode`). */
export function closeStatusCode(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  const code = output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Decides what to do after a close, from the status code Baileys reports.
 * - 515 restartRequired: sent right after a QR or pairing-code login; a fresh socket must log in now.
 * - 401 loggedOut: the phone removed this device; the credentials are dead.
 * - 440 connectionReplaced: another client took over the session; reconnecting would fight it.
 * - 403 forbidden, 411 multideviceMismatch: the account cannot use this session; a retry would fail
 *   the same way, so we stop and keep the credentials for the owner to decide (log out, re-pair).
 * - 500 badSession: Baileys also uses it for any stream error it has no code for (e.g. "Stream
 *   Errored (ack)") and for failures without a reason, which usually pass on reconnect. It is retried
 *   as suspect: a few in a row and the driver stops.
 * - anything else (428 closed, 408 lost/timed out, 503, network errors): a transient drop, retried.
 */
export function classifyClose(error: unknown): CloseAction {
  const code = closeStatusCode(error);
  switch (code) {
    case DisconnectReason.restartRequired:
      return { kind: 'restart', reason: 'restartRequired' };
    case DisconnectReason.loggedOut:
      return { kind: 'stop', reason: 'loggedOut', loggedOut: true };
    case DisconnectReason.connectionReplaced:
      return { kind: 'stop', reason: 'connectionReplaced', loggedOut: false };
    case DisconnectReason.badSession:
      return { kind: 'retry', reason: 'badSession', suspect: true };
    case DisconnectReason.forbidden:
      return { kind: 'stop', reason: 'forbidden', loggedOut: false };
    case DisconnectReason.multideviceMismatch:
      return { kind: 'stop', reason: 'multideviceMismatch', loggedOut: false };
    default:
      return { kind: 'retry', reason: describeDrop(code, error) };
  }
}

function describeDrop(code: number | undefined, error: unknown): string {
  const name = code === undefined ? undefined : DisconnectReason[code];
  if (name) return name;
  if (code !== undefined) return `closed (${code})`;
  const message = error instanceof Error ? error.message : undefined;
  return message ? `closed (${message})` : 'closed';
}

export interface BackoffOptions {
  /** First delay in ms. Default 1000. */
  initialMs?: number;
  /** Largest delay in ms. Default 60000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Share of the delay that is randomised, 0..1. Default 0.5 (delay lands in [d/2, d]). */
  jitter?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter and a cap. `next()` gives the delay for the next attempt;
 * `reset()` is called once a connection opens.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.random = options.random ?? Math.random;
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const exp = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    // Jitter spreads reconnects of many instances that dropped at the same moment.
    const spread = exp * this.jitter;
    return Math.round(exp - spread + spread * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
