import { encodeWAMessage, proto, unpadRandomMax16 } from '@whiskeysockets/baileys';

/** Encodes a message the way clients encrypt it: protobuf plus 1–16 bytes of random padding. */
export function encodeMessage(message: proto.IMessage): Buffer {
  return encodeWAMessage(message);
}

/** Reverses `encodeMessage`. */
export function decodeMessage(padded: Uint8Array): proto.Message {
  return proto.Message.decode(unpadRandomMax16(padded));
}

/** The visible text of a message: conversation, extended text or a media caption. */
export function messageText(message: proto.IMessage): string | undefined {
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    undefined
  );
}

const MEDIA_KEYS = [
  'imageMessage',
  'videoMessage',
  'audioMessage',
  'documentMessage',
  'stickerMessage',
] as const;

/** The stanza `type` attribute WhatsApp uses for this content. */
export function stanzaType(message: proto.IMessage): 'text' | 'media' {
  return MEDIA_KEYS.some((key) => message[key]) ? 'media' : 'text';
}
