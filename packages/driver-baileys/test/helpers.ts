import { EventEmitter } from 'node:events';
import {
  type AuthStore,
  type DriverContext,
  type DriverEvent,
  MemoryStore,
  Namespaces,
  silentLogger,
} from '@wabot/core';
import {
  type AnyMessageContent,
  type BaileysEventMap,
  generateWAMessage,
  type UserFacingSocketConfig,
  type WAMediaUploadFunction,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { vi } from 'vitest';
import type { BaileysSocket, SocketFactory } from '../src/socket.js';

/** An `AuthStore` over a `MemoryStore`, namespaced like the core does it, counting `setMany` calls. */
export function memoryAuthStore(store = new MemoryStore(), instanceId = 'inst-1') {
  const prefix = `${instanceId}:`;
  const calls = { setMany: 0, clear: 0 };
  const auth: AuthStore = {
    get: (key) => store.get(Namespaces.auth, prefix + key),
    async setMany(entries) {
      calls.setMany += 1;
      await store.batch(
        Object.entries(entries).map(([key, value]) => ({
          namespace: Namespaces.auth,
          key: prefix + key,
          value,
        })),
      );
    },
    async clear() {
      calls.clear += 1;
      const all = await store.list(Namespaces.auth, prefix);
      await store.batch(all.map((e) => ({ namespace: Namespaces.auth, key: e.key, value: undefined })));
    },
  };
  return { auth, store, calls, prefix };
}

export const fakeUpload: WAMediaUploadFunction = async (_path, { mediaType }) => ({
  mediaUrl: `https://mmg.example.invalid/${mediaType}/1`,
  directPath: `/v/${mediaType}/1`,
});

type Listener = (arg: unknown) => void;

/**
 * A stand-in for a Baileys socket: an EventEmitter `ev` and the methods the driver calls.
 * `sendMessage` builds the real proto message with Baileys' own generator (uploads are faked),
 * so the tests see what Baileys would put on the wire.
 */
export class FakeSocket {
  readonly emitter = new EventEmitter();
  readonly config: UserFacingSocketConfig;
  user: { id: string; name?: string } | undefined;
  ended = false;
  loggedOut = false;
  readonly sendMessage = vi.fn(
    async (jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> => {
      if (this.failNextSend) {
        const err = this.failNextSend;
        this.failNextSend = undefined;
        throw err;
      }
      return generateWAMessage(jid, content, {
        userJid: this.user?.id ?? '15550000000:1@s.whatsapp.net',
        upload: fakeUpload,
        logger: undefined,
      });
    },
  );
  failNextSend: Error | undefined;
  readonly relayMessage = vi.fn(async (_jid: string, _message: unknown, opts: { messageId?: string }) => {
    return opts.messageId ?? 'relayed';
  });
  readonly requestPairingCode = vi.fn(async (_phone: string) => 'ABCD1234');
  readonly readMessages = vi.fn(async (_keys: unknown[]) => {});
  readonly updateMediaMessage = vi.fn(async (m: WAMessage) => m);
  readonly waUploadToServer = vi.fn(fakeUpload);
  readonly logout = vi.fn(async () => {
    this.loggedOut = true;
    this.close(Object.assign(new Error('Intentional Logout'), { output: { statusCode: 401 } }));
  });
  readonly end = vi.fn((error: Error | undefined) => {
    this.close(error);
  });

  readonly ev = {
    on: (event: string, fn: Listener) => {
      this.emitter.on(event, fn);
    },
    off: (event: string, fn: Listener) => {
      this.emitter.off(event, fn);
    },
  };

  constructor(config: UserFacingSocketConfig) {
    this.config = config;
  }

  emit<E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void {
    this.emitter.emit(event, arg);
  }

  /** Plays a successful login: connecting, then open as `id`. */
  open(id = '15550000000:1@s.whatsapp.net', name = 'Bot'): void {
    this.user = { id, name };
    this.emit('connection.update', { connection: 'open' });
  }

  /** Plays Baileys' end(): a close with the given error, then silence. */
  close(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    this.emitter.removeAllListeners();
  }
}

/** A Boom-like error as Baileys closes sockets with. */
export function boom(statusCode: number, message = `closed ${statusCode}`): Error {
  return Object.assign(new Error(message), { output: { statusCode } });
}

/** A socket factory that records every fake socket it makes. */
export function fakeFactory() {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (config) => {
    const s = new FakeSocket(config);
    sockets.push(s);
    return s as unknown as BaileysSocket;
  };
  return {
    factory,
    sockets,
    get last(): FakeSocket {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket made yet');
      return s;
    },
  };
}

/** A driver context that records what the driver emits. */
export function recordingContext(auth: AuthStore, extra: Partial<DriverContext> = {}) {
  const events: DriverEvent[] = [];
  const ctx: DriverContext = {
    instanceId: 'inst-1',
    auth,
    logger: silentLogger,
    emit: (e) => events.push(e),
    ...extra,
  };
  const ofType = <T extends DriverEvent['type']>(type: T) =>
    events.filter((e): e is Extract<DriverEvent, { type: T }> => e.type === type);
  return { ctx, events, ofType };
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
