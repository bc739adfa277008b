import { EventEmitter } from 'eventemitter3';
import { instanceAuthStore } from './auth-store.js';
import { isGroupJid, jidUser, normalizeChatId } from './chat-id.js';
import type { Driver, DriverEvent, DriverFactory } from './driver.js';
import { type Decision, decide } from './engine/decide.js';
import { parseClock } from './engine/schedule.js';
import { parseTimeZone } from './engine/timezone.js';
import { NotFoundError, StateError, ValidationError, WabotError } from './errors.js';
import type { InstanceEvents } from './events.js';
import type { InitConfig, InstanceInfo, QrResult } from './manager-api.js';
import { buildContact, buildContent, buildLocation } from './messages/build.js';
import { matchMenuReply, type TextMenu, toTextFallback } from './messages/fallback.js';
import type {
  ButtonsInput,
  CompositeInput,
  CompositeResult,
  FileUrlInput,
  InteractiveFallback,
  ListInput,
  LocationInput,
  MediaButtonsInput,
  MediaInput,
  SendRequest,
  VcardInput,
} from './messages/requests.js';
import {
  hasControlChars,
  optionalString,
  requireArray,
  requireObject,
  requireString,
} from './messages/validate.js';
import { qrToDataUrl, qrToPng } from './qr.js';
import { ResourceStore } from './resource-store.js';
import type { Attachment, Intent } from './resources.js';
import { SendQueue, type SendQueueOptions } from './send-queue.js';
import {
  type ActionsUpdate,
  type ActiveDaysUpdate,
  type ActiveHoursUpdate,
  type GeneralUpdate,
  type InstanceRecord,
  type UpdateResult,
  WEBHOOK_EVENTS,
  WEEKDAYS,
  type WebhookEventName,
  type WebhookUpdate,
} from './settings.js';
import { Namespaces, type Store } from './store.js';
import type {
  Clock,
  InboundKind,
  InboundMessage,
  InstanceStatus,
  Jid,
  Logger,
  Message,
  OutboundContent,
  SentMessage,
} from './types.js';
import type { WebhookAdmin, WebhookTimeRange } from './webhook-admin.js';

export interface InstanceDeps {
  store: Store;
  driverFactory: DriverFactory;
  clock: Clock;
  logger: Logger;
  queue?: SendQueueOptions;
  /** How buttons and lists are sent when a call does not say. Default `native`. */
  interactive?: InteractiveFallback;
  /** Checks a webhook URL before it is saved (the webhook package's SSRF guard). */
  validateWebhookUrl?: (url: string) => void | Promise<void>;
}

const RECENT_SENT_LIMIT = 500;

/**
 * One WhatsApp account: its connection (through a driver), settings, bot engine, resources and sends.
 * Get instances from a `BotManager`; events are typed (`instance.on('message', m => ...)`).
 */
export class Instance extends EventEmitter<InstanceEvents> {
  readonly id: string;
  readonly resources: ResourceStore;
  private current: InstanceRecord;
  private snapshot: InstanceRecord | null = null;
  private driver: Driver | null = null;
  private lastQr: string | null = null;
  private user: { id: Jid; name: string } | null = null;
  private intents: Intent[] | null = null;
  private readonly menus = new Map<Jid, TextMenu>();
  private readonly recentSent = new Set<string>();
  private readonly queue: SendQueue;
  private readonly log: Logger;
  private webhooks: WebhookAdmin | null = null;

  constructor(
    record: InstanceRecord,
    private readonly deps: InstanceDeps,
  ) {
    super();
    this.id = record._id;
    this.current = record;
    this.queue = new SendQueue(deps.queue);
    this.resources = new ResourceStore(deps.store, this.id, deps.clock);
    this.log = deps.logger.child?.({ instance: this.id }) ?? deps.logger;
  }

  /**
   * The stored record (the reference's instance shape), as a frozen snapshot: it is shared between
   * readers and replaced, never changed, when the instance changes.
   */
  get record(): InstanceRecord {
    this.snapshot ??= deepFreeze(structuredClone(this.current));
    return this.snapshot;
  }

