import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { proto } from '@whiskeysockets/baileys';
import { messageText } from './message-content.js';
import type { CompanionDevice, SimMessage, SimReceipt } from './model.js';
import { node } from './nodes.js';
import { sendDirect, sendToGroup } from './outbound.js';
import { downloadMedia, uploadMedia } from './phone-media.js';
import { SignalPeer } from './signal-peer.js';
import { waitFor } from './wait.js';
import type { World } from './world.js';

const DEFAULT_WAIT_MS = 10_000;
const MAX_REMEMBERED = 1_000;

/** Options for `waitForMessage` / `waitForReceipt`. */
export interface WaitOptions {
  timeoutMs?: number;
}

/** A companion device as the phone's owner sees it in "Linked devices". */
export interface LinkedDeviceInfo {
  jid: string;
  lid: string;
  connected: boolean;
}

/** Generates a message id in WhatsApp's style (hex, 3EB0 prefix like web clients). */
export function newMessageId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
}

/**
 * A simulated WhatsApp user: the primary device (a phone) with its own Signal identity, plus
 * the companion devices (WhatsApp Web clients) it has linked by scanning their QR code.
 */
export class SimPhone {
  readonly jid: string;
  readonly lidJid: string;
  /** @internal The phone's own Signal device. */
  readonly peer = new SignalPeer();
  /** @internal Linked devices by device id (see `linkedDevices()` for the public view). */
  readonly companions = new Map<number, CompanionDevice>();
  private nextDeviceId = 1;
  private readonly inbox: SimMessage[] = [];
  private readonly receiptLog: SimReceipt[] = [];
  private readonly events = new EventEmitter();
  /** @internal `group|device` pairs that already hold this phone's sender key. */
  readonly senderKeysSent = new Set<string>();
  /** @internal Recently sent messages by id, kept so a device that failed to decrypt one can get it again. */
  readonly sent = new Map<string, { to: string; content: proto.IMessage }>();

  constructor(
    private readonly world: World,
    readonly number: string,
    readonly lid: string,
    public name: string,
  ) {
    this.jid = `${number}@s.whatsapp.net`;
    this.lidJid = `${lid}@lid`;
  }

  /** Everything this phone has received so far, oldest first. */
  received(): SimMessage[] {
    return [...this.inbox];
  }

  /** Forgets received messages and receipts (e.g. between benchmark rounds). */
  clearReceived(): void {
    this.inbox.length = 0;
    this.receiptLog.length = 0;
  }

  /** Receipts this phone got for messages it sent. */
  receipts(messageId?: string): SimReceipt[] {
    return this.receiptLog.filter((r) => messageId === undefined || r.messageId === messageId);
  }

