import { bytesToHex, randomBytes } from './bytes.js';

let counter = Math.floor(Math.random() * 0xffffff);

/** A 24-hex id in MongoDB ObjectId layout (seconds, random, counter), so ids sort by creation time. */
export function objectId(now: number = Date.now()): string {
  counter = (counter + 1) % 0xffffff;
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return seconds + bytesToHex(randomBytes(5)) + counter.toString(16).padStart(6, '0');
}

/** 128 random bits as dashed hex ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"). */
export function randomToken(): string {
  const h = bytesToHex(randomBytes(16));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);
}
