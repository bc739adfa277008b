import type { InboundKind, InboundMessage, Jid, MessageAck } from '@wabot/core';
import {
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidStatusBroadcast,
  isLidUser,
  jidNormalizedUser,
  type MessageUserReceiptUpdate,
  normalizeMessageContent,
  type proto,
  type WAMessage,
  type WAMessageKey,
  type WAMessageUpdate,
} from '@whiskeysockets/baileys';
import { ackName } from './outbound.js';

/** How a batch of messages reached us: `notify` is live; `append` is history, offline backlog or our own echo. */
export type UpsertType = 'notify' | 'append';

/**
 * Maps one Baileys message to the core's `InboundMessage`, or `undefined` for what a bot should never
 * see: status broadcasts, protocol messages (revokes, key shares, history notices), stubs without content.
 * `self` is the logged-in user's jid, the sender of our own messages.
 */
export function toInboundMessage(msg: WAMessage, type: UpsertType, self?: Jid): InboundMessage | undefined {
  const key = msg.key;
  const remote = key?.remoteJid;
  if (!remote || !key.id) return undefined;
  if (isJidStatusBroadcast(remote) || isJidBroadcast(remote) || remote.endsWith('@newsletter'))
    return undefined;
  const content = normalizeMessageContent(msg.message);
  if (!content) return undefined;
  const contentType = getContentType(content);
  if (!contentType || IGNORED.has(contentType)) return undefined;

  const chatId = preferPhoneJid(remote, key.remoteJidAlt);
  const isGroup = isJidGroup(chatId) === true;
  const fromMe = key.fromMe === true;
  const sender = isGroup
    ? preferPhoneJid(key.participant ?? msg.participant ?? chatId, key.participantAlt)
    : chatId;
  const mapped = mapContent(content, contentType);
  const out: InboundMessage = {
    id: key.id,
    chatId,
    // Our own messages were written by us (without the device part), in groups and 1:1 alike.
    sender: fromMe && self ? jidNormalizedUser(self) : sender,
    fromMe,
    kind: mapped.kind,
    text: mapped.text,
    timestamp: toMillis(msg.messageTimestamp),
    raw: msg,
  };
  if (msg.pushName) out.pushName = msg.pushName;
  // Anything not delivered live (history, offline backlog) counts as unread for the bot rules.
  if (type !== 'notify' && !fromMe) out.unread = true;
  if (mapped.selectedId !== undefined) out.selectedId = mapped.selectedId;
  if (mapped.media) out.media = mapped.media;
  if (mapped.location) out.location = mapped.location;
  const quoted = mapped.quoted ?? quotedOf(content, contentType);
  if (quoted) out.quoted = quoted;
  return out;
}

const IGNORED = new Set([
  'protocolMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'pollUpdateMessage',
  'keepInChatMessage',
  'encReactionMessage',
]);

interface Mapped {
  kind: InboundKind;
  text: string;
  selectedId?: string;
  media?: InboundMessage['media'];
  location?: InboundMessage['location'];
  quoted?: InboundMessage['quoted'];
}

function mapContent(m: proto.IMessage, type: string): Mapped {
  switch (type) {
    case 'conversation':
      return { kind: 'text', text: m.conversation ?? '' };
    case 'extendedTextMessage':
      return { kind: 'text', text: m.extendedTextMessage?.text ?? '' };
    case 'imageMessage':
      return mediaOf('image', m.imageMessage);
    case 'videoMessage':
    case 'ptvMessage':
      return mediaOf('video', m.videoMessage ?? m.ptvMessage);
    case 'audioMessage':
      return mediaOf('audio', m.audioMessage);
    case 'documentMessage':
      return mediaOf('document', m.documentMessage);
    case 'stickerMessage':
      return mediaOf('sticker', m.stickerMessage);
    case 'locationMessage':
    case 'liveLocationMessage': {
      const loc = m.locationMessage ?? m.liveLocationMessage;
      const name = m.locationMessage?.name ?? undefined;
      const location: NonNullable<InboundMessage['location']> = {
        lat: loc?.degreesLatitude ?? 0,
        lng: loc?.degreesLongitude ?? 0,
      };
      if (name) location.name = name;
      return { kind: 'location', text: name ?? m.locationMessage?.address ?? '', location };
    }
    case 'contactMessage':
      return { kind: 'contact', text: m.contactMessage?.displayName ?? '' };
    case 'contactsArrayMessage':
      return {
        kind: 'contact',
        text: m.contactsArrayMessage?.displayName ?? m.contactsArrayMessage?.contacts?.[0]?.displayName ?? '',
      };
    case 'buttonsResponseMessage': {
      const r = m.buttonsResponseMessage;
      return withId('button_reply', r?.selectedDisplayText ?? '', r?.selectedButtonId);
    }
    case 'templateButtonReplyMessage': {
      const r = m.templateButtonReplyMessage;
      return withId('button_reply', r?.selectedDisplayText ?? '', r?.selectedId);
    }
    case 'listResponseMessage': {
      const r = m.listResponseMessage;
      return withId('list_reply', r?.title ?? '', r?.singleSelectReply?.selectedRowId);
    }
    case 'interactiveResponseMessage':
      return interactiveReply(m.interactiveResponseMessage);
    case 'reactionMessage': {
      const r = m.reactionMessage;
      const mapped: Mapped = { kind: 'reaction', text: r?.text ?? '' };
      if (r?.key?.id) mapped.quoted = { id: r.key.id };
      return mapped;
    }
    default:
      return { kind: 'other', text: '' };
  }
}