  /** The access token, for constant-time checks without copying the record. */
  get accessToken(): string {
    return this.current.settings.access_token;
  }

  get sessionId(): string {
    return this.current.session_id;
  }

  get userId(): string {
    return this.current.user_id;
  }

  get status(): InstanceStatus {
    return this.current.settings.status;
  }

  /** The logged-in WhatsApp user, once connected. */
  get me(): { id: Jid; name: string } | null {
    return this.user ? { ...this.user } : null;
  }

  // Connection

  /**
   * Starts the connection. Emits `qr` (or `pairing-code` when `config.pairingPhone` is set) until the
   * phone links, then `connection` with `CONNECTED`. Calling it again while running is harmless.
   */
  async init(config: InitConfig = {}): Promise<InstanceInfo> {
    const cfg = requireObject(config ?? {}, 'config') as InitConfig;
    if (
      cfg.webhookUrl !== undefined &&
      cfg.webhookUrl !== null &&
      cfg.webhookUrl !== '' &&
      cfg.setWebhook !== false
    ) {
      await this.setWebhook({ webhook_url: cfg.webhookUrl });
    }
    if (typeof cfg.multiDevice === 'boolean') await this.updateActions({ multi_device: cfg.multiDevice });
    if (!this.driver) {
      const pairingPhone =
        cfg.pairingPhone === undefined
          ? undefined
          : jidUser(normalizeChatId(cfg.pairingPhone, 'pairingPhone'));
      this.driver = this.deps.driverFactory({
        instanceId: this.id,
        sessionId: this.sessionId,
        logger: this.log,
      });
      await this.setStatus('INITIALIZING');
      try {
        await this.driver.connect({
          instanceId: this.id,
          auth: instanceAuthStore(this.deps.store, this.id),
          logger: this.log,
          emit: (event) => this.onDriverEvent(event),
          ...(pairingPhone !== undefined && { pairingPhone }),
        });
      } catch (error) {
        this.driver = null;
        await this.setStatus('DISCONNECTED');
        throw error;
      }
    }
    return this.info();
  }

  /** Whether a connection has been started (init called and not closed). */
  get started(): boolean {
    return this.driver !== null;
  }

  qr(): QrResult {
    // The driver may want to know the QR was looked at (the simulated phone scans it then).
    if (this.lastQr && this.status === 'QR') this.driver?.qrShown?.();
    return { qr: this.status === 'QR' ? this.lastQr : null, status: this.status };
  }

  private requireQr(): string {
    const { qr } = this.qr();
    if (!qr) {
      throw new StateError(
        this.status === 'CONNECTED'
          ? 'instance is already connected'
          : this.driver
            ? 'no QR yet, try again in a moment'
            : 'instance is not initialised, call init first',
      );
    }
    return qr;
  }

  async qrPng(): Promise<Uint8Array> {
    return qrToPng(this.requireQr());
  }

  async qrDataUrl(): Promise<string> {
    return qrToDataUrl(this.requireQr());
  }

  /** Links with a code typed on the phone instead of a QR. */
  async pairingCode(phone: string): Promise<string> {
    if (!this.driver) throw new StateError('instance is not initialised, call init first');
    if (this.status === 'CONNECTED') throw new StateError('instance is already connected');
    const digits = jidUser(normalizeChatId(phone, 'phone'));
    const code = await this.driver.requestPairingCode(digits);
    this.emit('pairing-code', { instanceId: this.id, code });
    return code;
  }

  info(): InstanceInfo {
    return {
      instance_key: this.current.session_id,
      phone_connected: this.status === 'CONNECTED',
      webhookUrl: this.current.webhook.webhook_url,
      user: this.user ? { ...this.user } : null,
      status: this.status,
    };
  }

  /** Logs out on the phone and forgets the credentials; `init` starts over with a new QR. */
  async logout(): Promise<void> {
    const driver = this.driver;
    this.driver = null;
    this.queue.clear();
    if (driver) await driver.logout();
    await instanceAuthStore(this.deps.store, this.id).clear();
    this.user = null;
    this.lastQr = null;
    await this.setStatus('LOGGED_OUT');
    this.emit('connection', { instanceId: this.id, status: 'LOGGED_OUT', reason: 'logout' });
  }

