import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGroupJid, jidUser, normalizeChatId, toLegacyJid, ValidationError } from '../src/index.js';

describe('normalizeChatId', () => {
  it.each([
    ['2349048988056', '2349048988056@s.whatsapp.net'],
    ['+234 904 898 8056', '2349048988056@s.whatsapp.net'],
    ['(234) 904-898.8056', '2349048988056@s.whatsapp.net'],
    ['2349048988056@c.us', '2349048988056@s.whatsapp.net'],
    ['2349048988056@s.whatsapp.net', '2349048988056@s.whatsapp.net'],
    ['2349040613521:8@s.whatsapp.net', '2349040613521@s.whatsapp.net'],
    ['120363025246125888@g.us', '120363025246125888@g.us'],
    ['2349048988056-1632345678@g.us', '2349048988056-1632345678@g.us'],
    ['2349048988056@C.US', '2349048988056@s.whatsapp.net'],
    [2349048988056, '2349048988056@s.whatsapp.net'],
    ['123456789012345@lid', '123456789012345@lid'],
  ])('%s → %s', (input, jid) => {
    expect(normalizeChatId(input)).toBe(jid);
  });

  it.each([
    ['', 'chatId: is required'],
    ['hello', 'chatId: must be a phone number or a WhatsApp id'],
    ['12345', 'chatId: must have between 7 and 15 digits'],
    ['1234567890123456', 'chatId: must have between 7 and 15 digits'],
    ['08012345678', 'chatId: must start with the country code'],
    ['2349048988056@example.com', 'chatId: has an unknown server "@example.com"'],
    ['abc@g.us', 'chatId: is not a valid group id'],
    [null, 'chatId: must be a phone number or a WhatsApp id'],
    [{}, 'chatId: must be a phone number or a WhatsApp id'],
  ])('rejects %j with a ValidationError', (input, message) => {
    expect(() => normalizeChatId(input)).toThrow(ValidationError);
    expect(() => normalizeChatId(input)).toThrow(message);
  });

  it('accepts any 7–15 digit number with the separators people type, and is idempotent', () => {
    const sep = fc.constantFrom('', ' ', '-', '.', ' ');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 14 }),
        fc.array(sep, { minLength: 15, maxLength: 15 }),
        fc.boolean(),
        (first, rest, seps, plus) => {
          const digits = [first, ...rest].join('');
          const typed = (plus ? '+' : '') + [...digits].map((d, i) => d + (seps[i] ?? '')).join('');
          const jid = normalizeChatId(typed);
          expect(jid).toBe(`${digits}@s.whatsapp.net`);
          expect(normalizeChatId(jid)).toBe(jid);
          expect(jidUser(jid)).toBe(digits);
          expect(toLegacyJid(jid)).toBe(`${digits}@c.us`);
        },
      ),
    );
  });

  it('never throws anything but a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (input) => {
        try {
          const jid = normalizeChatId(input);
          expect(jid).toMatch(/^[\d-]+@(s\.whatsapp\.net|g\.us|lid)$/);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });

  it('tells groups apart', () => {
    expect(isGroupJid('120363025246125888@g.us')).toBe(true);
    expect(isGroupJid('2349048988056@s.whatsapp.net')).toBe(false);
    expect(toLegacyJid('120363025246125888@g.us')).toBe('120363025246125888@g.us');
  });
});
