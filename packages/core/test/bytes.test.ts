import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, randomBytes, randomToken, timingSafeEqual } from '../src/index.js';

describe('bytes', () => {
  it('hands out random bytes of the asked length that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const b = randomBytes(16);
      expect(b).toHaveLength(16);
      seen.add(bytesToBase64(b));
    }
    expect(seen.size).toBe(5000);
    expect(randomBytes(1000)).toHaveLength(1000);
    expect(randomBytes(0)).toHaveLength(0);
    // Not all zero: the pool is wiped after use, so a bug that reused it would show zeros.
    expect(randomBytes(64).some((x) => x !== 0)).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => randomToken())).size).toBe(200);
  });

  it('round-trips base64 for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
        expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 50 },
    );
  });

  it('compares strings for equality whatever their lengths', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
    );
  });
});
