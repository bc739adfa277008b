import type { OutboundContent } from '@wabot/core';
import type { SimHub } from '@wabot/core/sim';
import type { SimControl } from './routes/sim.js';

/** The /sim routes' control over a `SimHub` (demo mode and tests). */
export function simControl(hub: SimHub): SimControl {
  return {
    async inbound(instanceId, message) {
      const { raw: _raw, ...received } = hub.phone(instanceId).receive(message);
      return received;
    },
    scan(instanceId) {
      return hub.phone(instanceId).scan();
    },
    sent(instanceId) {
      return hub.phone(instanceId).sent.map((entry) => ({
        chatId: entry.chatId,
        content: withoutBytes(entry.content),
        result: entry.result,
        at: new Date(entry.at).toISOString(),
      }));
    },
  };
}

/** Media bytes would turn into huge JSON objects; show their size instead. */
function withoutBytes(content: OutboundContent): unknown {
  return JSON.parse(
    JSON.stringify(content, (_key, value) =>
      value instanceof Uint8Array ? { bytes: value.byteLength } : value,
    ),
  );
}
