/** A WhatsApp address: `<digits>@s.whatsapp.net` for a person, `<id>@g.us` for a group. */
export type Jid = string;

export type InstanceStatus = 'INITIALIZING' | 'QR' | 'CONNECTED' | 'DISCONNECTED' | 'LOGGED_OUT';

/** Where media bytes come from: bytes in hand, or a URL the driver fetches (with its own limits). */
export type MediaSource = { data: Uint8Array } | { url: string };

export type ButtonType = 'replyButton' | 'urlButton' | 'callButton';

export interface Button {
  type: ButtonType;
  title: string;
  /** URL for `urlButton`, phone number for `callButton`, the reply id for `replyButton` (defaults to its position). */
  payload?: string;
  /** Stable id used to map replies back (set by the builder). */
  id: string;
}

export interface ListRow {
  title: string;
  description?: string;
  rowId: string;
}

export interface ListSection {
  title: string;
  rows: ListRow[];
}

/** What a driver is asked to send. One variant per WhatsApp message kind. */
export type OutboundContent =
  | { type: 'text'; text: string }
  | { type: 'image'; media: MediaSource; mimetype?: string; caption?: string }
  | { type: 'video'; media: MediaSource; mimetype?: string; caption?: string }
  | { type: 'audio'; media: MediaSource; mimetype?: string; voiceNote: boolean }
  | { type: 'document'; media: MediaSource; mimetype?: string; filename: string; caption?: string }
  | { type: 'location'; lat: number; lng: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  | {
      type: 'buttons';
      text: string;
      footer?: string;
      buttons: Button[];
      media?: { type: 'image' | 'video' | 'document'; media: MediaSource; mimetype?: string };
    }
  | {
      type: 'list';
      text: string;
      title?: string;
      footer?: string;
      buttonText: string;
      sections: ListSection[];
    };

export type OutboundType = OutboundContent['type'];

export type MessageAck = 'ERROR' | 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED';

/** What a send resolves to; the shape of the reference's send responses. */
export interface SentMessage {
  key: { remoteJid: Jid; fromMe: true; id: string };
  status: MessageAck;
  /** The WhatsApp message as sent, keyed by kind (`conversation`, `imageMessage`, `locationMessage`...). */
  message: Record<string, unknown>;
  /** Seconds since the epoch, as a string (the reference's shape). */
  messageTimestamp: string;
}

export type InboundKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'button_reply'
  | 'list_reply'
  | 'reaction'
  | 'other';

/** A message as the driver reports it, before the instance normalises it. */
export interface InboundMessage {
  id: string;
  /** The chat: the other person's jid, or the group's jid. */
  chatId: Jid;
  /** Who wrote it: equals `chatId` in a 1:1 chat, the participant in a group. */
  sender: Jid;
  fromMe: boolean;
  pushName?: string;
  kind: InboundKind;
  text: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** True when it arrived while offline (history sync) or was already read on another device. */
  unread?: boolean;
  quoted?: { id: string; text?: string };
  /** For button and list replies: the id of what was chosen. */
  selectedId?: string;
  media?: { mimetype: string; filename?: string; size?: number; caption?: string };
  location?: { lat: number; lng: number; name?: string };
  /** The driver's own object, for handlers that need more. Never persisted. */
  raw?: unknown;
}

/** A normalised message as handlers and the bot engine see it. */
export interface Message extends InboundMessage {
  instanceId: string;
  isGroup: boolean;
  /** The sender's phone number (digits), when the jid carries one. */
  senderNumber: string;
}

export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
