import { DisconnectReason } from '@whiskeysockets/baileys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, classifyClose, closeStatusCode } from '../src/reconnect.js';
import { boom } from './helpers.js';

describe('classifyClose', () => {
  it('restarts at once on restartRequired (515, sent after pairing)', () => {
    expect(classifyClose(boom(DisconnectReason.restartRequired))).toEqual({
      kind: 'restart',
      reason: 'restartRequired',
    });
  });

  it('stops and reports logged out on 401', () => {
    expect(classifyClose(boom(DisconnectReason.loggedOut))).toEqual({
      kind: 'stop',
      reason: 'loggedOut',
      loggedOut: true,
    });
  });

  it.each([
    [DisconnectReason.connectionReplaced, 'connectionReplaced'],
    [DisconnectReason.forbidden, 'forbidden'],
    [DisconnectReason.multideviceMismatch, 'multideviceMismatch'],
  ])('stops without dropping credentials on %i', (code, reason) => {
    expect(classifyClose(boom(code))).toEqual({ kind: 'stop', reason, loggedOut: false });
  });

  it.each([
    [DisconnectReason.connectionClosed, 'connectionClosed'],
    [DisconnectReason.connectionLost, 'timedOut'],
    [DisconnectReason.unavailableService, 'unavailableService'],
  ])('retries a transient drop (%i)', (code, reason) => {
    expect(classifyClose(boom(code))).toEqual({ kind: 'retry', reason });
  });

  it('retries a bad session (500) as suspect: Baileys also reports unknown stream errors that way', () => {
    expect(classifyClose(boom(DisconnectReason.badSession))).toEqual({
      kind: 'retry',
      reason: 'badSession',
      suspect: true,
    });
  });

  it('retries errors without a status code and names them', () => {
    expect(classifyClose(new Error('ECONNREFUSED'))).toEqual({
      kind: 'retry',
      reason: 'closed (ECONNREFUSED)',
    });
    expect(classifyClose(undefined)).toEqual({ kind: 'retry', reason: 'closed' });
    expect(classifyClose(boom(499))).toEqual({ kind: 'retry', reason: 'closed (499)' });
  });

  it('reads the status code only from a Boom-like output', () => {
    expect(closeStatusCode(boom(428))).toBe(428);
    expect(closeStatusCode({ output: { statusCode: '428' } })).toBeUndefined();
    expect(closeStatusCode('x')).toBeUndefined();
  });
});

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap when jitter is off', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    const delays = Array.from({ length: 7 }, () => b.next());
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(b.attempts).toBe(7);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(100);
  });

  it('keeps every jittered delay within [(1 - jitter) * d, d] and never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (initialMs, maxMs, jitter, randoms) => {
          let i = 0;
          const b = new Backoff({
            initialMs,
            maxMs,
            jitter,
            random: () => randoms[i++ % randoms.length] ?? 0,
          });
          for (let n = 0; n < randoms.length; n++) {
            const nominal = Math.min(maxMs, initialMs * 2 ** n);
            const d = b.next();
            expect(d).toBeLessThanOrEqual(Math.round(nominal));
            expect(d).toBeGreaterThanOrEqual(Math.floor(nominal * (1 - jitter)));
          }
        },
      ),
    );
  });

  it('spreads delays when jitter is on', () => {
    const low = new Backoff({ initialMs: 1000, jitter: 0.5, random: () => 0 }).next();
    const high = new Backoff({ initialMs: 1000, jitter: 0.5, random: () => 0.999 }).next();
    expect(low).toBe(500);
    expect(high).toBe(1000);
  });
});
