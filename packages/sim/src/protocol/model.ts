import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { PreKeyBundle, SignalAddress } from './signal-peer.js';

/** Where the simulator can push stanzas for one connected client. */
export interface ClientLink {
  send(node: BinaryNode): void;
  /** Ends the stream with a `<stream:error>` and closes the socket. */
  streamError(code: number, reason?: BinaryNode): void;
}

/**
 * A companion device (a WhatsApp Web client such as Baileys) linked to a simulated phone.
 * It outlives its connections: stanzas for it are queued while it is offline.
 */
export interface CompanionDevice {
  readonly deviceId: number;
  readonly keyIndex: number;
  /** The client's long-lived noise key; it identifies the device when it logs in again. */
  readonly noiseKey: Buffer;
  bundle: Omit<PreKeyBundle, 'preKey'>;
  readonly preKeys: Map<number, Buffer>;
  link: ClientLink | undefined;
  readonly pending: BinaryNode[];
  /** Messages sent to the device but not yet acknowledged by a receipt; resent on next login. */
  readonly unacked: Map<string, BinaryNode>;
}

/** A message as a simulated phone saw it. */
export interface SimMessage {
  id: string;
  /** The chat from the receiver's side: the sender's phone-number JID, or the group JID. */
  chat: string;
  /** The sending user's phone-number JID. */
  from: string;
  /** The exact sending device, e.g. `15550001111:1@s.whatsapp.net`. */
  fromDevice: string;
  /** Plain text of the message (conversation, extended text or media caption), if any. */
  text: string | undefined;
  message: proto.IMessage;
  /** Unix seconds. */
  timestamp: number;
}

/** A delivery or read receipt a phone got back for a message it sent. */
export interface SimReceipt {
  messageId: string;
  /** The device that sent the receipt. */
  fromDevice: string;
  type: 'delivery' | 'read' | 'played';
}

/** The Signal address the simulator uses for a device of the user with this LID. */
export function lidAddress(lidUser: string, device: number): SignalAddress {
  return { name: `${lidUser}_1`, device };
}
