import { EventEmitter } from 'node:events';
import {
  type AuthenticationCreds,
  type ConnectionState,
  initAuthCreds,
  makeWASocket,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
  type WAMessageUpdate,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** A logger that prints nothing unless SIM_TEST_LOG names a level (e.g. SIM_TEST_LOG=debug). */
export function testLogger(bindings: Record<string, unknown> = {}): ILogger {
  const wanted = process.env.SIM_TEST_LOG;
  const threshold = wanted ? LEVELS.indexOf(wanted as (typeof LEVELS)[number]) : LEVELS.length;
  const make = (index: number) => (obj: unknown, msg?: string) => {
    if (index >= threshold) {
      console.log(
        `[${LEVELS[index]}]`,
        JSON.stringify(bindings),
        msg ?? '',
        typeof obj === 'string' ? obj : JSON.stringify(obj)?.slice(0, 800),
      );
    }
  };
  return {
    level: wanted ?? 'silent',
    child: (more) => testLogger({ ...bindings, ...more }),
    trace: make(0),
    debug: make(1),
    info: make(2),
    warn: make(3),
    error: make(4),
  };
}

/** Baileys auth state kept in memory. */
export function memoryAuthState(): { creds: AuthenticationCreds; keys: SignalKeyStore } {
  const creds = initAuthCreds();
  const data = new Map<string, unknown>();
  const keys: SignalKeyStore = {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = data.get(`${type}:${id}`);
        if (value !== undefined) {
          out[id] = value as SignalDataTypeMap[T];
        }
      }
      return out;
    },
    set: (set: SignalDataSet) => {
      for (const [type, entries] of Object.entries(set)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) {
            data.delete(`${type}:${id}`);
          } else {
            data.set(`${type}:${id}`, value);
          }
        }
      }
    },
  };
  return { creds, keys };
}

export interface TestClientOptions {
  /** Reconnect after any close except a logout (401), as a long-running app would. */
  reconnect?: boolean;
  /** Extra makeWASocket options. */
  socket?: Partial<UserFacingSocketConfig>;
}

/**
 * A real Baileys client for tests: restarts itself on the 515 after pairing (as apps must),
 * records QR codes, connection updates and received messages, and shuts down completely.
 */
export class TestClient {
  readonly auth = memoryAuthState();
  readonly events = new EventEmitter();
  readonly upserts: WAMessage[] = [];
  readonly updates: Partial<ConnectionState>[] = [];
  readonly statusUpdates: WAMessageUpdate[] = [];
  sock: WASocket | undefined;
  private stopped = false;

  /** Status codes of every close, in order. */
  readonly closeCodes: (number | undefined)[] = [];

  constructor(
    private readonly url: string,
    private readonly name = 'client',
    private readonly options: TestClientOptions = {},
  ) {}

  start(): this {
    const sock = makeWASocket({
      waWebSocketUrl: this.url,
      auth: this.auth,
      logger: testLogger({ client: this.name }),
      markOnlineOnConnect: false,
      shouldSyncHistoryMessage: () => false,
      connectTimeoutMs: 10_000,
      defaultQueryTimeoutMs: 10_000,
      generateHighQualityLinkPreview: false,
      getMessage: async () => undefined,
      ...this.options.socket,
    });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) {
        this.upserts.push(message);
        this.events.emit('message', message);
      }
    });
    sock.ev.on('messages.update', (updates) => {
      for (const update of updates) {
        this.statusUpdates.push(update);
        this.events.emit('status', update);
      }
    });
    sock.ev.on('connection.update', (update) => {
      this.updates.push(update);
      this.events.emit('update', update);
      if (update.connection === 'close' && !this.stopped && this.sock === sock) {
        const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)
          ?.output?.statusCode;
        this.closeCodes.push(code);
        this.events.emit('closed', code);
        if (code === 515 || (this.options.reconnect && code !== 401)) {
          this.start();
        }
      }
    });
    return this;
  }

  /** Resolves with the next value `pick` returns from a connection update (past ones included). */
  waitForUpdate<T>(pick: (u: Partial<ConnectionState>) => T | undefined, timeoutMs = 20_000): Promise<T> {
    for (const update of this.updates) {
      const value = pick(update);
      if (value !== undefined) {
        return Promise.resolve(value);
      }
    }
    return this.waitForEvent('update', pick, timeoutMs);
  }

  waitForQr(): Promise<string> {
    return this.waitForUpdate((u) => u.qr);
  }

  /** Resolves on the next connection: 'open' (past ones are not counted). */
  waitForOpen(): Promise<true> {
    return this.waitForEvent('update', (u: Partial<ConnectionState>) =>
      u.connection === 'open' ? true : undefined,
    );
  }

  waitForClose(): Promise<number | undefined> {
    return this.waitForEvent('closed', (code: number | undefined) => ({ code }), 20_000).then((r) => r.code);
  }

  /** Resolves with the first received message matching `predicate` (past ones included). */
  waitForMessage(predicate: (m: WAMessage) => boolean, timeoutMs = 20_000): Promise<WAMessage> {
    const found = this.upserts.find(predicate);
    if (found) {
      return Promise.resolve(found);
    }
    return this.waitForEvent('message', (m: WAMessage) => (predicate(m) ? m : undefined), timeoutMs);
  }

  /**
   * Resolves with the message key once message `id` reached at least `status`. Baileys folds a
   * status change into the upsert of the same message when both are still in its event buffer,
   * so the recorded upserts count as well as messages.update events.
   */
  waitForStatus(id: string, status: number, timeoutMs = 20_000): Promise<WAMessageKey> {
    const fromUpdate = (u: WAMessageUpdate) =>
      u.key.id === id && (u.update.status ?? 0) >= status ? u.key : undefined;
    const fromUpsert = (m: WAMessage) => (m.key.id === id && (m.status ?? 0) >= status ? m.key : undefined);
    const past =
      this.statusUpdates.map(fromUpdate).find(Boolean) ?? this.upserts.map(fromUpsert).find(Boolean);
    if (past) {
      return Promise.resolve(past);
    }
    return new Promise<WAMessageKey>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off('status', onUpdate);
        this.events.off('message', onUpsert);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: message ${id} never reached status ${status}`));
      }, timeoutMs);
      const settle = (key: WAMessageKey | undefined) => {
        if (key) {
          done();
          resolve(key);
        }
      };
      const onUpdate = (u: WAMessageUpdate) => settle(fromUpdate(u));
      const onUpsert = (m: WAMessage) => settle(fromUpsert(m));
      this.events.on('status', onUpdate);
      this.events.on('message', onUpsert);
    });
  }

  waitForEvent<A, T>(event: string, pick: (arg: A) => T | undefined, timeoutMs = 20_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off(event, listener);
        reject(new Error(`${this.name}: timed out waiting for ${event}`));
      }, timeoutMs);
      const listener = (arg: A) => {
        const value = pick(arg);
        if (value !== undefined) {
          clearTimeout(timer);
          this.events.off(event, listener);
          resolve(value);
        }
      };
      this.events.on(event, listener);
    });
  }

  /** Ends the socket for good (no restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    const sock = this.sock;
    this.sock = undefined;
    if (sock) {
      sock.end(undefined);
      sock.ev.removeAllListeners('messages.upsert');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
