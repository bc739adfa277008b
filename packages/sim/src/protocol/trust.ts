import { StateError } from '@wabot/core';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

/** The part of a running simulator that `trustSimulator` needs. */
export interface TrustableSimulator {
  readonly rootPublicKey: Uint8Array;
}

/** Options for `trustSimulator`. */
export interface TrustOptions {
  /** Allow the call when NODE_ENV is "production" (a demo deployment, never a real bot). */
  allowInProduction?: boolean;
}

/**
 * Makes Baileys in the current process accept the simulator's certificate chain by replacing
 * the WhatsApp root public key it verifies the server against.
 *
 * FOR TESTS AND DEMO PROCESSES ONLY. After this call no connection made by this process can
 * verify that it talks to the real WhatsApp, so it must never be used in a process that also
 * connects to WhatsApp's servers. It refuses to run when NODE_ENV is "production" unless told
 * otherwise. The change lasts until `restore()` is called on the returned handle or the
 * process exits.
 */
export function trustSimulator(sim: TrustableSimulator, options: TrustOptions = {}): { restore(): void } {
  if (process.env.NODE_ENV === 'production' && !options.allowInProduction) {
    throw new StateError('trustSimulator is for tests and demos; refusing to run with NODE_ENV=production');
  }
  const previous = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(sim.rootPublicKey);
  return {
    restore() {
      WA_CERT_DETAILS.PUBLIC_KEY = previous;
    },
  };
}
