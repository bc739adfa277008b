import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

/** The part of a running simulator that `trustSimulator` needs. */
export interface TrustableSimulator {
  readonly rootPublicKey: Uint8Array;
}

/**
 * Makes Baileys in the current process accept the simulator's certificate chain by replacing
 * the WhatsApp root public key it verifies the server against.
 *
 * FOR TESTS AND DEMO PROCESSES ONLY. After this call no connection made by this process can
 * verify that it talks to the real WhatsApp, so it must never be used in a process that also
 * connects to WhatsApp's servers. The change lasts until `restore()` is called on the returned
 * handle or the process exits.
 */
export function trustSimulator(sim: TrustableSimulator): { restore(): void } {
  const previous = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(sim.rootPublicKey);
  return {
    restore() {
      WA_CERT_DETAILS.PUBLIC_KEY = previous;
    },
  };
}
