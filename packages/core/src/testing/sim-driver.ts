import { bytesToBase64, bytesToHex, randomBytes, sha256Base64 } from '../bytes.js';
import { normalizeChatId } from '../chat-id.js';
import type { Driver, DriverContext, DriverFactory, DriverFactoryInput } from '../driver.js';
import { DriverError, NotFoundError, StateError } from '../errors.js';
import type { InboundKind, InboundMessage, Jid, MessageAck, OutboundContent, SentMessage } from '../types.js';

export interface SimOptions {
  /**
   * When the simulated phone scans the QR by itself: `false` (only when `scan()` is called), or after
   * `after` ms counted from when the QR is first `shown` (someone fetched it) or `emitted`.
   */
  autoScan?: false | { after: number; on?: 'shown' | 'emitted' };
  /** The phone number of each instance's phone. Default: 1555000 followed by a running number. */
  phoneNumber?: (instanceId: string) => string;
  /** The WhatsApp profile name. Default "Sim Phone". */
  name?: string;
  /** Emit delivery receipts (SERVER_ACK, DELIVERY_ACK) after each send. Default true. */
  autoAck?: boolean;
  /** A new QR every so many ms while waiting for a scan, as WhatsApp does. Default 20 000; 0 for never. */
  qrRefresh?: number;
  /** How long a send waits for a dropped connection to come back before failing. Default 10 000 ms. */
  sendWait?: number;
}

/** A message the simulated phone saw the bot send. */
export interface SimSent {
  chatId: Jid;
  content: OutboundContent;
  result: SentMessage;
  /** Milliseconds since the epoch. */
  at: number;
}

/** What a test or the demo server injects as a received message. */
export interface SimInbound {
  /** Who sends it: a phone number or jid. */
  from: string;
  text?: string;
  pushName?: string;
  /** A group jid (or just its digits): the message is posted in that group by `from`. */
  group?: string;
  /** Received while offline or already read on the phone. */
  unread?: boolean;
  /** Sent from the linked phone itself. */
  fromMe?: boolean;
  kind?: InboundKind;
  selectedId?: string;
  id?: string;
  quoted?: { id: string; text?: string };
  timestamp?: number;
}

interface SimCreds {
  number: string;
  name: string;
  device: number;
}

const CREDS_KEY = 'sim-creds';
let phoneCounter = 0;

function messageId(): string {
  return `3EB0${bytesToHex(randomBytes(8)).toUpperCase()}`;
}

/**
 * An in-process simulated phone for one instance: it shows a QR, "scans" it, connects, records every
 * message the bot sends, and lets a test inject received messages, receipts, drops and logouts.
 * It is also what the server's demo mode runs on.
 */
export class SimDriver implements Driver {
  readonly instanceId: string;
  readonly sent: SimSent[] = [];
  private ctx: DriverContext | null = null;
  private state: 'idle' | 'qr' | 'open' | 'reconnecting' | 'closed' = 'idle';
  private qr: string | null = null;
  private qrTimer: ReturnType<typeof setTimeout> | null = null;
  private scanTimer: ReturnType<typeof setTimeout> | null = null;
  private pairing: { code: string; phone: string } | null = null;
  private creds: SimCreds | null = null;
  private failures: Array<{ transient: boolean; message: string }> = [];
  private openWaiters: Array<() => void> = [];
  private readonly number: string;

  constructor(
    input: DriverFactoryInput,
    private readonly options: SimOptions = {},
  ) {
    this.instanceId = input.instanceId;
    this.number =
      options.phoneNumber?.(input.instanceId) ?? `1555000${String(++phoneCounter).padStart(4, '0')}`;
  }

  /** The QR currently shown, if any. */
  get currentQr(): string | null {
    return this.state === 'qr' ? this.qr : null;
  }

  get connected(): boolean {
    return this.state === 'open';
  }

  /** The WhatsApp id this phone logs in as (`<number>:1@s.whatsapp.net`). */
  get userId(): Jid {
    return `${this.creds?.number ?? this.number}:${this.creds?.device ?? 1}@s.whatsapp.net`;
  }

