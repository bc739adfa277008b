/**
 * Event ids: `msg_` + a 26-character ULID (48-bit millisecond time + 80 random bits, Crockford base32).
 * They sort by creation time, and ids made by one generator strictly increase even within one
 * millisecond, so sorting outbox keys gives emission order.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_MAX = (1n << 80n) - 1n;

export const ID_PREFIX = 'msg_';

export interface IdGenerator {
  next(now?: number): string;
}

/** Makes a generator whose ids strictly increase (time never goes backwards within it). */
export function createIdGenerator(random: () => bigint = random80): IdGenerator {
  let lastTime = -1;
  let lastRandom = 0n;
  return {
    next(now = Date.now()) {
      let time = Math.max(now, lastTime);
      let rand: bigint;
      if (time === lastTime) {
        rand = lastRandom + 1n;
        if (rand > RANDOM_MAX) {
          // 2^80 ids in one millisecond cannot happen in practice; borrow the next millisecond.
          time += 1;
          rand = random();
        }
      } else {
        rand = random();
      }
      lastTime = time;
      lastRandom = rand;
      return ID_PREFIX + encode(BigInt(time), 10) + encode(rand, 16);
    },
  };
}

/** The creation time (ms since the epoch) encoded in an id, or NaN when it is not one of ours. */
export function idTime(id: string): number {
  if (!id.startsWith(ID_PREFIX) || id.length !== ID_PREFIX.length + 26) return Number.NaN;
  let t = 0;
  for (const ch of id.slice(ID_PREFIX.length, ID_PREFIX.length + 10)) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return Number.NaN;
    t = t * 32 + v;
  }
  return t;
}

function encode(value: bigint, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(v & 31n)]! + out;
    v >>= 5n;
  }
  return out;
}

function random80(): bigint {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  let v = 0n;
  // Keep the top bit clear so a long run of increments within one millisecond never overflows.
  bytes[0] = bytes[0]! & 0x7f;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
