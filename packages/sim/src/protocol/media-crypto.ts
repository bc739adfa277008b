import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ValidationError } from '@wabot/core';
import { getMediaKeys as deriveKeys, type MediaType } from '@whiskeysockets/baileys';

const MAC_LENGTH = 10;

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

async function getMediaKeys(mediaKey: Uint8Array, type: MediaType) {
  const { iv, cipherKey, macKey } = await deriveKeys(mediaKey, type);
  if (!macKey) {
    throw new ValidationError(`no MAC key for media type ${type}`, 'media');
  }
  return { iv, cipherKey, macKey };
}

/** The hashes and key a media message carries, plus the encrypted file to upload. */
export interface EncryptedMedia {
  file: Buffer;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

/** Encrypts media as WhatsApp clients do: AES-256-CBC with keys from HKDF(mediaKey), then a 10-byte HMAC. */
export async function encryptMedia(plain: Uint8Array, type: MediaType): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const enc = Buffer.concat([cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  const file = Buffer.concat([enc, mac]);
  return { file, mediaKey, fileSha256: sha256(plain), fileEncSha256: sha256(file), fileLength: plain.length };
}

/** What a media message says about its file. */
export interface MediaReference {
  mediaKey?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
  fileEncSha256?: Uint8Array | null;
}

/**
 * Checks the encrypted file's hash and MAC, decrypts it and checks the plaintext hash; any
 * mismatch is a ValidationError.
 */
export async function decryptMedia(file: Buffer, ref: MediaReference, type: MediaType): Promise<Buffer> {
  if (!ref.mediaKey || !ref.fileSha256 || !ref.fileEncSha256) {
    throw new ValidationError('media message lacks its key or hashes', 'media');
  }
  if (!sha256(file).equals(Buffer.from(ref.fileEncSha256))) {
    throw new ValidationError('encrypted file does not match fileEncSha256', 'media');
  }
  const { iv, cipherKey, macKey } = await getMediaKeys(ref.mediaKey, type);
  const enc = file.subarray(0, file.length - MAC_LENGTH);
  const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, MAC_LENGTH);
  if (!mac.equals(file.subarray(file.length - MAC_LENGTH))) {
    throw new ValidationError('media MAC does not verify', 'media');
  }
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plain = Buffer.concat([decipher.update(enc), decipher.final()]);
  if (!sha256(plain).equals(Buffer.from(ref.fileSha256))) {
    throw new ValidationError('decrypted media does not match fileSha256', 'media');
  }
  return plain;
}