  async connect(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.creds = (await ctx.auth.get<SimCreds>(CREDS_KEY)) ?? null;
    ctx.emit({ type: 'connecting' });
    if (this.creds) {
      setTimeout(() => this.open(), 0);
      return;
    }
    if (ctx.pairingPhone) {
      this.pairing = { code: pairingCodeText(), phone: ctx.pairingPhone };
      ctx.emit({ type: 'pairing-code', code: this.pairing.code });
      return;
    }
    this.showQr();
  }

  private showQr(): void {
    if (!this.ctx) return;
    this.state = 'qr';
    const piece = () => bytesToBase64(randomBytes(32));
    this.qr = `2@${bytesToBase64(randomBytes(24))},${piece()},${piece()},${piece()}`;
    this.ctx.emit({ type: 'qr', qr: this.qr });
    const refresh = this.options.qrRefresh ?? 20_000;
    if (refresh > 0) {
      this.qrTimer = unref(setTimeout(() => this.state === 'qr' && this.showQr(), refresh));
    }
    const auto = this.options.autoScan;
    if (auto && (auto.on ?? 'shown') === 'emitted' && !this.scanTimer) this.scheduleScan(auto.after);
  }

  qrShown(): void {
    const auto = this.options.autoScan;
    if (auto && (auto.on ?? 'shown') === 'shown' && this.state === 'qr' && !this.scanTimer) {
      this.scheduleScan(auto.after);
    }
  }

  private scheduleScan(after: number): void {
    // Not unref'd: a pending scan is work the process is waiting for.
    this.scanTimer = setTimeout(() => {
      this.scanTimer = null;
      if (this.state === 'qr') void this.scan();
    }, after);
  }

  /** The phone scans the QR now. @throws StateError when no QR is shown */
  async scan(qr?: string): Promise<void> {
    if (this.state !== 'qr' || !this.qr) throw new StateError('no QR to scan');
    if (qr !== undefined && qr !== this.qr) throw new StateError('that QR is not the current one');
    await this.link();
  }

  /** The user types the pairing code on the phone. */
  async enterPairingCode(code: string): Promise<void> {
    if (!this.pairing) throw new StateError('no pairing code was requested');
    if (code.replace(/-/g, '').toUpperCase() !== this.pairing.code.replace(/-/g, '')) {
      throw new StateError('wrong pairing code');
    }
    await this.link();
  }

  async requestPairingCode(phone: string): Promise<string> {
    if (!this.ctx) throw new StateError('not connecting');
    this.clearTimers();
    this.state = 'idle';
    this.pairing = { code: pairingCodeText(), phone };
    return this.pairing.code;
  }

  private async link(): Promise<void> {
    if (!this.ctx) return;
    this.clearTimers();
    this.creds = {
      number: this.pairing?.phone ?? this.number,
      name: this.options.name ?? 'Sim Phone',
      device: 1,
    };
    this.pairing = null;
    await this.ctx.auth.setMany({ [CREDS_KEY]: this.creds });
    this.open();
  }

  private open(): void {
    if (!this.ctx || !this.creds || this.state === 'closed') return;
    this.state = 'open';
    this.qr = null;
    this.ctx.emit({ type: 'open', user: { id: this.userId, name: this.creds.name } });
    for (const wake of this.openWaiters.splice(0)) wake();
  }

  async send(chatId: Jid, content: OutboundContent): Promise<SentMessage> {
    if (this.state === 'reconnecting') await this.waitOpen();
    if (this.state !== 'open') throw new DriverError('not connected', { transient: true });
    const failure = this.failures.shift();
    if (failure) throw new DriverError(failure.message, { transient: failure.transient });
    const now = Date.now();
    const result: SentMessage = {
      key: { remoteJid: chatId, fromMe: true, id: messageId() },
      status: 'PENDING',
      message: await simMessage(content, now),
      messageTimestamp: String(Math.floor(now / 1000)),
    };
    this.sent.push({ chatId, content, result, at: now });
    if (this.options.autoAck !== false) {
      const ctx = this.ctx;
      setTimeout(() => {
        ctx?.emit({ type: 'status', id: result.key.id, chatId, status: 'SERVER_ACK' });
        ctx?.emit({ type: 'status', id: result.key.id, chatId, status: 'DELIVERY_ACK' });
      }, 0);
    }
    return structuredClone(result);
  }

