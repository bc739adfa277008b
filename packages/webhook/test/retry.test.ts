import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_SCHEDULE,
  exponentialSchedule,
  nextDelay,
  parseRetryAfter,
  type RetryPolicy,
} from '../src/retry.js';

const HOUR = 3_600_000;

describe('retry schedule', () => {
  it('defaults to exponential waits adding up to about a day', () => {
    const total = DEFAULT_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * HOUR);
    expect(total).toBeLessThanOrEqual(30 * HOUR);
    expect(DEFAULT_SCHEDULE[0]).toBe(5_000);
    for (let i = 1; i < DEFAULT_SCHEDULE.length; i++) {
      expect(DEFAULT_SCHEDULE[i]!).toBeGreaterThanOrEqual(DEFAULT_SCHEDULE[i - 1]!);
    }
  });

  it('builds schedules that grow by the factor, respect the cap and stop at the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 1000 }),
        (initialMs, factor, capMul, totalMul) => {
          const maxDelayMs = initialMs * capMul;
          const totalMs = initialMs * totalMul;
          const s = exponentialSchedule({ initialMs, factor, maxDelayMs, totalMs });
          const sum = s.reduce((a, b) => a + b, 0);
          expect(sum).toBeGreaterThanOrEqual(totalMs);
          expect(sum - s[s.length - 1]!).toBeLessThan(totalMs);
          expect(s.every((d) => d <= maxDelayMs)).toBe(true);
          expect(s[0]).toBe(initialMs);
          expect(s.every((d) => Number.isInteger(d))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // A float factor that used to leave the running total a hair under the target.
    const s = exponentialSchedule({
      initialMs: 10,
      factor: 7.999999999999994,
      maxDelayMs: 940,
      totalMs: 7310,
    });
    expect(s.reduce((a, b) => a + b, 0)).toBe(7310);
  });

  it('refuses nonsense parameters', () => {
    expect(() => exponentialSchedule({ initialMs: 0, factor: 2, maxDelayMs: 10, totalMs: 10 })).toThrow(
      RangeError,
    );
    expect(() => exponentialSchedule({ initialMs: 1, factor: 0.5, maxDelayMs: 10, totalMs: 10 })).toThrow(
      RangeError,
    );
  });

  it('keeps jittered waits within ±jitter of the schedule and stops when it is spent', () => {
    const policy: RetryPolicy = { schedule: [100, 1000, 10_000], jitter: 0.2, maxRetryAfterMs: 50_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const base = policy.schedule[n - 1]!;
          const d = nextDelay(policy, n, undefined, () => r)!;
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.2));
        },
      ),
    );
    expect(nextDelay(policy, 4, undefined)).toBeNull();
    expect(nextDelay({ ...policy, schedule: [] }, 1, undefined)).toBeNull();
  });

  it('waits at least as long as Retry-After asks, up to the cap', () => {
    const policy: RetryPolicy = { schedule: [100], jitter: 0, maxRetryAfterMs: 5_000 };
    expect(nextDelay(policy, 1, 2_000)).toBe(2_000);
    expect(nextDelay(policy, 1, 50)).toBe(100);
    expect(nextDelay(policy, 1, 60_000)).toBe(5_000);
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBe(24 * HOUR);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