  /** Closes the connection but keeps the credentials, so the next `init` resumes without a QR. */
  async close(): Promise<void> {
    const driver = this.driver;
    this.driver = null;
    if (driver) {
      await this.queue.drain();
      await driver.close();
    }
  }

  private onDriverEvent(event: DriverEvent): void {
    void this.handleDriverEvent(event).catch((error: unknown) => this.reportError(error, 'driver'));
  }

  private async handleDriverEvent(event: DriverEvent): Promise<void> {
    switch (event.type) {
      case 'qr':
        this.lastQr = event.qr;
        await this.setStatus('QR');
        this.emit('qr', { instanceId: this.id, qr: event.qr });
        return;
      case 'pairing-code':
        this.emit('pairing-code', { instanceId: this.id, code: event.code });
        return;
      case 'connecting':
        return;
      case 'open': {
        this.user = { ...event.user };
        this.lastQr = null;
        const number = jidUser(event.user.id);
        await this.mutate((r) => {
          r.settings.status = 'CONNECTED';
          r.settings.bot_number = number;
          if (r.settings.bot_name.includes('(bot_number)')) {
            r.settings.bot_name = r.settings.bot_name.replace('(bot_number)', `(${number})`);
          }
        });
        this.emit('connection', { instanceId: this.id, status: 'CONNECTED', user: { ...event.user } });
        return;
      }
      case 'close': {
        const status: InstanceStatus = event.loggedOut ? 'LOGGED_OUT' : 'DISCONNECTED';
        if (event.loggedOut) {
          this.driver = null;
          this.user = null;
          await instanceAuthStore(this.deps.store, this.id).clear();
        } else if (!event.reconnecting) {
          this.driver = null;
        }
        await this.setStatus(status);
        this.emit('connection', { instanceId: this.id, status, reason: event.reason });
        return;
      }
      case 'message':
        await this.handleInbound(event.message);
        return;
      case 'status':
        this.emit('message.status', {
          instanceId: this.id,
          id: event.id,
          chatId: event.chatId,
          status: event.status,
        });
        return;
    }
  }

  // Inbound and the bot engine

  private async handleInbound(inbound: InboundMessage): Promise<void> {
    // Our own sends were already reported when they went out.
    if (inbound.fromMe && this.recentSent.has(inbound.id)) return;
    const message = await this.normalise(inbound);
    this.emit('message.any', message);
    if (message.fromMe) return;
    this.emit('message', message);
    const decision = await this.decide(message);
    const sent = decision.reply ? await this.runDecision(message, decision) : [];
    this.emit('reply', { instanceId: this.id, message, decision, sent });
  }

  private async normalise(inbound: InboundMessage): Promise<Message> {
    const message: Message = {
      ...inbound,
      instanceId: this.id,
      isGroup: isGroupJid(inbound.chatId),
      senderNumber: jidUser(inbound.sender),
    };
    if (!message.fromMe && message.kind === 'text') {
      const menu = await this.menuFor(message.chatId);
      const choice = menu ? matchMenuReply(menu, message.text, this.deps.clock.now()) : null;
      if (menu && choice) {
        message.kind = menu.kind;
        message.selectedId = choice.id;
        message.text = choice.title;
      }
    }
    return message;
  }

  /** What the bot engine decides for `message` at `now` with the current settings and intents. */
  async decide(message: Message, now: number = this.deps.clock.now()): Promise<Decision> {
    const intents = await this.loadIntents();
    return decide(message, { settings: this.current.settings, intents }, now);
  }

  private async loadIntents(): Promise<Intent[]> {
    if (!this.intents) this.intents = await this.resources.listIntents();
    return this.intents;
  }

