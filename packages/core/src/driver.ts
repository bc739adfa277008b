import type { InboundMessage, Jid, Logger, MessageAck, OutboundContent, SentMessage } from './types.js';

/**
 * What a driver reports. The instance turns these into its public events and status.
 * - `qr`: a new QR string to scan (drivers emit a fresh one whenever the old expires)
 * - `pairing-code`: the code to type on the phone
 * - `open`: logged in; `user.id` like `15550001111:1@s.whatsapp.net`
 * - `close`: the connection dropped; `loggedOut` means credentials are gone and no reconnect will happen,
 *   `reconnecting` means the driver is already trying again
 */
export type DriverEvent =
  | { type: 'qr'; qr: string }
  | { type: 'pairing-code'; code: string }
  | { type: 'connecting' }
  | { type: 'open'; user: { id: Jid; name: string } }
  | { type: 'close'; reason: string; loggedOut: boolean; reconnecting: boolean }
  | { type: 'message'; message: InboundMessage }
  | { type: 'status'; id: string; chatId: Jid; status: MessageAck };

/**
 * A per-instance key-value area for the driver's credentials and keys, kept in the `Store`
 * (namespace `auth`, keys prefixed by the instance id). `clear()` removes everything (logout).
 */
export interface AuthStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Writes many keys at once; `undefined` deletes. Atomic where the store is. */
  setMany(entries: Record<string, unknown>): Promise<void>;
  clear(): Promise<void>;
}

export interface DriverContext {
  instanceId: string;
  auth: AuthStore;
  logger: Logger;
  emit(event: DriverEvent): void;
  /** Ask for a pairing code for this phone number instead of a QR, when set before connect. */
  pairingPhone?: string;
}

export interface Driver {
  /** Starts connecting; resolves once the attempt is under way (not when it is open). */
  connect(ctx: DriverContext): Promise<void>;
  send(chatId: Jid, content: OutboundContent): Promise<SentMessage>;
  /** Asks for a pairing code for `phone` (digits with country code). */
  requestPairingCode(phone: string): Promise<string>;
  /** Logs out on the phone and forgets credentials. */
  logout(): Promise<void>;
  /** Closes the connection, keeping credentials, so the next connect resumes. */
  close(): Promise<void>;
  /** Told when someone looks at the current QR (optional; the simulated phone scans it then). */
  qrShown?(): void;
  /** Marks messages read in a chat (optional). */
  markRead?(chatId: Jid, ids: string[]): Promise<void>;
  /** Downloads an inbound message's media (optional). */
  downloadMedia?(message: InboundMessage): Promise<Uint8Array>;
}

export interface DriverFactoryInput {
  instanceId: string;
  sessionId: string;
  logger: Logger;
}

export type DriverFactory = (input: DriverFactoryInput) => Driver;
