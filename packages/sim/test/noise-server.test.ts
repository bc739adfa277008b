import { StateError } from '@wabot/core';
import {
  type BinaryNode,
  Curve,
  decodeBinaryNode,
  encodeBinaryNode,
  makeNoiseHandler,
  NOISE_WA_HEADER,
  proto,
  WA_CERT_DETAILS,
} from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { trustSimulator } from '../src/index.js';
import { createServerIdentity } from '../src/protocol/certificates.js';
import { encodeFrame, FrameReader } from '../src/protocol/frame-codec.js';
import { NoiseServerHandshake } from '../src/protocol/noise-server.js';
import { verifySignature } from '../src/protocol/signature.js';
import { testLogger } from './support/baileys-client.js';

/** Drives Baileys' initiator up to the server hello and returns what the test needs. */
function startHandshake(identity = createServerIdentity()) {
  const ephemeral = Curve.generateKeyPair();
  const client = makeNoiseHandler({
    keyPair: ephemeral,
    NOISE_HEADER: NOISE_WA_HEADER,
    logger: testLogger(),
  });
  const server = new NoiseServerHandshake(identity.staticKeyPair, identity.certChain);
  const reader = new FrameReader();
  const helloBytes = proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish();
  const [hello] = reader.push(client.encodeFrame(helloBytes));
  const serverHello = proto.HandshakeMessage.decode(server.respondToHello(hello ?? Buffer.alloc(0)));
  return { identity, client, server, reader, serverHello };
}

describe('noise handshake against Baileys’ own initiator', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('agrees on keys, passes the client payload and carries binary nodes both ways', {
    timeout: 30_000,
  }, async () => {
    const identity = createServerIdentity();
    restore = trustSimulator({ rootPublicKey: identity.rootKeyPair.public }).restore;
    const { client, server, reader, serverHello } = startHandshake(identity);
    const noiseKey = Curve.generateKeyPair();

    const keyEnc = client.processHandshake(serverHello, noiseKey);
    const payload = proto.ClientPayload.encode({ username: 15550001111, device: 3, passive: true }).finish();
    const finish = proto.HandshakeMessage.encode({
      clientFinish: { static: keyEnc, payload: client.encrypt(payload) },
    }).finish();
    const [finishFrame] = reader.push(client.encodeFrame(finish));
    const result = server.finish(finishFrame ?? Buffer.alloc(0));
    await client.finishInit();

    expect(result.clientStaticKey.equals(noiseKey.public)).toBe(true);
    expect(String(result.payload.username)).toBe('15550001111');
    expect(result.payload.device).toBe(3);

    const ping: BinaryNode = {
      tag: 'iq',
      attrs: { id: '1', type: 'get', xmlns: 'w:p' },
      content: [{ tag: 'ping', attrs: {} }],
    };
    const [up] = reader.push(client.encodeFrame(encodeBinaryNode(ping)));
    expect(await decodeBinaryNode(result.transport.decrypt(up ?? Buffer.alloc(0)))).toEqual(ping);

    const pong: BinaryNode = { tag: 'iq', attrs: { id: '1', type: 'result' } };
    const received: BinaryNode[] = [];
    for (let i = 0; i < 2; i++) {
      await client.decodeFrame(encodeFrame(result.transport.encrypt(encodeBinaryNode(pong))), (f) => {
        received.push(f as BinaryNode);
      });
    }
    expect(received).toEqual([pong, pong]);
  });

  it('signs its certificate chain with its own root key', { timeout: 30_000 }, () => {
    const identity = createServerIdentity();
    const chain = proto.CertChain.decode(identity.certChain);
    const intermediate = proto.CertChain.NoiseCertificate.Details.decode(
      chain.intermediate?.details ?? new Uint8Array(),
    );
    const leaf = proto.CertChain.NoiseCertificate.Details.decode(chain.leaf?.details ?? new Uint8Array());
    const signedByRoot = (key: Uint8Array) =>
      verifySignature(
        key,
        chain.intermediate?.details ?? new Uint8Array(),
        chain.intermediate?.signature ?? new Uint8Array(),
      );

    expect(signedByRoot(identity.rootKeyPair.public)).toBe(true);
    expect(signedByRoot(WA_CERT_DETAILS.PUBLIC_KEY)).toBe(false);
    expect(
      verifySignature(
        intermediate.key ?? new Uint8Array(),
        chain.leaf?.details ?? new Uint8Array(),
        chain.leaf?.signature ?? new Uint8Array(),
      ),
    ).toBe(true);
    expect(intermediate.issuerSerial).toBe(WA_CERT_DETAILS.SERIAL);
    expect(Buffer.from(leaf.key ?? []).equals(identity.staticKeyPair.public)).toBe(true);
  });

  it('trustSimulator swaps the root key Baileys checks and restore() puts it back', {
    timeout: 30_000,
  }, () => {
    const original = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY);
    const identity = createServerIdentity();
    const handle = trustSimulator({ rootPublicKey: identity.rootKeyPair.public });
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(identity.rootKeyPair.public)).toBe(true);
    handle.restore();
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(original)).toBe(true);
  });

  it('trustSimulator refuses to run in production unless explicitly allowed', { timeout: 30_000 }, () => {
    const original = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY);
    const identity = createServerIdentity();
    const previousEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => trustSimulator({ rootPublicKey: identity.rootKeyPair.public })).toThrow(StateError);
      expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(original)).toBe(true);
      trustSimulator({ rootPublicKey: identity.rootKeyPair.public }, { allowInProduction: true }).restore();
    } finally {
      process.env.NODE_ENV = previousEnv;
    }
  });

  it('rejects a client finish that was not encrypted for this handshake', { timeout: 30_000 }, () => {
    const { server } = startHandshake();
    const bogus = proto.HandshakeMessage.encode({
      clientFinish: { static: Buffer.alloc(48, 1), payload: Buffer.alloc(40, 2) },
    }).finish();
    expect(() => server.finish(bogus)).toThrow(/failed to decrypt/);
  });
});
