import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValidationError } from '@wabot/core';
import {
  aesDecryptGCM,
  type BinaryNode,
  Curve,
  derivePairingCodeKey,
  hkdf,
  type KeyPair,
} from '@whiskeysockets/baileys';
import { bytes, child, node } from './nodes.js';
import type { PairingQr, PendingRegistration } from './pairing.js';
import type { SimPhone } from './phone.js';

/**
 * A client that asked to be linked with a pairing code (Baileys' `requestPairingCode`) and is
 * waiting for the phone's owner to type that code.
 */
export interface CodeRegistration {
  readonly registration: PendingRegistration;
  readonly number: string;
  readonly ref: Buffer;
  /** salt(32) ‖ iv(16) ‖ AES-CTR(companion ephemeral public key), keyed by the code. */
  readonly wrappedCompanionKey: Buffer;
  /** Set once the code was entered; resolved by the client's `companion_finish`. */
  finish?: (iq: BinaryNode) => void;
}

/** Reads `<link_code_companion_reg stage="companion_hello">` from a registering client. */
export function readCompanionHello(
  iq: BinaryNode,
): { number: string; wrappedCompanionKey: Buffer } | undefined {
  const reg = child(iq, 'link_code_companion_reg');
  const wrapped = bytes(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub');
  const number = reg?.attrs.jid?.split('@')[0]?.split(':')[0];
  if (reg?.attrs.stage !== 'companion_hello' || !wrapped || wrapped.length < 80 || !number) {
    return undefined;
  }
  return { number, wrappedCompanionKey: wrapped };
}

async function ctr(
  code: string,
  salt: Buffer,
  iv: Buffer,
  data: Uint8Array,
  encrypt: boolean,
): Promise<Buffer> {
  const key = await derivePairingCodeKey(code, salt);
  const cipher = encrypt ? createCipheriv('aes-256-ctr', key, iv) : createDecipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** The notification the phone sends once its owner typed the code, and the phone's ephemeral key. */
export async function primaryHello(
  phone: SimPhone,
  pending: CodeRegistration,
  code: string,
): Promise<{ notification: BinaryNode; companionKey: Buffer; ephemeral: KeyPair }> {
  const w = pending.wrappedCompanionKey;
  const companionKey = await ctr(code, w.subarray(0, 32), w.subarray(32, 48), w.subarray(48, 80), false);
  const ephemeral = Curve.generateKeyPair();
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const wrapped = Buffer.concat([salt, iv, await ctr(code, salt, iv, ephemeral.public, true)]);
  const notification = node(
    'notification',
    {
      from: 's.whatsapp.net',
      type: 'link_code_companion_reg',
      id: randomBytes(8).toString('hex'),
      t: String(Math.floor(Date.now() / 1000)),
    },
    [
      node('link_code_companion_reg', {}, [
        node('link_code_pairing_ref', {}, pending.ref),
        node('primary_identity_pub', {}, phone.peer.identityPublicKey),
        node('link_code_pairing_wrapped_primary_ephemeral_pub', {}, wrapped),
      ]),
    ],
  );
  return { notification, companionKey, ephemeral };
}

/**
 * Opens the client's `companion_finish` key bundle and derives the ADV secret both sides now
 * share; a wrong code shows up here as a bundle that does not decrypt.
 */
export function readCompanionFinish(
  phone: SimPhone,
  registration: PendingRegistration,
  iq: BinaryNode,
  companionKey: Buffer,
  ephemeral: KeyPair,
): PairingQr {
  const reg = child(iq, 'link_code_companion_reg');
  const bundle = bytes(reg, 'link_code_pairing_wrapped_key_bundle');
  const identityKey = bytes(reg, 'companion_identity_public');
  if (reg?.attrs.stage !== 'companion_finish' || !bundle || !identityKey || bundle.length < 44) {
    throw new ValidationError('malformed companion_finish', 'pairing code');
  }
  const companionShared = Curve.sharedKey(ephemeral.private, companionKey);
  const key = hkdf(companionShared, 32, {
    salt: bundle.subarray(0, 32),
    info: 'link_code_pairing_key_bundle_encryption_key',
  });
  let payload: Buffer;
  try {
    payload = aesDecryptGCM(bundle.subarray(44), key, bundle.subarray(32, 44), Buffer.alloc(0));
  } catch {
    throw new ValidationError('the pairing code does not match the one the client shows', 'pairing code');
  }
  const random = payload.subarray(64, 96);
  if (
    !payload.subarray(0, 32).equals(identityKey) ||
    !payload.subarray(32, 64).equals(phone.peer.identityPublicKey)
  ) {
    throw new ValidationError('companion key bundle names the wrong identities', 'pairing code');
  }
  const identityShared = Curve.sharedKey(phone.peer.identity.privKey, identityKey);
  const advSecret = Buffer.from(
    hkdf(Buffer.concat([companionShared, identityShared, random]), 32, { info: 'adv_secret' }),
  );
  return { ref: '', noiseKey: registration.noiseKey, identityKey, advSecret, platform: '' };
}
