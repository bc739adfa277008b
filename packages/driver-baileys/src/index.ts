import type { DriverFactory, DriverFactoryInput } from '@wabot/core';
import { BaileysDriver, type BaileysDriverOptions } from './driver.js';

export { CREDS_KEY, createStoreAuthState, type StoreAuthState, signalKeyName } from './auth-state.js';
export { BaileysDriver, type BaileysDriverOptions } from './driver.js';
export { toDriverError } from './errors.js';
export { statusChangesFromReceipts, statusChangesFromUpdates, toInboundMessage } from './inbound.js';
export { type PinoLike, toBaileysLogger } from './logger.js';
export { fetchMedia, type MediaFetchOptions, parseMediaUrl } from './media-fetch.js';
export { messageToJson, toOutboundPlan, toSentMessage } from './outbound.js';
export { Backoff, type BackoffOptions, classifyClose } from './reconnect.js';
export { SendGate, type SendGateOptions } from './send-gate.js';
export { type BaileysSocket, buildSocketConfig, type SocketFactory, type SocketOptions } from './socket.js';

/**
 * A core `DriverFactory` that gives every instance its own `BaileysDriver`. Options may be computed
 * per instance, e.g. to give each one its own proxy.
 *
 * @example
 * const manager = new BotManager({ store, driver: baileysDriver({ browser: 'My Bot' }) });
 * const proxied = baileysDriver(({ instanceId }) => ({ agent: proxyAgentFor(instanceId) }));
 */
export function baileysDriver(
  options: BaileysDriverOptions | ((input: DriverFactoryInput) => BaileysDriverOptions) = {},
): DriverFactory {
  return (input) => new BaileysDriver(typeof options === 'function' ? options(input) : options, input);
}
export { LIBSIGNAL_CONSOLE_LINE, quietLibsignalConsole } from './signal-console.js';
