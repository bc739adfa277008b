import type { Decision } from './engine/decide.js';
import type { InstanceStatus, Jid, Message, MessageAck, SentMessage } from './types.js';

export interface QrEvent {
  instanceId: string;
  qr: string;
}

export interface ConnectionEvent {
  instanceId: string;
  status: InstanceStatus;
  user?: { id: Jid; name: string };
  /** Why the connection closed, when it did. */
  reason?: string;
}

export interface MessageStatusEvent {
  instanceId: string;
  id: string;
  chatId: Jid;
  status: MessageAck;
}

/** What the bot engine decided for one received message, and what it sent. */
export interface ReplyEvent {
  instanceId: string;
  message: Message;
  decision: Decision;
  sent: SentMessage[];
}

export interface IntentNotificationEvent {
  instanceId: string;
  intentId: string;
  message: Message;
  notify: { email?: string; whatsapp_number?: string };
}

export interface ErrorEvent {
  instanceId: string;
  error: Error;
  /** Where it happened: `driver`, `bot`, `send`, `store`. */
  source: string;
}

/** Events of one instance. The manager re-emits each with the same payload (which carries `instanceId`). */
export interface InstanceEvents {
  qr: (event: QrEvent) => void;
  'pairing-code': (event: { instanceId: string; code: string }) => void;
  connection: (event: ConnectionEvent) => void;
  /** A received message not sent by this bot. */
  message: (message: Message) => void;
  /** Every message, including the bot's own (sent from here or from the phone). */
  'message.any': (message: Message) => void;
  'message.status': (event: MessageStatusEvent) => void;
  reply: (event: ReplyEvent) => void;
  'intent.notification': (event: IntentNotificationEvent) => void;
  error: (event: ErrorEvent) => void;
}

export type InstanceEventName = keyof InstanceEvents;
