import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, MemoryStore } from '@wabot/core';
import { createStore } from '@wabot/store-keyv';

const LIST_SIZE = 100;

/**
 * Store get/set/list, one awaited call after another (one caller, so network stores show their
 * round trip), on every backend that is available; core's MemoryStore is the baseline.
 * Redis and PostgreSQL come from REDIS_URL and DATABASE_URL; without them their figures are null.
 */
export async function benchStores(report, { seconds }) {
  report.begin('stores');
  const slice = seconds / 3;
  const baseline = await measure(new MemoryStore(), slice);
  const dir = await mkdtemp(join(tmpdir(), 'wabot-bench-store-'));
  const backends = [
    { name: 'memory', url: () => 'memory://' },
    { name: 'sqlite', url: () => `sqlite://${join(dir, 'bench.db')}` },
    { name: 'redis', url: () => process.env.REDIS_URL, unset: 'REDIS_URL is not set' },
    { name: 'postgres', url: () => process.env.DATABASE_URL, unset: 'DATABASE_URL is not set' },
  ];
  try {
    for (const backend of backends) {
      const url = backend.url();
      const keys = ['set', 'get', 'list'].map((op) => `store_${backend.name}_${op}_per_s`);
      if (!url) {
        for (const key of keys) report.missing(key, backend.unset);
        continue;
      }
      let figures;
      try {
        const store = await createStore(url, { table: 'wabot_bench', connectTimeout: 3000 });
        try {
          figures = await measure(store, slice);
        } finally {
          await store.close();
        }
      } catch (error) {
        for (const key of keys) report.missing(key, `${backend.name} unavailable: ${messageOf(error)}`);
        continue;
      }
      for (const op of ['set', 'get', 'list']) {
        report.compare({
          key: `store_${backend.name}_${op}_per_s`,
          value: figures[op],
          baselineKey: `store_baseline_${op}_per_s`,
          baseline: baseline[op],
          ratioKey: `store/${backend.name}/${op}/memory-store`,
          unit: op === 'list' ? `lists/s` : 'op/s',
          label: `${backend.name} ${op}${op === 'list' ? ` (${LIST_SIZE} entries)` : ''}`,
          baselineLabel: 'core MemoryStore',
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Times set, get and list for `seconds` each, in a namespace of its own that it empties afterwards. */
async function measure(store, seconds) {
  const ns = `bench_${process.pid}_${Date.now().toString(36)}`;
  const value = { ...defaultSettings('bench-token-0123456789abcdef'), note: 'x'.repeat(200) };
  const written = new Set();
  try {
    let n = 0;
    const set = await timed(seconds, async () => {
      const key = `k:${n++ % 1000}`;
      written.add(key);
      await store.set(ns, key, value);
    });
    let g = 0;
    const get = await timed(seconds, () => store.get(ns, `k:${g++ % 1000}`));
    await store.batch(
      Array.from({ length: LIST_SIZE }, (_, i) => {
        written.add(`l:${String(i).padStart(3, '0')}`);
        return { namespace: ns, key: `l:${String(i).padStart(3, '0')}`, value };
      }),
    );
    const list = await timed(seconds, async () => {
      const entries = await store.list(ns, 'l:');
      if (entries.length !== LIST_SIZE) throw new Error(`list returned ${entries.length} entries`);
    });
    return { set, get, list };
  } finally {
    await store.batch([...written].map((key) => ({ namespace: ns, key, value: undefined })));
  }
}

async function timed(seconds, op) {
  for (let i = 0; i < 20; i++) await op();
  let count = 0;
  const started = performance.now();
  let ms = 0;
  while (ms < seconds * 1000) {
    await op();
    count++;
    if ((count & 7) === 0) ms = performance.now() - started;
  }
  ms = performance.now() - started;
  return (count / ms) * 1000;
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