  private async runDecision(message: Message, decision: Decision): Promise<SentMessage[]> {
    const sent: SentMessage[] = [];
    const chatId = message.chatId;
    const step = async (what: string, fn: () => Promise<SentMessage | null>) => {
      try {
        const result = await fn();
        if (result) sent.push(result);
      } catch (error) {
        this.reportError(error, `bot:${what}`);
      }
    };
    const intent = decision.intent;
    const action = intent?.action ?? {};
    const text = decision.text ?? '';
    if (action.send_button?.length) {
      await step('reply', () =>
        this.send({ type: 'buttons', chatId, buttons: { text, buttons: action.send_button ?? [] } }),
      );
    } else if (text) {
      await step('reply', () => this.send({ type: 'text', chatId, text }));
    }
    if (!intent) return sent;
    if (action.send_location) {
      const { lat, lng, loc } = action.send_location;
      await step('send_location', () =>
        this.send({ type: 'location', chatId, lat, lng, ...(loc !== undefined && { name: loc }) }),
      );
    }
    if (action.send_contact) {
      const { name, number } = action.send_contact;
      await step('send_contact', () =>
        this.send({ type: 'contact', chatId, vcard: { fullName: name, phoneNumber: number } }),
      );
    }
    for (const id of action.send_photo ?? [])
      await step('send_photo', () => this.sendAttachment(chatId, id, 'image'));
    for (const id of action.send_file ?? [])
      await step('send_file', () => this.sendAttachment(chatId, id, 'document'));
    if (action.add_to_group) {
      const groupId = action.add_to_group;
      await step('add_to_group', async () => {
        const contact = await this.resources.ensureContact(message.senderNumber, message.pushName ?? '');
        await this.resources.addToGroup(groupId, contact._id);
        return null;
      });
    }
    if (action.send_notification) {
      const notify = action.send_notification;
      this.emit('intent.notification', { instanceId: this.id, intentId: intent._id, message, notify });
      if (notify.whatsapp_number) {
        const who = message.pushName
          ? `${message.pushName} (+${message.senderNumber})`
          : `+${message.senderNumber}`;
        await step('send_notification', () =>
          this.send({
            type: 'text',
            chatId: notify.whatsapp_number as string,
            text: `Intent "${intent.title}" fired for ${who}: ${message.text}`,
          }),
        );
      }
    }
    return sent;
  }

  // Sending

  /**
   * Sends one message through the instance's queue. Validates first: a bad request throws a
   * ValidationError and nothing is sent.
   */
  async send(request: SendRequest): Promise<SentMessage> {
    const { chatId, content } = buildContent(request);
    const fallback = 'fallback' in request ? request.fallback : undefined;
    return this.sendContent(chatId, content, fallback);
  }

  private async sendContent(
    chatId: Jid,
    content: OutboundContent,
    fallback: InteractiveFallback | undefined,
  ): Promise<SentMessage> {
    const driver = this.requireSendable();
    const mode = fallback ?? this.deps.interactive ?? 'native';
    const { content: out, menu } =
      mode === 'text' ? toTextFallback(content, this.deps.clock.now()) : { content, menu: null };
    const sent = await this.queue.push(chatId, () => (this.driver ?? driver).send(chatId, out));
    if (menu) await this.rememberMenu(chatId, menu);
    this.rememberSent(sent, out);
    return sent;
  }

  private requireSendable(): Driver {
    const status = this.status;
    if (!this.driver) throw new StateError('instance is not initialised, call init first');
    // While DISCONNECTED the driver is reconnecting and holds sends until it is back.
    if (status !== 'CONNECTED' && status !== 'DISCONNECTED') {
      throw new StateError(`instance is not connected (status ${status})`);
    }
    return this.driver;
  }

  private rememberSent(sent: SentMessage, content: OutboundContent): void {
    this.recentSent.add(sent.key.id);
    if (this.recentSent.size > RECENT_SENT_LIMIT) {
      const oldest = this.recentSent.values().next().value;
      if (oldest !== undefined) this.recentSent.delete(oldest);
    }
    const me = this.user?.id ?? '';
    this.emit('message.any', {
      id: sent.key.id,
      chatId: sent.key.remoteJid,
      sender: me,
      fromMe: true,
      kind: outboundKind(content),
      text: outboundText(content),
      timestamp: Number(sent.messageTimestamp) * 1000,
      instanceId: this.id,
      isGroup: isGroupJid(sent.key.remoteJid),
      senderNumber: jidUser(me),
    });
  }

