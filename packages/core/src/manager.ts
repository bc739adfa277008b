import { EventEmitter } from 'eventemitter3';
import { timingSafeEqual } from './bytes.js';
import type { DriverFactory } from './driver.js';
import { AuthError, NotFoundError, ValidationError } from './errors.js';
import type { InstanceEventName, InstanceEvents } from './events.js';
import { objectId, randomToken } from './ids.js';
import { Instance } from './instance.js';
import type { InitConfig, InstanceInfo, ManagerApi, QrResult } from './manager-api.js';
import type {
  CompositeInput,
  CompositeResult,
  InteractiveFallback,
  SendRequest,
} from './messages/requests.js';
import type {
  Attachment,
  AttachmentInput,
  Contact,
  ContactGroup,
  ContactGroupInput,
  ContactInput,
  Intent,
  IntentInput,
} from './resources.js';
import type { SendQueueOptions } from './send-queue.js';
import {
  type ActionsUpdate,
  type ActiveDaysUpdate,
  type ActiveHoursUpdate,
  defaultSettings,
  defaultWebhook,
  type GeneralUpdate,
  type InstanceRecord,
  type UpdateResult,
  type WebhookUpdate,
} from './settings.js';
import { MemoryStore, Namespaces, type Store } from './store.js';
import { type Clock, type Logger, type SentMessage, silentLogger, systemClock } from './types.js';
import type { WebhookAdmin } from './webhook-admin.js';

export interface BotManagerOptions {
  /** Creates the WhatsApp connection of each instance (BaileysDriver, SimDriver...). */
  driver: DriverFactory;
  /** Where everything is kept. Default: a MemoryStore (lost on exit). */
  store?: Store;
  clock?: Clock;
  /** A pino-compatible logger. Default: silent. */
  logger?: Logger;
  /** Send queue settings for every instance. */
  queue?: SendQueueOptions;
  /** How buttons and lists go out when a call does not say: `native` (default) or `text`. */
  interactive?: InteractiveFallback;
  /** Checks webhook URLs before they are saved (e.g. the webhook package's SSRF guard). */
  validateWebhookUrl?: (url: string) => void | Promise<void>;
  /** Reconnect instances that were running when the process stopped, on `start()`. Default true. */
  resume?: boolean;
}

const FORWARDED: readonly InstanceEventName[] = [
  'qr',
  'pairing-code',
  'connection',
  'message',
  'message.any',
  'message.status',
  'reply',
  'intent.notification',
  'error',
];

/**
 * Owns every instance: creates them for users, finds them by id or session id, restores them from the
 * store on `start()`, and re-emits every instance event (each payload carries `instanceId`).
 *
 * @example
 * const manager = new BotManager({ driver: baileysDriver(), store });
 * await manager.start();
 * const record = await manager.createInstance('user-1');
 * manager.on('message', (m) => console.log(m.senderNumber, m.text));
 * await manager.init(record._id);
 */
export class BotManager extends EventEmitter<InstanceEvents> implements ManagerApi {
  readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly instances = new Map<string, Instance>();
  private readonly bySession = new Map<string, string>();
  private started: Promise<void> | null = null;
  private webhooks: WebhookAdmin | null = null;

