import type {
  ConnectionEvent,
  InstanceEventName,
  InstanceEvents,
  InstanceStatus,
  Jid,
  Message,
  MessageAck,
  MessageStatusEvent,
  QrEvent,
  ReplyEvent,
  WebhookEventName,
} from '@wabot/core';

/**
 * The webhook events: the name a user subscribes to (`setWebhook` `events`), the instance event it
 * comes from, and the `data` it carries. Names and shapes are part of the public contract.
 */
export const WEBHOOK_EVENT_SOURCES = {
  onMessage: 'message',
  onAnyMessage: 'message.any',
  onQr: 'qr',
  onConnection: 'connection',
  onMessageStatus: 'message.status',
  onReply: 'reply',
} as const satisfies Record<WebhookEventName, InstanceEventName>;

/** A message as webhooks carry it: the normalised message without the driver's raw object. */
export interface WebhookMessage {
  id: string;
  chatId: Jid;
  sender: Jid;
  senderNumber: string;
  fromMe: boolean;
  isGroup: boolean;
  pushName?: string;
  kind: Message['kind'];
  text: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  unread?: boolean;
  quoted?: { id: string; text?: string };
  selectedId?: string;
  media?: Message['media'];
  location?: Message['location'];
}

export interface WebhookSentMessage {
  id: string;
  chatId: Jid;
  status: MessageAck;
  /** Seconds since the epoch, as WhatsApp reports it. */
  timestamp: string;
}

/** `data` of each event. */
export interface WebhookEventData {
  onMessage: WebhookMessage;
  onAnyMessage: WebhookMessage;
  onQr: { qr: string };
  onConnection: { status: InstanceStatus; user?: { id: Jid; name: string }; reason?: string };
  onMessageStatus: { id: string; chatId: Jid; status: MessageAck };
  onReply: {
    message: WebhookMessage;
    decision: { reply: boolean; reason: string; intentId?: string; text?: string };
    sent: WebhookSentMessage[];
  };
}

/** The JSON body of every webhook request. */
export interface WebhookPayload<E extends WebhookEventName = WebhookEventName> {
  event: E;
  instanceId: string;
  data: WebhookEventData[E];
  /** When the event happened, ISO 8601. */
  timestamp: string;
}

function message(m: Message): WebhookMessage {
  const out: WebhookMessage = {
    id: m.id,
    chatId: m.chatId,
    sender: m.sender,
    senderNumber: m.senderNumber,
    fromMe: m.fromMe,
    isGroup: m.isGroup,
    kind: m.kind,
    text: m.text,
    timestamp: m.timestamp,
  };
  if (m.pushName !== undefined) out.pushName = m.pushName;
  if (m.unread !== undefined) out.unread = m.unread;
  if (m.quoted) out.quoted = { id: m.quoted.id, ...(m.quoted.text !== undefined && { text: m.quoted.text }) };
  if (m.selectedId !== undefined) out.selectedId = m.selectedId;
  if (m.media) out.media = { ...m.media };
  if (m.location) out.location = { ...m.location };
  return out;
}

type Converters = {
  [E in WebhookEventName]: (
    event: Parameters<InstanceEvents[(typeof WEBHOOK_EVENT_SOURCES)[E]]>[0],
  ) => WebhookEventData[E];
};

// Each converter copies only named fields, so driver objects and large data never reach a payload.
const CONVERT: Converters = {
  onMessage: message,
  onAnyMessage: message,
  onQr: (e: QrEvent) => ({ qr: e.qr }),
  onConnection: (e: ConnectionEvent) => ({
    status: e.status,
    ...(e.user && { user: { id: e.user.id, name: e.user.name } }),
    ...(e.reason !== undefined && { reason: e.reason }),
  }),
  onMessageStatus: (e: MessageStatusEvent) => ({ id: e.id, chatId: e.chatId, status: e.status }),
  onReply: (e: ReplyEvent) => ({
    message: message(e.message),
    decision: {
      reply: e.decision.reply,
      reason: e.decision.reason,
      ...(e.decision.intent && { intentId: e.decision.intent._id }),
      ...(e.decision.text !== undefined && { text: e.decision.text }),
    },
    sent: e.sent.map((s) => ({
      id: s.key.id,
      chatId: s.key.remoteJid,
      status: s.status,
      timestamp: s.messageTimestamp,
    })),
  }),
};

/**
 * Builds the payload for one instance event.
 * @example toPayload('onQr', { instanceId: 'i1', qr: '2@abc' }, Date.now())
 */
export function toPayload<E extends WebhookEventName>(
  event: E,
  source: Parameters<InstanceEvents[(typeof WEBHOOK_EVENT_SOURCES)[E]]>[0],
  at: number,
): WebhookPayload<E> {
  const convert = CONVERT[event] as (e: typeof source) => WebhookEventData[E];
  return {
    event,
    instanceId: source.instanceId,
    data: convert(source),
    timestamp: new Date(at).toISOString(),
  };
}