  private async rememberMenu(chatId: Jid, menu: TextMenu): Promise<void> {
    this.menus.set(chatId, menu);
    await this.deps.store.set(Namespaces.menus, `${this.id}:${chatId}`, menu);
  }

  private async menuFor(chatId: Jid): Promise<TextMenu | undefined> {
    let menu = this.menus.get(chatId);
    if (!menu) {
      menu = await this.deps.store.get<TextMenu>(Namespaces.menus, `${this.id}:${chatId}`);
      if (menu) this.menus.set(chatId, menu);
    }
    return menu;
  }

  async sendText(chatId: string, text: string): Promise<SentMessage> {
    return this.send({ type: 'text', chatId, text });
  }
  async sendImage(chatId: string, input: MediaInput): Promise<SentMessage> {
    return this.send({ type: 'image', chatId, ...input });
  }
  async sendVideo(chatId: string, input: MediaInput): Promise<SentMessage> {
    return this.send({ type: 'video', chatId, ...input });
  }
  async sendAudio(
    chatId: string,
    input: Omit<MediaInput, 'caption'> & { voiceNote?: boolean },
  ): Promise<SentMessage> {
    return this.send({ type: 'audio', chatId, ...input });
  }
  async sendDocument(chatId: string, input: MediaInput & { filename: string }): Promise<SentMessage> {
    return this.send({ type: 'document', chatId, ...input });
  }
  async sendFileUrl(chatId: string, input: FileUrlInput): Promise<SentMessage> {
    return this.send({ type: 'fileurl', chatId, ...input });
  }
  async sendLocation(chatId: string, input: LocationInput): Promise<SentMessage> {
    return this.send({ type: 'location', chatId, ...input });
  }
  async sendContact(chatId: string, vcard: VcardInput): Promise<SentMessage> {
    return this.send({ type: 'contact', chatId, vcard });
  }
  async sendButtons(
    chatId: string,
    buttons: ButtonsInput,
    options: { fallback?: InteractiveFallback } = {},
  ): Promise<SentMessage> {
    return this.send({ type: 'buttons', chatId, buttons, ...options });
  }
  async sendList(
    chatId: string,
    list: ListInput,
    options: { fallback?: InteractiveFallback } = {},
  ): Promise<SentMessage> {
    return this.send({ type: 'list', chatId, list, ...options });
  }
  async sendMediaButtons(
    chatId: string,
    buttons: MediaButtonsInput,
    options: { fallback?: InteractiveFallback } = {},
  ): Promise<SentMessage> {
    return this.send({ type: 'media-buttons', chatId, buttons, ...options });
  }

  private async sendAttachment(
    chatId: Jid,
    id: string,
    as: 'image' | 'document' | 'auto',
  ): Promise<SentMessage> {
    const attachment = await this.resources.getAttachment(id);
    const data = await this.resources.attachmentBytes(id);
    const kind = as === 'auto' ? attachmentKind(attachment) : as;
    const base = { chatId, media: { data }, mimetype: attachment.mimetype };
    if (kind === 'document') return this.send({ type: 'document', ...base, filename: attachment.filename });
    if (kind === 'audio') return this.send({ type: 'audio', ...base });
    return this.send({ type: kind, ...base });
  }

