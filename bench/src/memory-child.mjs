// Runs inside a child process started with --expose-gc, so the parent's own memory is not counted.
// Modes:
//   sim <n> <sqlite file>       create and connect n SimDriver instances, report memory growth
//   baileys <n> <sqlite file>   the same with real Baileys against the parent's protocol simulator
//   restore <sqlite file>       time BotManager.start() until every stored instance is connected
//   restore-memory <sqlite file> the same from a MemoryStore holding a copy of that file's data
import { BotManager, MemoryStore, Namespaces } from '@wabot/core';
import { SimHub } from '@wabot/core/sim';
import { createStore } from '@wabot/store-keyv';
import { reportFailure } from './child.mjs';

const [mode, ...args] = process.argv.slice(2);

try {
  if (mode === 'sim') await grow(Number(args[0]), args[1], simFactory);
  else if (mode === 'baileys') await grow(Number(args[0]), args[1], await baileysFactory());
  else if (mode === 'restore') await restore(await createStore(`sqlite://${args[0]}`));
  else if (mode === 'restore-memory') await restore(await copyToMemory(args[0]));
  else throw new Error(`unknown mode ${mode}`);
} catch (error) {
  reportFailure(error);
}

function simFactory() {
  const hub = new SimHub({ autoScan: { after: 0, on: 'emitted' }, qrRefresh: 0 });
  return { driver: hub.driver, onQr: () => {} };
}

/** Real Baileys: the parent runs the protocol simulator and scans each QR this process reports. */
async function baileysFactory() {
  const { baileysDriver } = await import('@wabot/driver-baileys');
  const { trustSimulator } = await import('@wabot/sim');
  process.send?.({ type: 'need-sim' });
  const sim = await nextMessage('sim');
  trustSimulator({ rootPublicKey: Buffer.from(sim.rootPublicKey, 'base64') });
  return () => ({
    driver: baileysDriver({
      waWebSocketUrl: sim.url,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      socketConfig: {
        shouldSyncHistoryMessage: () => false,
        connectTimeoutMs: 60_000,
        defaultQueryTimeoutMs: 60_000,
      },
    }),
    onQr: (instanceId, qr) => process.send?.({ type: 'qr', instanceId, qr }),
  });
}

async function grow(count, file, factory) {
  const store = await createStore(`sqlite://${file}`);
  const { driver, onQr } = factory();
  const manager = new BotManager({ driver, store });
  await manager.start();
  // One throwaway instance first, so code that runs on first use is loaded before the baseline; it is
  // deleted so the store then holds exactly `count` instances.
  const [warm] = await connectAll(manager, 1, onQr);
  await manager.deleteInstance(warm);
  const before = settledMemory();
  const started = performance.now();
  await connectAll(manager, count, onQr);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 300));
  const after = settledMemory();
  process.send?.({ type: 'result', count, before, after, seconds });
  await manager.close();
  await store.close();
  process.exit(0);
}

/** Creates `count` instances, `init`s them in batches and waits until every one is connected. */
async function connectAll(manager, count, onQr) {
  const batch = 50;
  const ids = [];
  for (let from = 0; from < count; from += batch) {
    const size = Math.min(batch, count - from);
    const made = await Promise.all(
      Array.from({ length: size }, async () => {
        const bot = await manager.create('bench');
        const connected = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`instance ${bot.id} did not connect`)), 120_000);
          bot.on('connection', ({ status }) => {
            if (status === 'CONNECTED') {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        bot.on('qr', ({ qr }) => onQr(bot.id, qr));
        await bot.init();
        await connected;
        return bot.id;
      }),
    );
    ids.push(...made);
  }
  return ids;
}

async function restore(store) {
  const stored = (await store.list(Namespaces.instances)).length;
  const hub = new SimHub({ autoScan: false, qrRefresh: 0 });
  const manager = new BotManager({ driver: hub.driver, store });
  let connected = 0;
  const all = new Promise((resolve) => {
    manager.on('connection', ({ status }) => {
      if (status === 'CONNECTED' && ++connected === stored) resolve();
    });
  });
  const started = performance.now();
  await manager.start();
  await all;
  const seconds = (performance.now() - started) / 1000;
  process.send?.({ type: 'result', count: connected, seconds });
  await manager.close();
  await store.close();
  process.exit(0);
}

/** Everything the SQLite file holds, copied into a MemoryStore (not timed). */
async function copyToMemory(file) {
  const source = await createStore(`sqlite://${file}`);
  const target = new MemoryStore();
  for (const namespace of Object.values(Namespaces)) {
    const entries = await source.list(namespace);
    await target.batch(entries.map(({ key, value }) => ({ namespace, key, value })));
  }
  await source.close();
  return target;
}

function settledMemory() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

function nextMessage(type) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m?.type !== type) return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
  });
}