  private waitOpen(): Promise<void> {
    const wait = this.options.sendWait ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.openWaiters = this.openWaiters.filter((w) => w !== wake);
        reject(new DriverError('connection did not come back in time', { transient: true }));
      }, wait);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.openWaiters.push(wake);
    });
  }

  /** Delivers a message to the bot as if someone sent it. Returns what the driver emitted. */
  receive(input: SimInbound): InboundMessage {
    if (!this.ctx || this.state !== 'open') throw new StateError('the simulated phone is not connected');
    const sender = normalizeChatId(input.from, 'from');
    const chatId = input.group
      ? normalizeChatId(input.group.includes('@') ? input.group : `${input.group}@g.us`, 'group')
      : sender;
    const message: InboundMessage = {
      id: input.id ?? messageId(),
      chatId,
      sender: input.fromMe ? this.userId.replace(/:\d+@/, '@') : sender,
      fromMe: input.fromMe === true,
      kind: input.kind ?? 'text',
      text: input.text ?? '',
      timestamp: input.timestamp ?? Date.now(),
      ...(input.pushName !== undefined && { pushName: input.pushName }),
      ...(input.unread !== undefined && { unread: input.unread }),
      ...(input.selectedId !== undefined && { selectedId: input.selectedId }),
      ...(input.quoted !== undefined && { quoted: input.quoted }),
    };
    this.ctx.emit({ type: 'message', message });
    return message;
  }

  /** Reports a receipt for a sent message (e.g. the contact read it). */
  ack(id: string, status: MessageAck): void {
    const sent = this.sent.find((s) => s.result.key.id === id);
    if (!sent) throw new NotFoundError('sent message', id);
    this.ctx?.emit({ type: 'status', id, chatId: sent.chatId, status });
  }

  /** Makes the next `count` sends fail (transient failures are retried by the send queue). */
  failNext(count: number, options: { transient?: boolean; message?: string } = {}): void {
    for (let i = 0; i < count; i++) {
      this.failures.push({
        transient: options.transient ?? true,
        message: options.message ?? 'simulated failure',
      });
    }
  }

  /** The connection drops and comes back after `downFor` ms (sends wait meanwhile). */
  drop(downFor = 10): void {
    if (this.state !== 'open' || !this.ctx) throw new StateError('not connected');
    this.state = 'reconnecting';
    this.ctx.emit({ type: 'close', reason: 'connection lost', loggedOut: false, reconnecting: true });
    setTimeout(() => this.state === 'reconnecting' && this.open(), downFor);
  }

  /** The user removes the linked device on the phone. */
  async logoutFromPhone(): Promise<void> {
    if (!this.ctx) throw new StateError('not connected');
    const ctx = this.ctx;
    await this.forget();
    ctx.emit({ type: 'close', reason: 'logged out from the phone', loggedOut: true, reconnecting: false });
  }

  async logout(): Promise<void> {
    await this.forget();
  }

  private async forget(): Promise<void> {
    this.clearTimers();
    this.state = 'closed';
    this.creds = null;
    await this.ctx?.auth.clear();
    this.ctx = null;
  }

  async close(): Promise<void> {
    this.clearTimers();
    this.state = 'closed';
    this.ctx = null;
    for (const wake of this.openWaiters.splice(0)) wake();
  }

  private clearTimers(): void {
    if (this.qrTimer) clearTimeout(this.qrTimer);
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.qrTimer = null;
    this.scanTimer = null;
  }
}

/**
 * Creates simulated phones for a `BotManager` and keeps them, so tests can reach each instance's phone.
 *
 * @example
 * const sim = new SimHub({ autoScan: { after: 0 } });
 * const manager = new BotManager({ driver: sim.driver });
 * // ...
 * sim.phone(instanceId).receive({ from: '15550002222', text: 'hello' });
 */
export class SimHub {
  private readonly phones = new Map<string, SimDriver>();

  constructor(private readonly options: SimOptions = {}) {}

