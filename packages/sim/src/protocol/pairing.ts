import { randomBytes, randomInt } from 'node:crypto';
import { ValidationError } from '@wabot/core';
import {
  type BinaryNode,
  hmacSign,
  proto,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
} from '@whiskeysockets/baileys';
import type { ClientLink, CompanionDevice } from './model.js';
import { bytes, child, node, unixNow } from './nodes.js';
import type { SimPhone } from './phone.js';
import { verifySignature } from './signature.js';

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';
const QR_REF_COUNT = 6;

/** A client that completed the handshake without credentials and waits for a QR scan. */
export interface PendingRegistration {
  readonly refs: readonly string[];
  readonly noiseKey: Buffer;
  readonly bundle: CompanionDevice['bundle'];
  readonly link: ClientLink;
  /** Sends a server-initiated iq and resolves with the client's answer. */
  query(iq: BinaryNode): Promise<BinaryNode>;
}

/** The fields of a WhatsApp Web pairing QR code. */
export interface PairingQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platform: string;
}

/** Fresh QR references for a `<pair-device>` offer. */
export function newQrRefs(): string[] {
  return Array.from({ length: QR_REF_COUNT }, () => `2@${randomBytes(24).toString('base64')}`);
}

/** Parses a QR string as shown by a WhatsApp Web client; throws ValidationError if malformed. */
export function parsePairingQr(qr: string): PairingQr {
  const body = qr.startsWith(QR_PREFIX) ? qr.slice(QR_PREFIX.length) : qr;
  const parts = body.split(',');
  const [ref, noise, identity, adv, platform] = parts;
  if (parts.length < 4 || !ref || !noise || !identity || !adv) {
    throw new ValidationError('not a WhatsApp Web pairing QR code', 'qr');
  }
  const noiseKey = Buffer.from(noise, 'base64');
  const identityKey = Buffer.from(identity, 'base64');
  const advSecret = Buffer.from(adv, 'base64');
  if (noiseKey.length !== 32 || identityKey.length !== 32 || advSecret.length !== 32) {
    throw new ValidationError('QR code keys have the wrong length', 'qr');
  }
  return { ref, noiseKey, identityKey, advSecret, platform: platform ?? '' };
}

/** The `<iq><pair-device>` stanza that makes a client show QR codes for these refs. */
export function pairDeviceOffer(id: string, refs: readonly string[]): BinaryNode {
  return node('iq', { id, type: 'set', xmlns: 'md', from: 's.whatsapp.net' }, [
    node(
      'pair-device',
      {},
      refs.map((ref) => node('ref', {}, Buffer.from(ref, 'utf8'))),
    ),
  ]);
}

/**
 * Runs the phone's side of QR pairing: signs an ADV device identity for the client with the
 * phone's account key, proves knowledge of the QR's secret with the HMAC, and checks the
 * device signature the client returns. The device is linked only if every check passes.
 */
export async function completePairing(
  phone: SimPhone,
  registration: PendingRegistration,
  qr: PairingQr,
): Promise<CompanionDevice> {
  if (!qr.noiseKey.equals(registration.noiseKey) || !qr.identityKey.equals(registration.bundle.identityKey)) {
    throw new ValidationError('QR code keys do not match the client that offered it', 'qr');
  }
  const device = phone.addCompanion(registration.noiseKey, registration.bundle);
  try {
    const details = proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: device.keyIndex,
      accountType: proto.ADVEncryptionType.E2EE,
      deviceType: proto.ADVEncryptionType.E2EE,
    }).finish();
    const accountSignatureKey = phone.peer.identityPublicKey;
    const accountSignature = phone.peer.sign(
      Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, qr.identityKey]),
    );
    const signed = proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey,
      accountSignature,
    }).finish();
    const container = proto.ADVSignedDeviceIdentityHMAC.encode({
      details: signed,
      hmac: hmacSign(signed, qr.advSecret),
    }).finish();
    const info = phone.describe(device);
    const answer = await registration.query(
      node('iq', { id: '', type: 'set', xmlns: 'md', from: 's.whatsapp.net', t: unixNow() }, [
        node('pair-success', {}, [
          node('device-identity', {}, container),
          node('platform', { name: 'smba' }),
          node('device', { jid: info.jid, lid: info.lid }),
        ]),
      ]),
    );
    verifyDeviceSignature(answer, details, qr.identityKey, accountSignatureKey, device.keyIndex);
    return device;
  } catch (error) {
    phone.companions.delete(device.deviceId);
    throw error;
  }
}

function verifyDeviceSignature(
  answer: BinaryNode,
  details: Uint8Array,
  identityKey: Buffer,
  accountSignatureKey: Buffer,
  keyIndex: number,
): void {
  const identityNode = child(child(answer, 'pair-device-sign'), 'device-identity');
  const signedBytes = bytes(identityNode);
  if (!identityNode || !signedBytes) {
    throw new ValidationError('client did not return a signed device identity', 'pair-device-sign');
  }
  if (identityNode.attrs['key-index'] !== String(keyIndex)) {
    throw new ValidationError('client signed the wrong key index', 'pair-device-sign');
  }
  const signed = proto.ADVSignedDeviceIdentity.decode(signedBytes);
  const message = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, details, identityKey, accountSignatureKey]);
  if (!signed.deviceSignature || !verifySignature(identityKey, message, signed.deviceSignature)) {
    throw new ValidationError('client device signature does not verify', 'pair-device-sign');
  }
}
