import type { VcardInput } from './requests.js';

// vCard 3.0 text values escape backslash, newline, comma and semicolon (RFC 2426 §4).
function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

/**
 * The vCard WhatsApp shows as a contact card, in the reference's layout:
 * `BEGIN:VCARD\nVERSION:3.0\nFN:<name>\nORG:<organization>;\nTEL;type=CELL;type=VOICE;waid=<n>:<n>\nEND:VCARD`.
 * `phoneNumber` must already be digits only.
 */
export function buildVcard(input: VcardInput): string {
  const digits = input.phoneNumber;
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escapeText(input.fullName)}`,
    `ORG:${escapeText(input.organization ?? '')};`,
    `TEL;type=CELL;type=VOICE;waid=${digits}:${digits}`,
    'END:VCARD',
  ].join('\n');
}