  /** The driver factory to give to `BotManager`. */
  readonly driver: DriverFactory = (input) => {
    const phone = new SimDriver(input, this.options);
    this.phones.set(input.instanceId, phone);
    return phone;
  };

  /** The phone of an instance (the latest one, after a re-init). @throws NotFoundError */
  phone(instanceId: string): SimDriver {
    const phone = this.phones.get(instanceId);
    if (!phone) throw new NotFoundError('simulated phone', instanceId);
    return phone;
  }

  has(instanceId: string): boolean {
    return this.phones.has(instanceId);
  }
}

function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

function pairingCodeText(): string {
  // WhatsApp's pairing codes use this alphabet (no 0/O, 1/I confusion).
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';
  const bytes = randomBytes(8);
  let code = '';
  for (const b of bytes) code += alphabet[b % alphabet.length];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

async function mediaFields(
  media: { data: Uint8Array } | { url: string },
  mimetype: string,
  now: number,
): Promise<Record<string, unknown>> {
  const path = `/v/t62.sim/${bytesToHex(randomBytes(12))}`;
  const base: Record<string, unknown> = {
    url: `https://mmg.whatsapp.net${path}`,
    mimetype,
    mediaKey: bytesToBase64(randomBytes(32)),
    directPath: path,
    mediaKeyTimestamp: String(Math.floor(now / 1000)),
  };
  if ('data' in media) {
    base.fileSha256 = await sha256Base64(media.data);
    base.fileLength = String(media.data.length);
  } else {
    base.sourceUrl = media.url;
  }
  return base;
}

/** The WhatsApp message a send becomes, as plain JSON in the proto's field names. */
async function simMessage(content: OutboundContent, now: number): Promise<Record<string, unknown>> {
  switch (content.type) {
    case 'text':
      return { conversation: content.text };
    case 'image':
      return {
        imageMessage: {
          ...(await mediaFields(content.media, content.mimetype ?? 'image/jpeg', now)),
          ...(content.caption && { caption: content.caption }),
        },
      };
    case 'video':
      return {
        videoMessage: {
          ...(await mediaFields(content.media, content.mimetype ?? 'video/mp4', now)),
          ...(content.caption && { caption: content.caption }),
        },
      };
    case 'audio':
      return {
        audioMessage: {
          ...(await mediaFields(
            content.media,
            content.mimetype ?? (content.voiceNote ? 'audio/ogg; codecs=opus' : 'audio/mpeg'),
            now,
          )),
          ptt: content.voiceNote,
        },
      };
    case 'document':
      return {
        documentMessage: {
          ...(await mediaFields(content.media, content.mimetype ?? 'application/octet-stream', now)),
          fileName: content.filename,
          ...(content.caption && { caption: content.caption }),
        },
      };
    case 'location':
      return {
        locationMessage: {
          degreesLatitude: content.lat,
          degreesLongitude: content.lng,
          ...(content.name && { name: content.name }),
          ...(content.address && { address: content.address }),
        },
      };
    case 'contact':
      return { contactMessage: { displayName: content.displayName, vcard: content.vcard } };
    case 'buttons': {
      const header = content.media
        ? {
            [`${content.media.type}Message`]: await mediaFields(
              content.media.media,
              content.media.mimetype ?? 'image/jpeg',
              now,
            ),
          }
        : {};
      return {
        buttonsMessage: {
          contentText: content.text,
          ...(content.footer && { footerText: content.footer }),
          ...header,
          buttons: content.buttons.map((b) => ({
            buttonId: b.id,
            buttonText: { displayText: b.title },
            type: b.type === 'replyButton' ? 'RESPONSE' : b.type === 'urlButton' ? 'URL' : 'CALL',
            ...(b.payload && b.type !== 'replyButton' && { payload: b.payload }),
          })),
        },
      };
    }
    case 'list':
      return {
        listMessage: {
          ...(content.title && { title: content.title }),
          description: content.text,
          buttonText: content.buttonText,
          ...(content.footer && { footerText: content.footer }),
          listType: 'SINGLE_SELECT',
          sections: content.sections,
        },
      };
  }
}