  /**
   * The reference's composite message: text, attachments (by id), a location and a stored contact's
   * card, sent in that order to one chat. Everything is checked before the first send.
   */
  async sendMessage(input: CompositeInput): Promise<CompositeResult> {
    const obj = requireObject(input, 'body');
    const chatId = normalizeChatId(obj.chatId);
    const text = optionalString(obj.message, 'message');
    const attachmentIds =
      obj.attachments === undefined || obj.attachments === null
        ? []
        : requireArray(obj.attachments, 'attachments', 0, 20).map((a, i) =>
            requireString(a, `attachments.${i}`, 64),
          );
    const attachments: Attachment[] = [];
    for (const [i, id] of attachmentIds.entries()) {
      try {
        attachments.push(await this.resources.getAttachment(id));
      } catch (error) {
        if (error instanceof NotFoundError)
          throw new ValidationError(`attachment ${id} does not exist`, `attachments.${i}`);
        throw error;
      }
    }
    const location =
      obj.location == null ? undefined : buildLocation(obj.location as LocationInput, 'location');
    let contact: OutboundContent | undefined;
    if (obj.contactId != null && obj.contactId !== '') {
      const contactId = requireString(obj.contactId, 'contactId', 64);
      const stored = await this.resources.getContact(contactId).catch((error: unknown) => {
        if (error instanceof NotFoundError)
          throw new ValidationError(`contact ${contactId} does not exist`, 'contactId');
        throw error;
      });
      contact = buildContact({
        fullName: stored.name,
        phoneNumber: stored.number,
        ...(stored.organization !== undefined && { organization: stored.organization }),
      });
    }
    if (text === undefined && !attachments.length && !location && !contact) {
      throw new ValidationError(
        'nothing to send: give message, attachments, location or contactId',
        'message',
      );
    }
    this.requireSendable();

    const result: CompositeResult = {
      message: {},
      attachment: [],
      contact: {},
      image: {},
      buttons: {},
      location: {},
    };
    if (text !== undefined)
      result.message = (await this.sendContent(chatId, { type: 'text', text }, undefined)).message;
    for (const attachment of attachments) {
      const sent = await this.sendAttachment(chatId, attachment._id, 'auto');
      result.attachment.push(attachment._id);
      if (attachmentKind(attachment) === 'image') result.image = sent.message;
    }
    if (location) result.location = (await this.sendContent(chatId, location, undefined)).message;
    if (contact) result.contact = (await this.sendContent(chatId, contact, undefined)).message;
    return result;
  }

  // Settings

  private async mutate(
    change: (record: InstanceRecord) => void,
  ): Promise<{ matched: boolean; modified: boolean }> {
    let modified = false;
    const next = await this.deps.store.update<InstanceRecord>(Namespaces.instances, this.id, (stored) => {
      if (!stored) return undefined;
      const before = JSON.stringify(stored);
      change(stored);
      modified = JSON.stringify(stored) !== before;
      if (!modified) return stored;
      stored.updatedAt = new Date(this.deps.clock.now()).toISOString();
      stored.__v += 1;
      return stored;
    });
    if (!next) throw new NotFoundError('instance', this.id);
    this.current = next;
    this.snapshot = null;
    return { matched: true, modified };
  }

  private async settingsUpdate(change: (record: InstanceRecord) => void): Promise<UpdateResult> {
    const { matched, modified } = await this.mutate(change);
    return {
      acknowledged: true,
      modifiedCount: modified ? 1 : 0,
      upsertedId: null,
      upsertedCount: 0,
      matchedCount: matched ? 1 : 0,
    };
  }

  private async setStatus(status: InstanceStatus): Promise<void> {
    if (this.current.settings.status === status) return;
    await this.mutate((r) => {
      r.settings.status = status;
    });
  }

  /** Updates name, time zone, language and the default message (string: template; boolean: on/off). */
  async updateGeneral(update: GeneralUpdate): Promise<UpdateResult> {
    const obj = requireObject(update, 'body');
    const botName = optionalString(obj.bot_name, 'bot_name', 256);
    const tz = optionalString(obj.bot_timezone, 'bot_timezone', 64);
    if (tz !== undefined) parseTimeZone(tz);
    const lang = optionalString(obj.bot_lang, 'bot_lang', 16);
    if (lang !== undefined && !/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/.test(lang)) {
      throw new ValidationError('must be a language code like "en" or "pt-BR"', 'bot_lang');
    }
    const dm = obj.default_msg;
    if (dm !== undefined && typeof dm !== 'boolean' && typeof dm !== 'string') {
      throw new ValidationError('must be a string (the message) or a boolean (on/off)', 'default_msg');
    }
    if (typeof dm === 'string') requireString(dm, 'default_msg', 4096);
    return this.settingsUpdate((r) => {
      if (botName !== undefined) r.settings.bot_name = botName;
      if (tz !== undefined) r.settings.bot_timezone = tz.trim();
      if (lang !== undefined) r.settings.bot_lang = lang;
      if (typeof dm === 'string') r.settings.default_msg = dm;
      if (typeof dm === 'boolean') r.settings.actions.send_default_msg = dm;
    });
  }