  constructor(private readonly options: BotManagerOptions) {
    super();
    this.store = options.store ?? new MemoryStore();
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Loads every stored instance and reconnects those that were running. Safe to call more than once. */
  async start(): Promise<void> {
    this.started ??= this.restore();
    return this.started;
  }

  private async restore(): Promise<void> {
    const entries = await this.store.list<InstanceRecord>(Namespaces.instances);
    const resume: Instance[] = [];
    for (const { value } of entries) {
      const instance = this.adopt(value);
      const s = value.settings.status;
      if (s === 'CONNECTED' || s === 'DISCONNECTED' || s === 'QR') resume.push(instance);
    }
    if (this.options.resume === false) return;
    await Promise.all(
      resume.map((i) =>
        i
          .init()
          .catch((error: unknown) =>
            this.logger.warn({ instance: i.id, err: String(error) }, 'resume failed'),
          ),
      ),
    );
  }

  private adopt(record: InstanceRecord): Instance {
    const instance = new Instance(record, {
      store: this.store,
      driverFactory: this.options.driver,
      clock: this.clock,
      logger: this.logger,
      ...(this.options.queue && { queue: this.options.queue }),
      ...(this.options.interactive && { interactive: this.options.interactive }),
      ...(this.options.validateWebhookUrl && { validateWebhookUrl: this.options.validateWebhookUrl }),
    });
    for (const name of FORWARDED) {
      const forward = (payload: unknown) => {
        if (name === 'error' && this.listenerCount('error') === 0) return;
        (this.emit as (event: string, payload: unknown) => boolean)(name, payload);
      };
      (instance.on as (event: string, fn: (payload: unknown) => void) => unknown).call(
        instance,
        name,
        forward,
      );
    }
    if (this.webhooks) instance.useWebhooks(this.webhooks);
    this.instances.set(record._id, instance);
    this.bySession.set(record.session_id, record._id);
    return instance;
  }

  /**
   * Attaches the webhook delivery service, so instances can show their webhook and list or replay
   * dead letters, and deleting an instance also forgets its pending events.
   */
  useWebhooks(admin: WebhookAdmin): this {
    this.webhooks = admin;
    for (const instance of this.instances.values()) instance.useWebhooks(admin);
    return this;
  }

  /** Creates an instance for a user (not connected yet: call `init`). */
  async create(userId: string): Promise<Instance> {
    if (typeof userId !== 'string' || !/^[\w.@:-]{1,128}$/.test(userId)) {
      throw new ValidationError('must be 1-128 letters, digits or ._@:-', 'user_id');
    }
    const now = this.clock.now();
    const iso = new Date(now).toISOString();
    const record: InstanceRecord = {
      _id: objectId(now),
      user_id: userId,
      session_id: randomToken(),
      settings: defaultSettings(randomToken()),
      webhook: defaultWebhook(),
      createdAt: iso,
      updatedAt: iso,
      __v: 0,
    };
    await this.store.set(Namespaces.instances, record._id, record);
    return this.adopt(record);
  }

  /** @throws NotFoundError */
  instance(id: string): Instance {
    const instance = typeof id === 'string' ? this.instances.get(id) : undefined;
    if (!instance) throw new NotFoundError('instance', String(id));
    return instance;
  }

  /** @throws NotFoundError */
  bySessionId(sessionId: string): Instance {
    const id = typeof sessionId === 'string' ? this.bySession.get(sessionId) : undefined;
    if (!id) throw new NotFoundError('instance', 'for this session_id');
    return this.instance(id);
  }

  /** The user's instances, oldest first. */
  list(userId: string): Instance[] {
    return [...this.instances.values()]
      .filter((i) => i.userId === userId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Closes every connection (credentials are kept, so `start()` resumes them). */
  async close(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.close().catch(() => undefined)));
  }

  // ManagerApi

  async createInstance(userId: string): Promise<InstanceRecord> {
    return (await this.create(userId)).record;
  }

  async listInstances(userId: string): Promise<InstanceRecord[]> {
    return this.list(userId).map((i) => i.record);
  }

  async getInstance(id: string): Promise<InstanceRecord> {
    return this.instance(id).record;
  }

  async authenticate(sessionId: string, accessToken: string): Promise<InstanceRecord> {
    if (typeof sessionId !== 'string' || sessionId === '')
      throw new ValidationError('is required', 'session_id');
    if (typeof accessToken !== 'string' || accessToken === '')
      throw new ValidationError('is required', 'access_token');
    const id = this.bySession.get(sessionId);
    const instance = id ? this.instances.get(id) : undefined;
    // Compare even when the session is unknown, so timing does not tell which half was wrong.
    const expected = instance?.accessToken ?? randomToken();
    const ok = timingSafeEqual(accessToken, expected);
    if (!instance) throw new NotFoundError('instance', 'for this session_id');
    if (!ok) throw new AuthError('invalid access_token for this session_id');
    return instance.record;
  }

  async deleteInstance(id: string): Promise<void> {
    const instance = this.instance(id);
    await instance.destroy();
    await this.webhooks?.purge?.(id);
    await this.store.delete(Namespaces.instances, id);
    this.instances.delete(id);
    this.bySession.delete(instance.sessionId);
  }

  async init(id: string, config?: InitConfig): Promise<InstanceInfo> {
    return this.instance(id).init(config);
  }
  async qr(id: string): Promise<QrResult> {
    return this.instance(id).qr();
  }
  async qrPng(id: string): Promise<Uint8Array> {
    return this.instance(id).qrPng();
  }
  async qrDataUrl(id: string): Promise<string> {
    return this.instance(id).qrDataUrl();
  }
  async pairingCode(id: string, phone: string): Promise<string> {
    return this.instance(id).pairingCode(phone);
  }
  async info(id: string): Promise<InstanceInfo> {
    return this.instance(id).info();
  }
  async logout(id: string): Promise<void> {
    return this.instance(id).logout();
  }
  async updateGeneral(id: string, update: GeneralUpdate): Promise<UpdateResult> {
    return this.instance(id).updateGeneral(update);
  }
  async updateActions(id: string, update: ActionsUpdate): Promise<UpdateResult> {
    return this.instance(id).updateActions(update);
  }
  async updateActiveDays(id: string, update: ActiveDaysUpdate): Promise<UpdateResult> {
    return this.instance(id).updateActiveDays(update);
  }
  async updateActiveHours(id: string, update: ActiveHoursUpdate): Promise<UpdateResult> {
    return this.instance(id).updateActiveHours(update);
  }
  async setWebhook(id: string, update: WebhookUpdate): Promise<UpdateResult> {
    return this.instance(id).setWebhook(update);
  }
  async send(id: string, request: SendRequest): Promise<SentMessage> {
    return this.instance(id).send(request);
  }
  async sendMessage(id: string, input: CompositeInput): Promise<CompositeResult> {
    return this.instance(id).sendMessage(input);
  }

  async createIntent(id: string, input: IntentInput): Promise<Intent> {
    return this.instance(id).createIntent(input);
  }
  async listIntents(id: string): Promise<Intent[]> {
    return this.instance(id).resources.listIntents();
  }
  async getIntent(id: string, intentId: string): Promise<Intent> {
    return this.instance(id).resources.getIntent(intentId);
  }
  async updateIntent(id: string, intentId: string, input: Partial<IntentInput>): Promise<Intent> {
    return this.instance(id).updateIntent(intentId, input);
  }
  async deleteIntent(id: string, intentId: string): Promise<void> {
    return this.instance(id).deleteIntent(intentId);
  }

  async createContact(id: string, input: ContactInput): Promise<Contact> {
    return this.instance(id).resources.createContact(input);
  }
  async listContacts(id: string): Promise<Contact[]> {
    return this.instance(id).resources.listContacts();
  }
  async getContact(id: string, contactId: string): Promise<Contact> {
    return this.instance(id).resources.getContact(contactId);
  }
  async updateContact(id: string, contactId: string, input: Partial<ContactInput>): Promise<Contact> {
    return this.instance(id).resources.updateContact(contactId, input);
  }
  async deleteContact(id: string, contactId: string): Promise<void> {
    return this.instance(id).resources.deleteContact(contactId);
  }

  async createContactGroup(id: string, input: ContactGroupInput): Promise<ContactGroup> {
    return this.instance(id).resources.createContactGroup(input);
  }
  async listContactGroups(id: string): Promise<ContactGroup[]> {
    return this.instance(id).resources.listContactGroups();
  }
  async getContactGroup(id: string, groupId: string): Promise<ContactGroup> {
    return this.instance(id).resources.getContactGroup(groupId);
  }
  async updateContactGroup(
    id: string,
    groupId: string,
    input: Partial<ContactGroupInput>,
  ): Promise<ContactGroup> {
    return this.instance(id).resources.updateContactGroup(groupId, input);
  }
  async deleteContactGroup(id: string, groupId: string): Promise<void> {
    return this.instance(id).resources.deleteContactGroup(groupId);
  }

  async createAttachment(id: string, input: AttachmentInput): Promise<Attachment> {
    return this.instance(id).resources.createAttachment(input);
  }
  async listAttachments(id: string): Promise<Attachment[]> {
    return this.instance(id).resources.listAttachments();
  }
  async getAttachment(id: string, attachmentId: string): Promise<Attachment> {
    return this.instance(id).resources.getAttachment(attachmentId);
  }
  async getAttachmentData(
    id: string,
    attachmentId: string,
  ): Promise<{ attachment: Attachment; data: Uint8Array }> {
    const { resources } = this.instance(id);
    const attachment = await resources.getAttachment(attachmentId);
    return { attachment, data: await resources.attachmentBytes(attachmentId) };
  }
  async deleteAttachment(id: string, attachmentId: string): Promise<void> {
    return this.instance(id).resources.deleteAttachment(attachmentId);
  }
}
