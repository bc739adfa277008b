import { Curve, generateRegistrationId, generateSignalPubKey } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import * as libsignal from 'libsignal';

/** A Signal device address: a user part (with domain suffix when not a phone number) and a device. */
export interface SignalAddress {
  name: string;
  device: number;
}

/** Public keys a peer publishes so others can open a session with it (X3DH bundle). */
export interface PreKeyBundle {
  registrationId: number;
  /** 32-byte identity key without the 0x05 type byte. */
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

export type EncryptedType = 'pkmsg' | 'msg';

interface LibsignalKeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

function toLibsignalPair(): LibsignalKeyPair {
  const pair = Curve.generateKeyPair();
  return { pubKey: Buffer.from(generateSignalPubKey(pair.public)), privKey: Buffer.from(pair.private) };
}

const SIGNED_PRE_KEY_ID = 1;

/**
 * One simulated Signal device (a phone's primary device): its identity, pre-keys, 1:1 sessions
 * and group sender keys, all in memory. Crypto is libsignal's and Baileys' sender-key code, so
 * what it produces is exactly what a real client expects.
 */
export class SignalPeer {
  readonly registrationId: number = generateRegistrationId();
  readonly identity: LibsignalKeyPair = toLibsignalPair();
  private readonly signedPreKey = {
    keyId: SIGNED_PRE_KEY_ID,
    keyPair: toLibsignalPair(),
    signature: Buffer.alloc(0),
  };
  private readonly preKeys = new Map<number, LibsignalKeyPair>();
  private nextPreKeyId = 1;
  private readonly sessions = new Map<string, libsignal.SessionRecord>();
  private readonly senderKeys = new Map<string, SenderKeyRecord>();
  private readonly storage: libsignal.SignalStorage;
  private readonly senderKeyStore = {
    loadSenderKey: async (name: SenderKeyName) =>
      this.senderKeys.get(name.toString()) ?? new SenderKeyRecord(),
    storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
      this.senderKeys.set(name.toString(), record);
    },
  };

