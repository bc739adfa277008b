import { Curve, type KeyPair, proto } from '@whiskeysockets/baileys';

/** Keys and certificates that identify one simulator instance to its clients. */
export interface SimServerIdentity {
  /** Root key the client must trust (see `trustSimulator`). */
  rootKeyPair: KeyPair;
  /** The server's static noise key, certified by the leaf certificate. */
  staticKeyPair: KeyPair;
  /** Encoded CertChain sent in the ServerHello payload. */
  certChain: Uint8Array;
}

const ISSUER_SERIAL_ROOT = 0; // clients compare the intermediate's issuerSerial with this
const INTERMEDIATE_SERIAL = 1;
const LEAF_SERIAL = 2;
const YEAR_SECONDS = 365 * 24 * 3600;

function certificate(
  signer: KeyPair,
  details: proto.CertChain.NoiseCertificate.IDetails,
): proto.CertChain.INoiseCertificate {
  const encoded = proto.CertChain.NoiseCertificate.Details.encode(details).finish();
  return { details: encoded, signature: Curve.sign(signer.private, encoded) };
}

/**
 * Creates a fresh root → intermediate → leaf chain, shaped like WhatsApp's: the intermediate is
 * signed by the root and names issuer serial 0, the leaf is signed by the intermediate and
 * carries the server's static key.
 */
export function createServerIdentity(): SimServerIdentity {
  const rootKeyPair = Curve.generateKeyPair();
  const intermediateKeyPair = Curve.generateKeyPair();
  const staticKeyPair = Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const validity = { notBefore: now - 60, notAfter: now + YEAR_SECONDS };
  const intermediate = certificate(rootKeyPair, {
    serial: INTERMEDIATE_SERIAL,
    issuerSerial: ISSUER_SERIAL_ROOT,
    key: intermediateKeyPair.public,
    ...validity,
  });
  const leaf = certificate(intermediateKeyPair, {
    serial: LEAF_SERIAL,
    issuerSerial: INTERMEDIATE_SERIAL,
    key: staticKeyPair.public,
    ...validity,
  });
  const certChain = proto.CertChain.encode({ leaf, intermediate }).finish();
  return { rootKeyPair, staticKeyPair, certChain };
}
