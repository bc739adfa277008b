import type { EventEmitter } from 'eventemitter3';
import {
  BotManager,
  type BotManagerOptions,
  type InstanceEventName,
  type InstanceEvents,
  MemoryStore,
  type Store,
} from '../src/index.js';
import { SimHub, type SimOptions } from '../src/testing/index.js';

type Events = EventEmitter<InstanceEvents>;
type Payload<K extends InstanceEventName> = Parameters<InstanceEvents[K]>[0];
// The typed emitter's overloads do not accept a generic key, so the helpers talk to it untyped.
type Loose = {
  once(event: string, fn: (payload: unknown) => void): unknown;
  on(event: string, fn: (payload: unknown) => void): unknown;
  off(event: string, fn: (payload: unknown) => void): unknown;
};

export function once<K extends InstanceEventName>(emitter: Events, event: K): Promise<Payload<K>> {
  return new Promise((resolve) => (emitter as unknown as Loose).once(event, (p) => resolve(p as Payload<K>)));
}

export function nextEvent<K extends InstanceEventName>(
  emitter: Events,
  event: K,
  match: (payload: Payload<K>) => boolean,
): Promise<Payload<K>> {
  const loose = emitter as unknown as Loose;
  return new Promise((resolve) => {
    const fn = (payload: unknown) => {
      if (!match(payload as Payload<K>)) return;
      loose.off(event, fn);
      resolve(payload as Payload<K>);
    };
    loose.on(event, fn);
  });
}

/** A manager on simulated phones with one connected instance. */
export async function connectedInstance(
  options: { sim?: SimOptions; store?: Store; manager?: Partial<BotManagerOptions> } = {},
) {
  const sim = new SimHub({ qrRefresh: 0, ...options.sim });
  const store = options.store ?? new MemoryStore();
  const manager = new BotManager({ driver: sim.driver, store, ...options.manager });
  await manager.start();
  const record = await manager.createInstance('user-1');
  const instance = manager.instance(record._id);
  const qr = once(instance, 'qr');
  await instance.init();
  await qr;
  const open = nextEvent(instance, 'connection', (e) => e.status === 'CONNECTED');
  await sim.phone(record._id).scan();
  await open;
  return { sim, store, manager, instance, record, phone: sim.phone(record._id) };
}
