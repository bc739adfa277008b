import { type Jid, ValidationError } from '@wabot/core';

/** Accepts a full jid, or bare digits for a person. */
export function normaliseChatId(chatId: string): Jid {
  const id = typeof chatId === 'string' ? chatId.trim() : '';
  if (/^\d{5,20}$/.test(id)) return `${id}@s.whatsapp.net`;
  if (!/^[^@\s]+@[a-z.]+$/.test(id)) {
    throw new ValidationError('must be a WhatsApp id like 15550001111@s.whatsapp.net', 'chatId');
  }
  return id;
}

/** Digits with country code; `+`, spaces, dashes and brackets are tolerated. */
export function normalisePhone(phone: string): string {
  const digits = typeof phone === 'string' ? phone.replace(/[\s()+-]/g, '') : '';
  if (!/^\d{6,15}$/.test(digits))
    throw new ValidationError('must be 6 to 15 digits with country code', 'phone');
  return digits;
}
