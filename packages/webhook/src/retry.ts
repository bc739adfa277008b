/**
 * When to try a failed delivery again. A schedule is the list of waits (ms) before the 2nd, 3rd, ...
 * attempt; once it runs out the event becomes a dead letter.
 */

export interface RetryPolicy {
  /** Waits before each retry, in milliseconds. Its length is the number of retries. */
  schedule: readonly number[];
  /** Each wait is spread uniformly over ±jitter of itself (0..1), so retries of many events do not align. */
  jitter: number;
  /** The longest wait a `Retry-After` header can ask for. */
  maxRetryAfterMs: number;
}

export interface ExponentialOptions {
  /** First wait. */
  initialMs: number;
  /** Each wait is this many times the previous one. */
  factor: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
  /** Retries stop once the waits add up to at least this. */
  totalMs: number;
}

/** Builds an exponential schedule: initial, initial*factor, ... capped, until the total is reached. */
export function exponentialSchedule(opts: ExponentialOptions): number[] {
  const { initialMs, factor, maxDelayMs, totalMs } = opts;
  if (!(initialMs > 0) || !(factor >= 1) || !(maxDelayMs >= initialMs) || !(totalMs >= initialMs)) {
    throw new RangeError(
      'exponentialSchedule: need initialMs > 0, factor >= 1, maxDelayMs and totalMs >= initialMs',
    );
  }
  const out: number[] = [];
  let delay = initialMs;
  let sum = 0;
  while (sum < totalMs) {
    // Whole milliseconds, so the running total is exact.
    const d = Math.max(1, Math.round(Math.min(delay, maxDelayMs)));
    out.push(d);
    sum += d;
    delay *= factor;
  }
  return out;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * The default: 5 s, 20 s, 80 s, ... growing 4x up to 6 h apart, for about a day in all
 * (10 retries, the last one about 25.6 h after the first attempt).
 */
export const DEFAULT_SCHEDULE: readonly number[] = exponentialSchedule({
  initialMs: 5 * SECOND,
  factor: 4,
  maxDelayMs: 6 * HOUR,
  totalMs: 24 * HOUR,
});

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: DEFAULT_SCHEDULE,
  jitter: 0.2,
  maxRetryAfterMs: 24 * HOUR,
};

/**
 * The wait before the next attempt after `attempts` failed ones, or null when the schedule is spent.
 * A server's `Retry-After` is honoured when it asks for longer than the backoff.
 */
export function nextDelay(
  policy: RetryPolicy,
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | null {
  const base = policy.schedule[attempts - 1];
  if (base === undefined) return null;
  const spread = base * policy.jitter;
  const jittered = Math.max(0, Math.round(base - spread + 2 * spread * random()));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Parses a `Retry-After` header (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header == null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
