import { bytesToBase64, type Store } from '@wabot/core';
import { Webhook } from 'standardwebhooks';

/** Where each instance's signing secret is kept. */
export const SECRETS_NAMESPACE = 'webhook_secrets';

const SECRET_PREFIX = 'whsec_';

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return SECRET_PREFIX + bytesToBase64(bytes);
}

/**
 * The instance's secret, created on first use. Creation goes through `Store.update`, so two
 * processes asking at once agree on one secret.
 */
export async function instanceSecret(store: Store, instanceId: string): Promise<string> {
  const existing = await store.get<string>(SECRETS_NAMESPACE, instanceId);
  if (existing) return existing;
  const written = await store.update<string>(
    SECRETS_NAMESPACE,
    instanceId,
    (current) => current ?? generateSecret(),
  );
  return written!;
}

/** The three Standard Webhooks headers for one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs exact request bodies. Keeps one verifier object per secret, since decoding the key on every
 * attempt is wasted work under load.
 */
export class Signer {
  private readonly cache = new Map<string, Webhook>();

  /** Headers for sending `body` as event `id` at time `at` (ms since the epoch). */
  sign(secret: string, id: string, at: number, body: string): SignatureHeaders {
    let hook = this.cache.get(secret);
    if (!hook) {
      if (this.cache.size > 1000) this.cache.clear();
      hook = new Webhook(secret);
      this.cache.set(secret, hook);
    }
    const date = new Date(at);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at / 1000)),
      'webhook-signature': hook.sign(id, date, body),
    };
  }
}
