import type { AuthStore, Logger } from '@wabot/core';
import {
  type AuthenticationCreds,
  type AuthenticationState,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';

/** Where the credentials live inside the instance's auth area. */
export const CREDS_KEY = 'creds';

/** The auth-area key of one signal key. Ids may contain `:` and `@`; the key space is flat, so that is fine. */
export function signalKeyName(type: string, id: string): string {
  return `keys:${type}:${id}`;
}

/**
 * Baileys' auth state kept in the core `AuthStore` instead of files.
 * `saveCreds()` writes the credentials; signal keys are written as Baileys commits them,
 * every commit being one `setMany` call. Writes are applied in order.
 */
export interface StoreAuthState {
  state: AuthenticationState;
  saveCreds(): Promise<void>;
  /** Resolves when every write issued so far has landed. */
  flush(): Promise<void>;
  /** Drops later writes (after logout, so a late write cannot bring credentials back). */
  disable(): void;
  /** True when credentials were found in the store (a resumed session). */
  resumed: boolean;
}

/** Loads (or creates) Baileys' auth state over an `AuthStore`. */
export async function createStoreAuthState(auth: AuthStore, logger?: Logger): Promise<StoreAuthState> {
  const stored = await auth.get<unknown>(CREDS_KEY);
  const creds: AuthenticationCreds = stored ? (revive(stored) as AuthenticationCreds) : initAuthCreds();
  let disabled = false;
  let chain: Promise<void> = Promise.resolve();

  // One chain keeps writes ordered: a creds update must not be overtaken by an older one.
  const enqueue = (entries: Record<string, unknown>): Promise<void> => {
    if (disabled) return Promise.resolve();
    const run = chain.then(async () => {
      if (disabled) return;
      await auth.setMany(entries);
    });
    chain = run.catch((err: unknown) => {
      logger?.error({ err: errorText(err) }, 'auth state write failed');
    });
    return run;
  };

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      await Promise.all(
        ids.map(async (id) => {
          const raw = await auth.get<unknown>(signalKeyName(type, id));
          if (raw === undefined || raw === null) return;
          let value = revive(raw);
          if (type === 'app-state-sync-key') {
            value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
          }
          out[id] = value as SignalDataTypeMap[T];
        }),
      );
      return out;
    },
    async set(data: SignalDataSet) {
      const entries: Record<string, unknown> = {};
      for (const [type, byId] of Object.entries(data)) {
        if (!byId) continue;
        for (const [id, value] of Object.entries(byId)) {
          entries[signalKeyName(type, id)] = value === null || value === undefined ? undefined : plain(value);
        }
      }
      if (Object.keys(entries).length > 0) await enqueue(entries);
    },
  };

  return {
    state: { creds, keys },
    resumed: stored !== undefined,
    saveCreds: () => enqueue({ [CREDS_KEY]: plain(creds) }),
    flush: () => chain,
    disable: () => {
      disabled = true;
    },
  };
}

/**
 * A structured-clone-like copy that keeps bytes as bytes. Protobuf objects (e.g. `creds.account`)
 * have a `toJSON` that turns bytes into base64 strings; copying own fields avoids it.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    if (isLong(value)) return Number(value.toString());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== 'function') out[k] = plain(v);
    }
    return out;
  }
  return value;
}

/** Baileys calls Buffer methods on stored bytes; the store gives back plain `Uint8Array`s. */
export function revive(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v);
    return out;
  }
  return value;
}

function isLong(value: object): value is { toString(): string } {
  const v = value as { low?: unknown; high?: unknown; unsigned?: unknown };
  return typeof v.low === 'number' && typeof v.high === 'number' && typeof v.unsigned === 'boolean';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