  constructor() {
    this.signedPreKey.signature = Buffer.from(this.sign(this.signedPreKey.keyPair.pubKey));
    this.storage = {
      loadSession: async (id) => this.sessions.get(id),
      storeSession: async (id, record) => {
        this.sessions.set(id, record);
      },
      isTrustedIdentity: () => true,
      loadPreKey: async (id) => this.preKeys.get(Number(id)),
      removePreKey: (id) => {
        this.preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => this.signedPreKey.keyPair,
      getOurRegistrationId: () => this.registrationId,
      getOurIdentity: () => this.identity,
    };
  }

  /** The 32-byte identity public key (WhatsApp's wire form, without the type byte). */
  get identityPublicKey(): Buffer {
    return this.identity.pubKey.subarray(1);
  }

  /** XEdDSA signature by the identity key. */
  sign(message: Uint8Array): Uint8Array {
    return Curve.sign(this.identity.privKey, message);
  }

  /** A bundle with a fresh one-time pre-key, as the server hands out on a key fetch. */
  issueBundle(): PreKeyBundle {
    const keyId = this.nextPreKeyId++;
    const pair = toLibsignalPair();
    this.preKeys.set(keyId, pair);
    return {
      registrationId: this.registrationId,
      identityKey: this.identityPublicKey,
      signedPreKey: {
        keyId: this.signedPreKey.keyId,
        publicKey: this.signedPreKey.keyPair.pubKey.subarray(1),
        signature: this.signedPreKey.signature,
      },
      preKey: { keyId, publicKey: pair.pubKey.subarray(1) },
    };
  }

  /** Forgets the session with a device, so the next message starts a new one from a bundle. */
  resetSession(address: SignalAddress): void {
    this.sessions.delete(addressKey(address));
  }

  hasSession(address: SignalAddress): boolean {
    return this.sessions.get(addressKey(address))?.haveOpenSession() ?? false;
  }

  /**
   * Encrypts for a remote device. Without an open session, `bundle` must be given and a
   * pre-key message ('pkmsg') is produced; afterwards messages are plain 'msg'.
   */
  async encrypt(
    address: SignalAddress,
    plaintext: Uint8Array,
    bundle?: PreKeyBundle,
  ): Promise<{ type: EncryptedType; ciphertext: Buffer }> {
    const remote = new libsignal.ProtocolAddress(address.name, address.device);
    if (!this.hasSession(address)) {
      if (!bundle) {
        throw new Error(`no session with ${addressKey(address)} and no pre-key bundle`);
      }
      await new libsignal.SessionBuilder(this.storage, remote).initOutgoing({
        registrationId: bundle.registrationId,
        identityKey: generateSignalPubKey(bundle.identityKey),
        signedPreKey: {
          keyId: bundle.signedPreKey.keyId,
          publicKey: generateSignalPubKey(bundle.signedPreKey.publicKey),
          signature: bundle.signedPreKey.signature,
        },
        preKey: bundle.preKey
          ? { keyId: bundle.preKey.keyId, publicKey: generateSignalPubKey(bundle.preKey.publicKey) }
          : (undefined as unknown as { keyId: number; publicKey: Uint8Array }),
      });
    }
    const { type, body } = await new libsignal.SessionCipher(this.storage, remote).encrypt(plaintext);
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  /** Decrypts a 'pkmsg' or 'msg' from a remote device. */
  async decrypt(address: SignalAddress, type: EncryptedType, ciphertext: Uint8Array): Promise<Buffer> {
    const cipher = new libsignal.SessionCipher(
      this.storage,
      new libsignal.ProtocolAddress(address.name, address.device),
    );
    return type === 'pkmsg'
      ? cipher.decryptPreKeyWhisperMessage(ciphertext)
      : cipher.decryptWhisperMessage(ciphertext);
  }

  /** Encrypts for a group with this device's sender key; returns the key's distribution message too. */
  async groupEncrypt(
    groupJid: string,
    self: SignalAddress,
    plaintext: Uint8Array,
  ): Promise<{ ciphertext: Uint8Array; distribution: Uint8Array }> {
    const name = senderKeyName(groupJid, self);
    const distribution = await new GroupSessionBuilder(this.senderKeyStore).create(name);
    const ciphertext = await new GroupCipher(this.senderKeyStore, name).encrypt(plaintext);
    return { ciphertext, distribution: distribution.serialize() };
  }

  /** The distribution message for this device's current sender key in a group (created if needed). */
  async senderKeyDistribution(groupJid: string, self: SignalAddress): Promise<Uint8Array> {
    const distribution = await new GroupSessionBuilder(this.senderKeyStore).create(
      senderKeyName(groupJid, self),
    );
    return distribution.serialize();
  }

  /** Stores a sender key another group member distributed. */
  async processDistribution(
    groupJid: string,
    author: SignalAddress,
    distribution: Uint8Array,
  ): Promise<void> {
    const message = new SenderKeyDistributionMessage(null, null, null, null, distribution);
    await new GroupSessionBuilder(this.senderKeyStore).process(senderKeyName(groupJid, author), message);
  }

  /** Decrypts an 'skmsg' from a group member whose sender key was distributed earlier. */
  async groupDecrypt(groupJid: string, author: SignalAddress, ciphertext: Uint8Array): Promise<Uint8Array> {
    return new GroupCipher(this.senderKeyStore, senderKeyName(groupJid, author)).decrypt(ciphertext);
  }
}

function addressKey(address: SignalAddress): string {
  return `${address.name}.${address.device}`;
}

function senderKeyName(groupJid: string, address: SignalAddress): SenderKeyName {
  return new SenderKeyName(groupJid, {
    id: address.name,
    deviceId: address.device,
    toString: () => addressKey(address),
  });
}
