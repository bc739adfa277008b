import { ValidationError } from '../errors.js';

// Small checks shared by the message builders. Each throws a ValidationError naming the field.

export const MAX_TEXT = 65_536;

export function requireString(value: unknown, field: string, max = MAX_TEXT): string {
  if (typeof value !== 'string') throw new ValidationError('must be a string', field);
  if (value.trim() === '') throw new ValidationError('must not be empty', field);
  if (value.length > max) throw new ValidationError(`must be at most ${max} characters`, field);
  return value;
}

export function optionalString(value: unknown, field: string, max = MAX_TEXT): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError('must be a string', field);
  if (value.length > max) throw new ValidationError(`must be at most ${max} characters`, field);
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function optionalEmail(value: unknown, field: string): string | undefined {
  const text = optionalString(value, field, 320);
  if (text !== undefined && !EMAIL.test(text)) throw new ValidationError('must be an email address', field);
  return text;
}

export function requireNumber(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ValidationError('must be a number', field);
  if (n < min || n > max) throw new ValidationError(`must be between ${min} and ${max}`, field);
  return n;
}

export function requireHttpUrl(value: unknown, field: string): string {
  const text = requireString(value, field, 4096);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('must be a valid URL', field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError('must be an http or https URL', field);
  }
  return url.toString();
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;.*)?$/i;

export function optionalMimetype(value: unknown, field: string): string | undefined {
  const text = optionalString(value, field, 255);
  if (text !== undefined && !MIME.test(text))
    throw new ValidationError('must be a MIME type like image/png', field);
  return text;
}

export function requireArray(value: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError('must be an array', field);
  if (value.length < min || value.length > max) {
    throw new ValidationError(`must have between ${min} and ${max} items`, field);
  }
  return value;
}

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('must be an object', field);
  }
  return value as Record<string, unknown>;
}

/** Matches C0 control characters and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the purpose
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

export function hasControlChars(text: string): boolean {
  CONTROL_CHARS.lastIndex = 0;
  return CONTROL_CHARS.test(text);
}
