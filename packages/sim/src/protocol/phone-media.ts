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

/** Fetches the image or document of a message from the media server and decrypts it. */
export function downloadMedia(media: MediaServer, message: SimMessage): Promise<Buffer> {
  const image = message.message.imageMessage;
  const document = message.message.documentMessage;
  const ref = image ?? document;
  const file = ref && media.get(ref.directPath ?? ref.url ?? '');
  if (!ref || !file) {
    return Promise.reject(
      new ValidationError(`message ${message.id} has no stored image or document`, 'message'),
    );
  }
  return decryptMedia(file, ref, image ? 'image' : 'document');
}
