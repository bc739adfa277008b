import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../src/recent-ids.js';

describe('RecentIds', () => {
  it('reports repeats and forgets the oldest beyond the limit', () => {
    const ids = new RecentIds(2);
    expect(ids.seen('a')).toBe(false);
    expect(ids.seen('a')).toBe(true);
    expect(ids.seen('b')).toBe(false);
    expect(ids.seen('c')).toBe(false);
    expect(ids.seen('a')).toBe(false);
    expect(ids.seen('c')).toBe(true);
  });

  it('never reports a repeat within the last `limit` distinct keys as new', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (keys, limit) => {
          const ids = new RecentIds(limit);
          const window: string[] = [];
          for (const k of keys.map(String)) {
            const inWindow = window.includes(k);
            expect(ids.seen(k)).toBe(inWindow);
            if (!inWindow) {
              window.push(k);
              if (window.length > limit) window.shift();
            }
          }
        },
      ),
    );
  });
});
