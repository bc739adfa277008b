import { generateSignalPubKey } from '@whiskeysockets/baileys';
import { verifySignature as libsignalVerify } from 'libsignal/src/curve.js';

/**
 * Checks an XEdDSA signature and returns the verdict. Baileys' `Curve.verify` cannot be used
 * for this: in 7.0.0-rc14 it reports `true` for any well-formed signature, valid or not.
 */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return libsignalVerify(generateSignalPubKey(publicKey), message, signature) === true;
  } catch {
    return false;
  }
}