function withId(kind: InboundKind, text: string, id: string | null | undefined): Mapped {
  return id ? { kind, text, selectedId: id } : { kind, text };
}

/** Native-flow replies carry their choice as JSON (`{"id": ...}`); a list answers from `single_select`. */
function interactiveReply(r: proto.Message.IInteractiveResponseMessage | null | undefined): Mapped {
  const flow = r?.nativeFlowResponseMessage;
  let id: string | undefined;
  try {
    const params: unknown = flow?.paramsJson ? JSON.parse(flow.paramsJson) : undefined;
    const raw = params && typeof params === 'object' ? (params as { id?: unknown }).id : undefined;
    if (typeof raw === 'string' || typeof raw === 'number') id = String(raw);
  } catch {
    id = undefined;
  }
  const kind: InboundKind = flow?.name && /select|list/i.test(flow.name) ? 'list_reply' : 'button_reply';
  return withId(kind, r?.body?.text ?? '', id);
}

type MediaLike = {
  mimetype?: string | null;
  caption?: string | null;
  fileName?: string | null;
  fileLength?: number | Long | null;
};
type Long = { toNumber(): number };

function mediaOf(kind: InboundKind, media: MediaLike | null | undefined): Mapped {
  const info: NonNullable<InboundMessage['media']> = {
    mimetype: media?.mimetype ?? 'application/octet-stream',
  };
  if (media?.fileName) info.filename = media.fileName;
  if (media?.caption) info.caption = media.caption;
  const size = toNumber(media?.fileLength);
  if (size !== undefined) info.size = size;
  return { kind, text: media?.caption ?? '', media: info };
}

function quotedOf(m: proto.IMessage, type: string): InboundMessage['quoted'] | undefined {
  const holder = (m as Record<string, unknown>)[type];
  if (!holder || typeof holder !== 'object') return undefined;
  const ctx = (holder as { contextInfo?: proto.IContextInfo | null }).contextInfo;
  if (!ctx?.stanzaId) return undefined;
  const quoted: NonNullable<InboundMessage['quoted']> = { id: ctx.stanzaId };
  const inner = normalizeMessageContent(ctx.quotedMessage);
  if (inner) {
    const innerType = getContentType(inner);
    const text = innerType ? mapContent(inner, innerType).text : '';
    if (text) quoted.text = text;
  }
  return quoted;
}

/**
 * WhatsApp now addresses many users by LID (`…@lid`); Baileys gives the phone-number jid alongside
 * when it knows it. The core works with phone numbers, so those win.
 */
export function preferPhoneJid(jid: Jid, alt: string | null | undefined): Jid {
  if (isLidUser(jid) && alt?.endsWith('@s.whatsapp.net')) return jidNormalizedUser(alt);
  return isLidUser(jid) || isJidGroup(jid) ? jid : jidNormalizedUser(jid);
}

function toNumber(v: number | Long | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : v.toNumber();
  return Number.isFinite(n) ? n : undefined;
}

function toMillis(ts: WAMessage['messageTimestamp']): number {
  const seconds = toNumber(ts as number | Long | null | undefined);
  return seconds === undefined ? Date.now() : seconds * 1000;
}

/** A status change of a message we sent. */
export interface StatusChange {
  id: string;
  chatId: Jid;
  status: MessageAck;
}

/** Maps `messages.update` entries that carry a delivery status to status changes. */
export function statusChangesFromUpdates(updates: WAMessageUpdate[]): StatusChange[] {
  const out: StatusChange[] = [];
  for (const { key, update } of updates) {
    const status = ackName(update.status);
    const change = status ? changeFor(key, status) : undefined;
    if (change) out.push(change);
  }
  return out;
}

/**
 * The status carried by one of our own messages in `messages.upsert`. Baileys' event buffer folds a
 * receipt that arrives while the echo of a send is still buffered into that echo, so this is
 * sometimes the only place a delivery or read shows up. PENDING is not a change worth reporting.
 */
export function statusChangeFromOwnMessage(msg: WAMessage): StatusChange | undefined {
  if (!msg.key?.fromMe) return undefined;
  const status = ackName(msg.status);
  if (!status || status === 'PENDING') return undefined;
  return changeFor(msg.key, status);
}

/** Maps per-recipient receipts (groups) to status changes: played beats read beats delivered. */
export function statusChangesFromReceipts(receipts: MessageUserReceiptUpdate[]): StatusChange[] {
  const out: StatusChange[] = [];
  for (const { key, receipt } of receipts) {
    const status: MessageAck | undefined = receipt.playedTimestamp
      ? 'PLAYED'
      : receipt.readTimestamp
        ? 'READ'
        : receipt.receiptTimestamp
          ? 'DELIVERY_ACK'
          : undefined;
    const change = status ? changeFor(key, status) : undefined;
    if (change) out.push(change);
  }
  return out;
}

function changeFor(key: WAMessageKey, status: MessageAck): StatusChange | undefined {
  if (!key.id || !key.remoteJid || isJidStatusBroadcast(key.remoteJid)) return undefined;
  return { id: key.id, chatId: preferPhoneJid(key.remoteJid, key.remoteJidAlt), status };
}
