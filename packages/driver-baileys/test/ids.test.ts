import { ValidationError } from '@wabot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseChatId, normalisePhone } from '../src/ids.js';

describe('normaliseChatId', () => {
  it('keeps person, group and LID jids and turns bare digits into a person', () => {
    expect(normaliseChatId('15550001111@s.whatsapp.net')).toBe('15550001111@s.whatsapp.net');
    expect(normaliseChatId('120363000000000001@g.us')).toBe('120363000000000001@g.us');
    expect(normaliseChatId('123456789@lid')).toBe('123456789@lid');
    expect(normaliseChatId(' 15550001111 ')).toBe('15550001111@s.whatsapp.net');
  });

  it.each(['', 'abc', 'a b@s.whatsapp.net', '1234', '15550001111@', '@g.us'])('refuses %j', (id) => {
    expect(() => normaliseChatId(id)).toThrow(ValidationError);
  });
});

describe('normalisePhone', () => {
  it('strips the separators people type and keeps the digits', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{6,15}$/),
        fc.array(fc.constantFrom(' ', '-', '(', ')', '+'), { maxLength: 6 }),
        fc.nat(),
        (digits, separators, seed) => {
          let typed = digits;
          for (const [i, sep] of separators.entries()) {
            const at = (seed + i * 7) % (typed.length + 1);
            typed = typed.slice(0, at) + sep + typed.slice(at);
          }
          expect(normalisePhone(typed)).toBe(digits);
        },
      ),
    );
  });

  it.each(['12345', '1234567890123456', '1555abc1111', ''])('refuses %j', (phone) => {
    expect(() => normalisePhone(phone)).toThrow(ValidationError);
  });
});
