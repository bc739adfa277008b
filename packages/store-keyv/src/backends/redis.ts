import KeyvRedis, { createClient } from '@keyv/redis';
import { StoreError } from '@wabot/core';
import { type RawWrite, rawKeyv, type StoreBackend } from '../backend.js';

export interface RedisOptions {
  /** Milliseconds to wait for the first connection. Default 5000. */
  connectTimeout?: number;
}

// Compare the stored text with the expected one and write only when they match, all inside Redis, so
// no other command can run in between. ARGV: expectPresent, expected, writeNext, next.
const COMPARE_AND_SWAP = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[4]) else redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * Redis (single server; not Cluster) through @keyv/redis, sharing its client. Listing walks the
 * key space with SCAN and a literal MATCH pattern (SCAN returns every key that exists for the whole
 * walk; duplicates are dropped), then reads values with MGET. A batch is a MULTI/EXEC transaction;
 * compare-and-set is a Lua script. Durability is whatever the server's persistence (RDB/AOF) gives.
 */
export async function openRedisBackend(url: string, options: RedisOptions = {}): Promise<StoreBackend> {
  const timeout = options.connectTimeout ?? 5000;
  let lastError: unknown;
  const client = createClient({
    url,
    socket: {
      connectTimeout: timeout,
      // Retry a dropped connection for a while, then fail calls instead of hanging forever.
      reconnectStrategy: (retries, cause) => (retries >= 20 ? cause : Math.min(50 * 2 ** retries, 2000)),
    },
  });
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await withTimeout(client.connect(), timeout);
  } catch (error) {
    client.destroy();
    const cause = lastError ?? error;
    throw new StoreError(`cannot open the Redis store: ${messageOf(cause)}`, { cause });
  }
  const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
  adapter.namespace = undefined;

  return {
    kind: 'redis',
    keyv: rawKeyv(adapter),
    async readRaw(key) {
      return (await client.get(key)) ?? undefined;
    },
    async scan(prefix) {
      const keys = new Set<string>();
      for await (const chunk of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 1000 })) {
        for (const key of chunk) keys.add(key);
      }
      const all = [...keys];
      const out: Array<[string, string]> = [];
      for (let i = 0; i < all.length; i += 500) {
        const slice = all.slice(i, i + 500);
        const values = await client.mGet(slice);
        slice.forEach((key, j) => {
          const text = values[j];
          // A key deleted between SCAN and MGET is simply gone.
          if (typeof text === 'string') out.push([key, text]);
        });
      }
      return out;
    },
    async write(writes: ReadonlyArray<RawWrite>) {
      const multi = client.multi();
      for (const { key, text } of writes) {
        if (text === undefined) multi.del(key);
        else multi.set(key, text);
      }
      await multi.exec();
    },
    async compareAndSwap(key, expected, next) {
      const result = await client.eval(COMPARE_AND_SWAP, {
        keys: [key],
        arguments: [
          expected === undefined ? '0' : '1',
          expected ?? '',
          next === undefined ? '0' : '1',
          next ?? '',
        ],
      });
      return result === 1;
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}

/** Redis MATCH is a glob: escape every special character so the prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]^-]/g, '\\$&');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
