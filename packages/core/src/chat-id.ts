import { ValidationError } from './errors.js';
import type { Jid } from './types.js';

const USER_SERVER = 's.whatsapp.net';
const GROUP_SERVER = 'g.us';
const LID_SERVER = 'lid';

/**
 * Turns what people type as a chat id into a WhatsApp jid.
 *
 * Accepts `2349048988056`, `+234 904 898 8056`, `(234) 904-898-8056`, `...@c.us`, `...@s.whatsapp.net`,
 * `<user>:<device>@s.whatsapp.net` (the device part is dropped), `...@lid` and group ids `...@g.us`.
 * @throws ValidationError for anything else.
 * @example normalizeChatId('+234 904 898 8056') // '2349048988056@s.whatsapp.net'
 */
export function normalizeChatId(input: unknown, field = 'chatId'): Jid {
  if (typeof input !== 'string' && typeof input !== 'number') {
    throw new ValidationError('must be a phone number or a WhatsApp id', field);
  }
  const text = String(input).trim();
  if (text === '') throw new ValidationError('is required', field);
  const at = text.lastIndexOf('@');
  if (at === -1) return `${phoneDigits(text, field)}@${USER_SERVER}`;

  const user = text.slice(0, at);
  const server = text.slice(at + 1).toLowerCase();
  switch (server) {
    case 'c.us':
    case USER_SERVER: {
      const bare = user.split(':')[0] ?? '';
      return `${phoneDigits(bare, field)}@${USER_SERVER}`;
    }
    case GROUP_SERVER:
      // Group ids are "<creator>-<timestamp>" (old) or a long number (new).
      if (!/^\d{5,20}(-\d{5,20})?$/.test(user)) throw new ValidationError('is not a valid group id', field);
      return `${user}@${GROUP_SERVER}`;
    case LID_SERVER: {
      const bare = user.split(':')[0] ?? '';
      if (!/^\d{5,20}$/.test(bare)) throw new ValidationError('is not a valid lid', field);
      return `${bare}@${LID_SERVER}`;
    }
    default:
      throw new ValidationError(`has an unknown server "@${server}"`, field);
  }
}

function phoneDigits(text: string, field: string): string {
  // Separators people use when writing numbers; anything else is a mistake worth reporting.
  if (!/^\+?[\d\s().-]+$/.test(text))
    throw new ValidationError('must be a phone number or a WhatsApp id', field);
  const digits = text.replace(/\D/g, '');
  // E.164 allows at most 15 digits; the shortest real numbers have about 7.
  if (digits.length < 7 || digits.length > 15) {
    throw new ValidationError('must have between 7 and 15 digits', field);
  }
  if (digits.startsWith('0')) throw new ValidationError('must start with the country code', field);
  return digits;
}

export function isGroupJid(jid: Jid): boolean {
  return jid.endsWith(`@${GROUP_SERVER}`);
}

/** The digits of a personal jid (`2349...@s.whatsapp.net` → `2349...`), or the user part otherwise. */
export function jidUser(jid: Jid): string {
  const at = jid.indexOf('@');
  const user = at === -1 ? jid : jid.slice(0, at);
  return user.split(':')[0] ?? user;
}

/** The legacy `@c.us` form the reference's deprecated sendText answers with. */
export function toLegacyJid(jid: Jid): string {
  return isGroupJid(jid) ? jid : `${jidUser(jid)}@c.us`;
}