  /** Waits for a received message (already received ones count). */
  waitForMessage(
    predicate: (m: SimMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<SimMessage> {
    const timeout = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitFor(this.events, 'message', this.inbox, predicate, timeout, `a message to ${this.number}`);
  }

  /** Waits for a receipt of the given type for one of this phone's messages. */
  waitForReceipt(
    messageId: string,
    type: SimReceipt['type'] = 'delivery',
    options: WaitOptions = {},
  ): Promise<SimReceipt> {
    const timeout = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const match = (r: SimReceipt) => r.messageId === messageId && r.type === type;
    return waitFor(
      this.events,
      'receipt',
      this.receiptLog,
      match,
      timeout,
      `a ${type} receipt for ${messageId}`,
    );
  }

  /**
   * Links the WhatsApp Web client that shows this QR code to this phone, like scanning it in
   * "Linked devices". Resolves once the client has signed the device identity.
   */
  scan(qr: string): Promise<LinkedDeviceInfo> {
    return this.world.pair(this, qr);
  }

  /**
   * Links the client that asked for a pairing code for this number (Baileys'
   * `requestPairingCode`), like typing the code in "Link with phone number". A wrong code is
   * refused with a ValidationError.
   */
  enterPairingCode(code: string): Promise<LinkedDeviceInfo> {
    return this.world.pairWithCode(this, code);
  }

  /** The companion devices currently linked. */
  linkedDevices(): LinkedDeviceInfo[] {
    return [...this.companions.values()].map((d) => this.describe(d));
  }

  /** Sends a text message from this phone to a user or group JID (or a bare phone number). */
  sendText(to: string, text: string): Promise<string> {
    return this.sendMessage(to, { conversation: text });
  }

  /** Sends any message content from this phone; resolves with the message id. */
  async sendMessage(to: string, content: proto.IMessage): Promise<string> {
    const id = newMessageId();
    this.rememberSent(id, to, content);
    const group = this.world.findGroup(to);
    if (group) {
      await sendToGroup(this.world, this, group, content, id);
    } else {
      await sendDirect(this.world, this, this.world.requirePhone(to), content, id);
    }
    return id;
  }

  /** Sends an image (encrypted and stored on the simulator's media server). */
  async sendImage(
    to: string,
    data: Uint8Array,
    options: { caption?: string; mimetype?: string } = {},
  ): Promise<string> {
    const media = await uploadMedia(this.world.media, data, 'image');
    return this.sendMessage(to, {
      imageMessage: { ...media, mimetype: options.mimetype ?? 'image/jpeg', caption: options.caption },
    });
  }

  /** Sends a document (encrypted and stored on the simulator's media server). */
  async sendDocument(
    to: string,
    data: Uint8Array,
    options: { fileName: string; mimetype?: string; caption?: string },
  ): Promise<string> {
    const media = await uploadMedia(this.world.media, data, 'document');
    return this.sendMessage(to, {
      documentMessage: {
        ...media,
        fileName: options.fileName,
        mimetype: options.mimetype ?? 'application/octet-stream',
        caption: options.caption,
      },
    });
  }

  /**
   * Downloads and decrypts the media (image, video, audio, document, sticker) of a received
   * message, checking its MAC and both SHA-256 hashes.
   */
  downloadMedia(message: SimMessage): Promise<Buffer> {
    return downloadMedia(this.world.media, message);
  }

  /** Marks a received message as read: the sender's devices get a read receipt. */
  read(message: SimMessage): void {
    this.world.sendReceipt(this, message, 'read');
  }

  /**
   * Unlinks every companion device, as "Log out" in Linked devices does: connected clients get
   * a 401 stream error and their stored identity is forgotten.
   */
  logout(): void {
    for (const device of this.companions.values()) {
      device.link?.streamError(401, node('conflict', { type: 'device_removed' }));
      device.link = undefined;
    }
    this.companions.clear();
  }

  /** @internal Registers a newly paired companion device and returns it. */
  addCompanion(noiseKey: Buffer, bundle: CompanionDevice['bundle']): CompanionDevice {
    const deviceId = this.nextDeviceId++;
    const device: CompanionDevice = {
      deviceId,
      keyIndex: deviceId,
      noiseKey,
      bundle,
      preKeys: new Map(),
      link: undefined,
      pending: [],
      unacked: new Map(),
    };
    this.companions.set(deviceId, device);
    return device;
  }

  /** @internal How a linked device appears in `linkedDevices()`. */
  describe(device: CompanionDevice): LinkedDeviceInfo {
    return {
      jid: `${this.number}:${device.deviceId}@s.whatsapp.net`,
      lid: `${this.lid}:${device.deviceId}@lid`,
      connected: device.link !== undefined,
    };
  }

  private rememberSent(id: string, to: string, content: proto.IMessage): void {
    this.sent.set(id, { to, content });
    if (this.sent.size > MAX_REMEMBERED) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) {
        this.sent.delete(oldest);
      }
    }
  }

  /** @internal Stores a message that reached this phone's primary device. */
  deliverLocal(message: SimMessage): void {
    this.inbox.push(message);
    this.events.emit('message', message);
  }

  /** @internal Stores a receipt for one of this phone's messages. */
  recordReceipt(receipt: SimReceipt): void {
    this.receiptLog.push(receipt);
    this.events.emit('receipt', receipt);
  }

  /** @internal A SimMessage as sent by this phone. */
  simMessage(id: string, chat: string, message: proto.IMessage, fromDevice = this.jid): SimMessage {
    return {
      id,
      chat,
      from: this.jid,
      fromDevice,
      text: messageText(message),
      message,
      timestamp: Math.floor(Date.now() / 1000),
    };
  }
}
