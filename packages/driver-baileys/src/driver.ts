import {
  type Driver,
  type DriverContext,
  DriverError,
  type DriverEvent,
  type DriverFactoryInput,
  type InboundMessage,
  type Jid,
  type Logger,
  type OutboundContent,
  type SentMessage,
  StateError,
  ValidationError,
} from '@wabot/core';
import {
  type BaileysEventMap,
  downloadMediaMessage,
  generateWAMessageFromContent,
  type WAMediaUploadFunction,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { createStoreAuthState, type StoreAuthState } from './auth-state.js';
import { toDriverError } from './errors.js';
import { normaliseChatId, normalisePhone } from './ids.js';
import {
  statusChangeFromOwnMessage,
  statusChangesFromReceipts,
  statusChangesFromUpdates,
  toInboundMessage,
} from './inbound.js';
import { type ILogger, type PinoLike, toBaileysLogger } from './logger.js';
import type { MediaFetchOptions } from './media-fetch.js';
import { type OutboundPlan, toOutboundPlan, toSentMessage, withUploadedHeader } from './outbound.js';
import { PairingCodes } from './pairing.js';
import { RecentIds } from './recent-ids.js';
import { Backoff, type BackoffOptions, classifyClose } from './reconnect.js';
import { SendGate, type SendGateOptions } from './send-gate.js';
import {
  type BaileysSocket,
  buildSocketConfig,
  defaultSocketFactory,
  type SocketFactory,
  type SocketOptions,
} from './socket.js';

export interface BaileysDriverOptions extends SocketOptions {
  /** Logger for Baileys: a pino logger (passed through) or a core `Logger`. Defaults to the instance's logger. */
  logger?: Logger | PinoLike;
  /** Level reported to Baileys when a core `Logger` is wrapped. Default `info`. */
  logLevel?: string;
  /**
   * Reconnect backoff. `maxAttempts` stops after that many failed attempts in a row (default: never);
   * `maxBadSession` stops after that many bad-session closes (500) in a row (default 3).
   */
  reconnect?: BackoffOptions & { maxAttempts?: number; maxBadSession?: number };
  /** Sends made while disconnected wait here. */
  sendQueue?: SendGateOptions;
  /** Limits for media given as a URL. */
  mediaFetch?: MediaFetchOptions;
  /** Let Baileys fetch link previews for URLs in text messages. Default false. */
  linkPreviews?: boolean;
  /** How long `requestPairingCode` waits for the socket to be ready, in ms. Default 30000. */
  pairingTimeoutMs?: number;
  /** Makes the Baileys socket; tests inject a fake. */
  socketFactory?: SocketFactory;
}

type Phase = 'idle' | 'running' | 'stopped';

/**
 * The real WhatsApp connection, on Baileys. One driver per instance.
 *
 * @example
 * const driver = new BaileysDriver({ browser: 'My Bot' });
 * await driver.connect({ instanceId, auth, logger, emit: (e) => console.log(e) });
 */
export class BaileysDriver implements Driver {
  private readonly options: BaileysDriverOptions;
  private readonly factory: SocketFactory;
  private readonly backoff: Backoff;
  private readonly gate: SendGate;
  private readonly fallbackLogger: Logger | undefined;
  private ctx: DriverContext | undefined;
  private auth: StoreAuthState | undefined;
  private logger: ILogger | undefined;
  private sock: BaileysSocket | undefined;
  /** Bumped for every socket; events from an older socket are ignored. */
  private generation = 0;
  private phase: Phase = 'idle';
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pairing: PairingCodes;
  /** Messages already reported, so a redelivery is not reported twice. */
  private readonly delivered = new RecentIds();
  /** Bad-session closes since the last open. */
  private suspectCloses = 0;
  /** Immediate restarts since the last open. */
  private restartsSinceOpen = 0;

  constructor(options: BaileysDriverOptions = {}, input?: Pick<DriverFactoryInput, 'logger'>) {
    this.options = options;
    this.factory = options.socketFactory ?? defaultSocketFactory;
    this.backoff = new Backoff(options.reconnect);
    this.gate = new SendGate(options.sendQueue);
    this.pairing = new PairingCodes(options.pairingTimeoutMs ?? 30_000);
    this.fallbackLogger = input?.logger;
  }

  async connect(ctx: DriverContext): Promise<void> {
    if (this.phase === 'running') throw new StateError('driver is already connected or connecting');
    this.ctx = ctx;
    this.pairing.phone = ctx.pairingPhone ? normalisePhone(ctx.pairingPhone) : undefined;
    const base = this.options.logger ?? this.fallbackLogger ?? ctx.logger;
    this.logger = toBaileysLogger(base, this.options.logLevel).child({
      class: 'baileys',
      instance: ctx.instanceId,
    });
    this.auth = await createStoreAuthState(ctx.auth, ctx.logger);
    this.phase = 'running';
    this.backoff.reset();
    this.suspectCloses = 0;
    this.restartsSinceOpen = 0;
    const failure = this.openSocket();
    if (failure) {
      this.stop(failure);
      throw failure;
    }
  }

  async send(chatId: Jid, content: OutboundContent): Promise<SentMessage> {
    const jid = normaliseChatId(chatId);
    this.assertRunning();
    // Validate and fetch before waiting, so bad input fails at once even while disconnected.
    const plan = await toOutboundPlan(content, {
      mediaFetch: this.options.mediaFetch,
      linkPreviews: this.options.linkPreviews,
    });
    this.assertRunning();
    await this.gate.whenOpen();
    const sock = this.sock;
    if (!sock) throw new DriverError('connection dropped before the send', { transient: true });
    let sent: WAMessage | undefined;
    try {
      sent = await this.deliver(sock, jid, plan);
    } catch (err) {
      throw toDriverError(err, 'send');
    }
    if (!sent) throw new DriverError('send returned no message');
    return toSentMessage(sent, jid);
  }

  private async deliver(sock: BaileysSocket, jid: Jid, plan: OutboundPlan): Promise<WAMessage | undefined> {
    if (plan.kind === 'content') return sock.sendMessage(jid, plan.content);
    const userJid = sock.user?.id;
    if (!userJid) throw new DriverError('not logged in', { transient: true });
    const upload: WAMediaUploadFunction = (path, opts) => sock.waUploadToServer(path, opts);
    const message = await withUploadedHeader(plan, upload, this.logger);
    const msg = generateWAMessageFromContent(jid, message, { userJid });
    await sock.relayMessage(jid, msg.message ?? {}, {
      messageId: msg.key.id ?? undefined,
      additionalNodes: plan.additionalNodes,
    });
    return msg;
  }

  async requestPairingCode(phone: string): Promise<string> {
    const digits = normalisePhone(phone);
    this.assertRunning();
    if (this.gate.isOpen) throw new StateError('already logged in; log out before pairing again');
    this.pairing.phone = digits;
    await this.pairing.waitReady();
    return this.askPairingCode(digits);
  }

  async logout(): Promise<void> {
    const sock = this.sock;
    this.stop(new StateError('logged out'));
    if (sock) {
      try {
        await sock.logout();
      } catch (err) {
        this.logger?.warn(
          { err: errorText(err) },
          'logout on the phone failed; credentials are removed anyway',
        );
      }
    }
    // The caller asked for this, so no close event: it knows, and reports it its own way.
    await this.forgetCredentials();
  }

  async close(): Promise<void> {
    const sock = this.sock;
    this.stop(new DriverError('connection closed', { transient: true }));
    try {
      await sock?.end(undefined);
    } catch (err) {
      this.logger?.debug({ err: errorText(err) }, 'error while closing the socket');
    }
    await this.auth?.flush();
  }

  async markRead(chatId: Jid, ids: string[]): Promise<void> {
    const jid = normaliseChatId(chatId);
    const sock = this.sock;
    if (!sock || !this.gate.isOpen) throw new DriverError('not connected', { transient: true });
    try {
      await sock.readMessages(ids.map((id) => ({ remoteJid: jid, id, fromMe: false })));
    } catch (err) {
      throw toDriverError(err, 'mark read');
    }
  }

  async downloadMedia(message: InboundMessage): Promise<Uint8Array> {
    const raw = message.raw as WAMessage | undefined;
    if (!message.media || !raw?.message) {
      throw new ValidationError(
        'has no downloadable media (only messages received by this driver do)',
        'message',
      );
    }
    const sock = this.sock;
    try {
      const buffer = await downloadMediaMessage(
        raw,
        'buffer',
        {},
        sock && this.logger
          ? { logger: this.logger, reuploadRequest: (m) => sock.updateMediaMessage(m) }
          : undefined,
      );
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (err) {
      throw toDriverError(err, 'media download');
    }
  }

  private assertRunning(): void {
    if (this.phase !== 'running') throw new StateError('driver is not connected; call connect first');
  }

  /** Stops everything this driver runs; the current socket's later events are ignored. */
  private stop(reason: Error): void {
    this.phase = 'stopped';
    this.generation += 1;
    this.sock = undefined;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.gate.rejectAll(reason);
    this.pairing.reset();
  }

  private async forgetCredentials(): Promise<void> {
    if (!this.auth || !this.ctx) return;
    this.auth.disable();
    await this.auth.flush();
    await this.ctx.auth.clear();
  }

  /**
   * Opens a socket for the current session. Returns the error when Baileys refuses to even make
   * one: that is a configuration problem (a bad URL, say), so it is never retried or mistaken for
   * a logout.
   */
  private openSocket(): DriverError | undefined {
    const ctx = this.ctx;
    const auth = this.auth;
    const logger = this.logger;
    if (!ctx || !auth || !logger || this.phase !== 'running') return undefined;
    const gen = ++this.generation;
    this.pairing.reset();
    let sock: BaileysSocket;
    try {
      sock = this.factory(buildSocketConfig(this.options, auth.state, logger));
    } catch (err) {
      return new DriverError(`cannot open a WhatsApp socket: ${errorText(err)}`, {
        transient: false,
        cause: err,
      });
    }
    this.sock = sock;
    const live = () => gen === this.generation;
    const on = <E extends keyof BaileysEventMap>(event: E, fn: (arg: BaileysEventMap[E]) => void) => {
      sock.ev.on(event, (arg) => {
        if (!live()) return;
        try {
          fn(arg);
        } catch (err) {
          logger.error({ err: errorText(err), event }, 'failed to handle a Baileys event');
        }
      });
    };

    on('creds.update', () => {
      void auth.saveCreds().catch(() => {});
    });
    on('connection.update', (update) => {
      if (update.qr) this.onQr(update.qr);
      if (update.connection === 'connecting') ctx.emit({ type: 'connecting' });
      if (update.connection === 'open') this.onOpen(sock);
      if (update.connection === 'close') this.onClose(gen, update.lastDisconnect?.error);
    });
    on('messages.upsert', ({ messages, type }) => {
      for (const m of messages) {
        const message = toInboundMessage(m, type, sock.user?.id);
        if (message && !this.delivered.seen(`${message.chatId}|${message.fromMe}|${message.id}`)) {
          ctx.emit({ type: 'message', message });
        }
        const status = statusChangeFromOwnMessage(m);
        if (status) ctx.emit({ type: 'status', ...status });
      }
    });
    on('messages.update', (updates) => {
      for (const s of statusChangesFromUpdates(updates)) ctx.emit({ type: 'status', ...s });
    });
    on('message-receipt.update', (receipts) => {
      for (const s of statusChangesFromReceipts(receipts)) ctx.emit({ type: 'status', ...s });
    });
    return undefined;
  }

  /** Opens the next socket after a close; a socket that cannot be made ends the session. */
  private reopen(): void {
    const failure = this.openSocket();
    if (!failure) return;
    this.logger?.error({ err: failure.message }, 'cannot reconnect');
    this.stop(failure);
    this.emit({ type: 'close', reason: failure.message, loggedOut: false, reconnecting: false });
  }

  private onQr(qr: string): void {
    const callerWaiting = this.pairing.markReady();
    const phone = this.pairing.phone;
    if (!phone) {
      this.emit({ type: 'qr', qr });
      return;
    }
    // With a pairing phone the QR is not shown; the first one tells us the socket can ask for a code.
    // When a caller of requestPairingCode is waiting, it asks and gets the code itself.
    if (callerWaiting || this.pairing.asked) return;
    const gen = this.generation;
    this.askPairingCode(phone).then(
      (code) => {
        if (gen === this.generation) this.emit({ type: 'pairing-code', code });
      },
      (err: unknown) => {
        this.logger?.warn({ err: errorText(err) }, 'pairing code request failed');
      },
    );
  }

  private askPairingCode(phone: string): Promise<string> {
    const sock = this.sock;
    if (!sock) return Promise.reject(new DriverError('not connected', { transient: true }));
    return this.pairing.ask(() =>
      sock.requestPairingCode(phone).catch((err: unknown) => {
        throw toDriverError(err, 'pairing code request');
      }),
    );
  }

  private onOpen(sock: BaileysSocket): void {
    this.backoff.reset();
    this.suspectCloses = 0;
    this.pairing.phone = undefined;
    this.restartsSinceOpen = 0;
    const user = sock.user;
    this.emit({
      type: 'open',
      user: { id: user?.id ?? '', name: user?.name ?? user?.notify ?? user?.verifiedName ?? '' },
    });
    this.gate.setOpen();
  }

  private onClose(gen: number, error: unknown): void {
    if (gen !== this.generation || this.phase !== 'running') return;
    this.sock = undefined;
    this.gate.setClosed();
    const action = classifyClose(error);
    // Restarts are immediate, but a server that keeps asking without the connection ever opening
    // gets the backoff like any other drop.
    if (action.kind === 'restart' && this.restartsSinceOpen++ < 2) {
      this.logger?.info({}, 'restart requested by the server; reconnecting now');
      this.reopen();
      return;
    }
    const maxAttempts = this.options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
    const maxSuspect = this.options.reconnect?.maxBadSession ?? 3;
    if (action.kind === 'retry' && action.suspect) this.suspectCloses += 1;
    const retry =
      action.kind !== 'stop' && this.backoff.attempts < maxAttempts && this.suspectCloses <= maxSuspect;
    if (retry) {
      const delay = this.backoff.next();
      this.logger?.info({ reason: action.reason, delay }, 'connection dropped; reconnecting');
      this.emit({ type: 'close', reason: action.reason, loggedOut: false, reconnecting: true });
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.reopen();
      }, delay);
      return;
    }
    const loggedOut = action.kind === 'stop' && action.loggedOut;
    this.stop(
      loggedOut
        ? new StateError('logged out')
        : new DriverError(`connection closed: ${action.reason}`, { transient: false }),
    );
    const finish = loggedOut ? this.forgetCredentials() : Promise.resolve();
    void finish
      .catch((err: unknown) => this.logger?.error({ err: errorText(err) }, 'failed to remove credentials'))
      .then(() => this.emit({ type: 'close', reason: action.reason, loggedOut, reconnecting: false }));
  }

  private emit(event: DriverEvent): void {
    this.ctx?.emit(event);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
