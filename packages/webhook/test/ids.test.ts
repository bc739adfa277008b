import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, idTime } from '../src/ids.js';

describe('event ids', () => {
  it('strictly increase for any sequence of clock readings, even when the clock goes back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 2, maxLength: 200 }),
        (times) => {
          const gen = createIdGenerator();
          const ids = times.map((t) => gen.next(t));
          for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
        },
      ),
    );
  });

  it('carry their creation time and have a fixed shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), (t) => {
        const id = createIdGenerator().next(t);
        expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
        expect(idTime(id)).toBe(t);
      }),
    );
  });

  it('sort by time across generators (as after a restart)', () => {
    const a = createIdGenerator().next(1_000);
    const b = createIdGenerator().next(1_001);
    expect(a < b).toBe(true);
  });

  it('increment within one millisecond without depending on the random part', () => {
    const gen = createIdGenerator(() => (1n << 80n) - 1n);
    const first = gen.next(5);
    const second = gen.next(5);
    expect(second > first).toBe(true);
    expect(idTime(second)).toBe(6);
  });

  it('rejects strings that are not ids', () => {
    expect(idTime('evt_123')).toBeNaN();
    expect(idTime('msg_!!!!!!!!!!!!!!!!!!!!!!!!!!')).toBeNaN();
  });
});
