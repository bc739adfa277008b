import { ValidationError } from '@wabot/core';
import { decryptMedia, encryptMedia } from './media-crypto.js';
import type { MediaServer } from './media-server.js';
import type { SimMessage } from './model.js';

/** Encrypts media, stores it on the media server and returns the message fields that point to it. */
export async function uploadMedia(media: MediaServer, data: Uint8Array, type: 'image' | 'document') {
  const encrypted = await encryptMedia(data, type);
  // No directPath: clients then download from `url`, which is plain HTTP on loopback.
  const { httpUrl } = media.put(encrypted.file);
  return {
    url: httpUrl,
    mediaKey: encrypted.mediaKey,
    fileSha256: encrypted.fileSha256,
    fileEncSha256: encrypted.fileEncSha256,
    fileLength: encrypted.fileLength,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
}

const MEDIA_FIELDS = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
] as const;

/** Fetches the media (image, video, audio, document or sticker) of a message and decrypts it. */
export function downloadMedia(media: MediaServer, message: SimMessage): Promise<Buffer> {
  for (const [field, type] of MEDIA_FIELDS) {
    const ref = message.message[field];
    const file = ref && media.get(ref.directPath ?? ref.url ?? '');
    if (ref && file) {
      return decryptMedia(file, ref, type);
    }
  }
  return Promise.reject(new ValidationError(`message ${message.id} has no stored media`, 'message'));
}