  async updateActions(update: ActionsUpdate): Promise<UpdateResult> {
    const obj = requireObject(update, 'body');
    const keys = Object.keys(this.current.settings.actions) as Array<keyof ActionsUpdate>;
    const changes = pickBooleans(obj, keys);
    return this.settingsUpdate((r) => Object.assign(r.settings.actions, changes));
  }

  async updateActiveDays(update: ActiveDaysUpdate): Promise<UpdateResult> {
    const obj = requireObject(update, 'body');
    const changes = pickBooleans(obj, WEEKDAYS);
    return this.settingsUpdate((r) => Object.assign(r.settings.active_days, changes));
  }

  async updateActiveHours(update: ActiveHoursUpdate): Promise<UpdateResult> {
    const obj = requireObject(update, 'body');
    const from = requireString(obj.from, 'from', 16).trim();
    const to = requireString(obj.to, 'to', 16).trim();
    parseClock(from, 'from');
    parseClock(to, 'to');
    return this.settingsUpdate((r) => {
      r.settings.active_hours = { from, to };
    });
  }

  async setWebhook(update: WebhookUpdate): Promise<UpdateResult> {
    const obj = requireObject(update, 'body');
    let url: string | null | undefined;
    if (obj.webhook_url === null || obj.webhook_url === '') url = null;
    else if (obj.webhook_url !== undefined) {
      url = requireString(obj.webhook_url, 'webhook_url', 2048).trim();
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ValidationError('must be a valid URL', 'webhook_url');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new ValidationError('must be an http or https URL', 'webhook_url');
      }
      if (this.deps.validateWebhookUrl) {
        try {
          await this.deps.validateWebhookUrl(url);
        } catch (error) {
          if (error instanceof WabotError) throw error;
          throw new ValidationError((error as Error).message, 'webhook_url');
        }
      }
    }
    let events: WebhookEventName[] | undefined;
    if (obj.events !== undefined) {
      events = requireArray(obj.events, 'events', 0, WEBHOOK_EVENTS.length * 2).map((e, i) => {
        if (typeof e !== 'string' || !WEBHOOK_EVENTS.includes(e as WebhookEventName)) {
          throw new ValidationError(`must be one of ${WEBHOOK_EVENTS.join(', ')}`, `events.${i}`);
        }
        return e as WebhookEventName;
      });
      events = [...new Set(events)];
    }
    let requestConfig: InstanceRecord['webhook']['requestConfig'] | undefined;
    if (obj.requestConfig !== undefined && obj.requestConfig !== null) {
      const rc = requireObject(obj.requestConfig, 'requestConfig');
      requestConfig = {};
      if (rc.headers !== undefined) {
        const headers = requireObject(rc.headers, 'requestConfig.headers');
        requestConfig.headers = {};
        for (const [name, value] of Object.entries(headers)) {
          if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name)) {
            throw new ValidationError('is not a valid header name', `requestConfig.headers.${name}`);
          }
          if (typeof value !== 'string' || hasControlChars(value) || value.length > 8192) {
            throw new ValidationError('must be a header value', `requestConfig.headers.${name}`);
          }
          requestConfig.headers[name] = value;
        }
      }
      if (rc.timeout !== undefined) {
        if (
          typeof rc.timeout !== 'number' ||
          !Number.isInteger(rc.timeout) ||
          rc.timeout < 100 ||
          rc.timeout > 60_000
        ) {
          throw new ValidationError(
            'must be a whole number of milliseconds between 100 and 60000',
            'requestConfig.timeout',
          );
        }
        requestConfig.timeout = rc.timeout;
      }
    }
    return this.settingsUpdate((r) => {
      if (url !== undefined) r.webhook.webhook_url = url;
      if (events !== undefined) r.webhook.events = events;
      if (requestConfig !== undefined) r.webhook.requestConfig = requestConfig;
      // Setting a URL is a request to deliver; clearing it stops delivery.
      if (url !== undefined) r.settings.actions.send_webhook = url !== null;
    });
  }

  // Webhooks: forwarded to the delivery service attached with `BotManager.useWebhooks`.

  /** @internal Attached by the manager. */
  useWebhooks(admin: WebhookAdmin): void {
    this.webhooks = admin;
  }

  private requireWebhooks(): WebhookAdmin {
    if (!this.webhooks) throw new StateError('webhook delivery is not enabled');
    return this.webhooks;
  }

  /** The webhook URL, events, signing secret and request settings. */
  webhookInfo(): Promise<unknown> {
    return this.requireWebhooks().describe(this.id);
  }

  /** Events whose delivery was given up on, optionally within a time range. */
  async listDeadLetters(range: WebhookTimeRange = {}): Promise<unknown[]> {
    return this.requireWebhooks().listDeadLetters(this.id, range);
  }

  /** Queues dead letters for delivery again (all, by id, or by time range); resolves to how many. */
  async replayDeadLetters(selection: WebhookTimeRange & { ids?: string[] } = {}): Promise<number> {
    return this.requireWebhooks().replayDeadLetters(this.id, selection);
  }

  // Intents are cached for the bot engine; writes refresh the cache.

  async createIntent(...args: Parameters<ResourceStore['createIntent']>): Promise<Intent> {
    const intent = await this.resources.createIntent(...args);
    this.intents = null;
    return intent;
  }

  async updateIntent(...args: Parameters<ResourceStore['updateIntent']>): Promise<Intent> {
    const intent = await this.resources.updateIntent(...args);
    this.intents = null;
    return intent;
  }

  async deleteIntent(id: string): Promise<void> {
    await this.resources.deleteIntent(id);
    this.intents = null;
  }

  /** Stops the connection and removes everything this instance stored. */
  async destroy(): Promise<void> {
    const driver = this.driver;
    this.driver = null;
    this.queue.clear();
    if (driver) await driver.close().catch((error: unknown) => this.reportError(error, 'driver'));
    await this.resources.deleteAll();
    this.removeAllListeners();
  }

  private reportError(error: unknown, source: string): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.log.warn({ err: { name: err.name, message: err.message }, source }, 'instance error');
    if (this.listenerCount('error') > 0) this.emit('error', { instanceId: this.id, error: err, source });
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function pickBooleans<K extends string>(
  obj: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, boolean>> {
  const out: Partial<Record<K, boolean>> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'session_id' || key === 'access_token') continue;
    if (!keys.includes(key as K))
      throw new ValidationError(`is not a known setting (use ${keys.join(', ')})`, key);
    if (typeof value !== 'boolean') throw new ValidationError('must be true or false', key);
    out[key as K] = value;
  }
  return out;
}

function attachmentKind(a: Attachment): 'image' | 'video' | 'audio' | 'document' {
  if (a.mimetype.startsWith('image/') && a.mimetype !== 'image/svg+xml') return 'image';
  if (a.mimetype.startsWith('video/')) return 'video';
  if (a.mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

function outboundKind(content: OutboundContent): InboundKind {
  switch (content.type) {
    case 'buttons':
    case 'list':
      return 'other';
    default:
      return content.type;
  }
}

function outboundText(content: OutboundContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'image':
    case 'video':
    case 'document':
      return content.caption ?? '';
    case 'buttons':
    case 'list':
      return content.text;
    case 'location':
      return content.name ?? '';
    case 'contact':
      return content.displayName;
    default:
      return '';
  }
}
