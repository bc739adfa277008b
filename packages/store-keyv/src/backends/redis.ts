import KeyvRedis, { createClient } from '@keyv/redis';
import { StoreError } from '@wabot/core';
import { type RawWrite, rawKeyv, type StoreBackend } from '../backend.js';

export interface RedisOptions {
  /** Milliseconds to wait for the first connection. Default 5000. */
  connectTimeout?: number;
}

// Every data key `<prefix>:<namespace>:<key>` is also a member of the sorted set `<prefix>:<namespace>`
// (never a data key itself: it lacks the second ':'). Members all score 0, so the set is ordered by
// bytes and ZRANGEBYLEX finds a prefix in O(log n + m) instead of walking the key space with SCAN.
// Scripts keep a value and its index entry in step: no client ever sees one without the other.

const SET_INDEXED = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 0, KEYS[1])
return 1
`;

const DELETE_INDEXED = `
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return removed
`;

// Compare the stored text with the expected one and write only when they match, all inside Redis, so
// no other command can run in between. ARGV: expectPresent, expected, writeNext, next.
const COMPARE_AND_SWAP = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[4])
  redis.call('ZADD', KEYS[2], 0, KEYS[1])
else
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], KEYS[1])
end
return 1
`;

/** The one client call the adapter's overrides need. */
interface ScriptRunner {
  eval(script: string, options: { keys: string[]; arguments?: string[] }): Promise<unknown>;
}

/** The index set of a raw key: everything before its second ':' (prefix and namespace never hold one). */
function indexKey(key: string): string {
  const first = key.indexOf(':');
  const second = key.indexOf(':', first + 1);
  if (first < 0 || second < 0) throw new TypeError(`not a store key: ${key}`);
  return key.slice(0, second);
}

/** @keyv/redis with its writes routed through the scripts above, so Keyv's set/delete keep the index. */
class IndexedKeyvRedis extends KeyvRedis<string> {
  constructor(
    client: ConstructorParameters<typeof KeyvRedis>[0],
    private readonly redis: ScriptRunner,
  ) {
    super(client, { throwOnErrors: true, throwOnConnectError: true });
    this.namespace = undefined;
  }

  override async set(key: string, value: string): Promise<void> {
    await this.redis.eval(SET_INDEXED, { keys: [key, indexKey(key)], arguments: [value] });
  }

  override async delete(key: string): Promise<boolean> {
    return (await this.redis.eval(DELETE_INDEXED, { keys: [key, indexKey(key)] })) === 1;
  }
}

/**
 * Redis (single server; not Cluster) through @keyv/redis, sharing its client. Listing reads a sorted-set
 * index per namespace with ZRANGEBYLEX, then the values with MGET. Writes update value and index in
 * one script; a batch is one MULTI/EXEC transaction; compare-and-set is a Lua script. Durability is
 * whatever the server's persistence (RDB/AOF) gives.
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
  const adapter = new IndexedKeyvRedis(client, client);

  return {
    kind: 'redis',
    keyv: rawKeyv(adapter),
    async readRaw(key) {
      return (await client.get(key)) ?? undefined;
    },
    async scan(prefix) {
      // UTF-8 never contains the byte 0xFF, so [prefix, prefix+0xFF) holds exactly the keys with it.
      const from = Buffer.from(prefix, 'utf8');
      const keys = await client.zRangeByLex(
        indexKey(prefix),
        Buffer.concat([Buffer.from('['), from]),
        Buffer.concat([Buffer.from('('), from, Buffer.from([0xff])]),
      );
      const out: Array<[string, string]> = [];
      for (let i = 0; i < keys.length; i += 500) {
        const slice = keys.slice(i, i + 500);
        const values = await client.mGet(slice);
        slice.forEach((key, j) => {
          const text = values[j];
          // A key deleted between the two reads is simply gone.
          if (typeof text === 'string') out.push([key, text]);
        });
      }
      return out;
    },
    async write(writes: ReadonlyArray<RawWrite>) {
      const multi = client.multi();
      for (const { key, text } of writes) {
        if (text === undefined) multi.del(key).zRem(indexKey(key), key);
        else multi.set(key, text).zAdd(indexKey(key), { score: 0, value: key });
      }
      await multi.exec();
    },
    async compareAndSwap(key, expected, next) {
      const result = await client.eval(COMPARE_AND_SWAP, {
        keys: [key, indexKey(key)],
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
