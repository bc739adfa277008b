import { hkdfSync } from 'node:crypto';
import {
  aesDecryptGCM,
  aesEncryptGCM,
  Curve,
  type KeyPair,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  sha256,
} from '@whiskeysockets/baileys';
import { ProtocolError } from './errors.js';

const EMPTY = Buffer.alloc(0);

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

function hkdf64(ikm: Uint8Array, salt: Uint8Array): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, EMPTY, 64));
  return [out.subarray(0, 32), out.subarray(32)];
}

/** Post-handshake cipher: AES-256-GCM with a per-direction counter nonce and no associated data. */
export class NoiseTransport {
  private readCounter = 0;
  private writeCounter = 0;
  constructor(
    private readonly encKey: Buffer,
    private readonly decKey: Buffer,
  ) {}

  encrypt(plaintext: Uint8Array): Buffer {
    return aesEncryptGCM(plaintext, this.encKey, nonce(this.writeCounter++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesDecryptGCM(ciphertext, this.decKey, nonce(this.readCounter++), EMPTY);
  }
}

/** What the server learns when the client finishes the handshake. */
export interface HandshakeResult {
  /** The client's static noise key; WhatsApp Web uses its long-lived `noiseKey` here. */
  clientStaticKey: Buffer;
  payload: proto.ClientPayload;
  transport: NoiseTransport;
}

/**
 * The responder side of Noise_XX_25519_AESGCM_SHA256 as WhatsApp Web runs it: the prologue is
 * the 4-byte WA intro, the server proves itself with a certificate chain in the payload of its
 * hello, and the client sends its ClientPayload (login or registration) in its finish message.
 */
export class NoiseServerHandshake {
  private hash: Buffer;
  private chainKey: Buffer;
  private key: Buffer;
  private counter = 0;
  private readonly ephemeral: KeyPair = Curve.generateKeyPair();
  private clientEphemeral: Buffer | undefined;

  constructor(
    private readonly staticKeyPair: KeyPair,
    private readonly certChain: Uint8Array,
  ) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.byteLength === 32 ? mode : sha256(mode);
    this.chainKey = this.hash;
    this.key = this.hash;
    this.mixHash(NOISE_WA_HEADER);
  }

  /** Consumes the ClientHello frame and returns the ServerHello frame body. */
  respondToHello(frame: Uint8Array): Uint8Array {
    const hello = proto.HandshakeMessage.decode(frame).clientHello;
    if (hello?.ephemeral?.length !== 32) {
      throw new ProtocolError('client hello without a 32-byte ephemeral key');
    }
    this.clientEphemeral = Buffer.from(hello.ephemeral);
    this.mixHash(this.clientEphemeral);
    this.mixHash(this.ephemeral.public);
    this.mixKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const encryptedStatic = this.encrypt(this.staticKeyPair.public);
    this.mixKey(Curve.sharedKey(this.staticKeyPair.private, this.clientEphemeral));
    const payload = this.encrypt(this.certChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: encryptedStatic, payload },
    }).finish();
  }

  /** Consumes the ClientFinish frame; afterwards only the returned transport is used. */
  finish(frame: Uint8Array): HandshakeResult {
    const finish = proto.HandshakeMessage.decode(frame).clientFinish;
    if (!finish?.static || !finish.payload || !this.clientEphemeral) {
      throw new ProtocolError('client finish out of order or incomplete');
    }
    let clientStaticKey: Buffer;
    let payloadBytes: Buffer;
    try {
      // The client keeps counting from the certificate decryption, so no mixKey happens here.
      clientStaticKey = this.decrypt(finish.static);
      this.mixKey(Curve.sharedKey(this.ephemeral.private, clientStaticKey));
      payloadBytes = this.decrypt(finish.payload);
    } catch {
      throw new ProtocolError('client finish failed to decrypt');
    }
    const [clientWrite, clientRead] = hkdf64(EMPTY, this.chainKey);
    return {
      clientStaticKey,
      payload: proto.ClientPayload.decode(payloadBytes),
      transport: new NoiseTransport(clientRead, clientWrite),
    };
  }

  private mixHash(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixKey(ikm: Uint8Array): void {
    const [chainKey, key] = hkdf64(ikm, this.chainKey);
    this.chainKey = chainKey;
    this.key = key;
    this.counter = 0;
  }

  private encrypt(plaintext: Uint8Array): Buffer {
    const out = aesEncryptGCM(plaintext, this.key, nonce(this.counter++), this.hash);
    this.mixHash(out);
    return out;
  }

  private decrypt(ciphertext: Uint8Array): Buffer {
    const out = aesDecryptGCM(ciphertext, this.key, nonce(this.counter++), this.hash);
    this.mixHash(ciphertext);
    return out;
  }
}
