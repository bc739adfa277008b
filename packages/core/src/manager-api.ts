import type { CompositeInput, CompositeResult, SendRequest } from './messages/requests.js';
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
import type {
  ActionsUpdate,
  ActiveDaysUpdate,
  ActiveHoursUpdate,
  GeneralUpdate,
  InstanceRecord,
  UpdateResult,
  WebhookUpdate,
} from './settings.js';
import type { InstanceStatus, Jid, SentMessage } from './types.js';

/** The reference's `instance_data`. */
export interface InstanceInfo {
  instance_key: string;
  phone_connected: boolean;
  webhookUrl: string | null;
  user: { id: Jid; name: string } | null;
  status: InstanceStatus;
}

/** The reference's init `config`. */
export interface InitConfig {
  multiDevice?: boolean;
  setWebhook?: boolean;
  webhookUrl?: string;
  /** Log in with a pairing code for this phone number instead of a QR. */
  pairingPhone?: string;
}

export interface QrResult {
  /** The raw QR payload, null when there is none to scan (connected, or not started). */
  qr: string | null;
  status: InstanceStatus;
}

/**
 * Everything the HTTP adapter needs, as async, serialisable calls keyed by instance id.
 * `BotManager` implements it in-process; a remote client can implement it elsewhere (e.g. a Worker
 * forwarding to a Node fleet).
 */
export interface ManagerApi {
  createInstance(userId: string): Promise<InstanceRecord>;
  listInstances(userId: string): Promise<InstanceRecord[]>;
  /** @throws NotFoundError */
  getInstance(id: string): Promise<InstanceRecord>;
  /** Finds an instance by its session id and checks its access token in constant time. @throws AuthError */
  authenticate(sessionId: string, accessToken: string): Promise<InstanceRecord>;
  deleteInstance(id: string): Promise<void>;

  init(id: string, config?: InitConfig): Promise<InstanceInfo>;
  qr(id: string): Promise<QrResult>;
  /** The QR as a PNG image. @throws StateError when there is no QR to show */
  qrPng(id: string): Promise<Uint8Array>;
  /** The QR as `data:image/png;base64,...`. @throws StateError when there is no QR to show */
  qrDataUrl(id: string): Promise<string>;
  pairingCode(id: string, phone: string): Promise<string>;
  info(id: string): Promise<InstanceInfo>;
  logout(id: string): Promise<void>;

  updateGeneral(id: string, update: GeneralUpdate): Promise<UpdateResult>;
  updateActions(id: string, update: ActionsUpdate): Promise<UpdateResult>;
  updateActiveDays(id: string, update: ActiveDaysUpdate): Promise<UpdateResult>;
  updateActiveHours(id: string, update: ActiveHoursUpdate): Promise<UpdateResult>;
  setWebhook(id: string, update: WebhookUpdate): Promise<UpdateResult>;

  send(id: string, request: SendRequest): Promise<SentMessage>;
  sendMessage(id: string, input: CompositeInput): Promise<CompositeResult>;

  createIntent(id: string, input: IntentInput): Promise<Intent>;
  listIntents(id: string): Promise<Intent[]>;
  getIntent(id: string, intentId: string): Promise<Intent>;
  updateIntent(id: string, intentId: string, input: Partial<IntentInput>): Promise<Intent>;
  deleteIntent(id: string, intentId: string): Promise<void>;

  createContact(id: string, input: ContactInput): Promise<Contact>;
  listContacts(id: string): Promise<Contact[]>;
  getContact(id: string, contactId: string): Promise<Contact>;
  updateContact(id: string, contactId: string, input: Partial<ContactInput>): Promise<Contact>;
  deleteContact(id: string, contactId: string): Promise<void>;

  createContactGroup(id: string, input: ContactGroupInput): Promise<ContactGroup>;
  listContactGroups(id: string): Promise<ContactGroup[]>;
  getContactGroup(id: string, groupId: string): Promise<ContactGroup>;
  updateContactGroup(id: string, groupId: string, input: Partial<ContactGroupInput>): Promise<ContactGroup>;
  deleteContactGroup(id: string, groupId: string): Promise<void>;

  createAttachment(id: string, input: AttachmentInput): Promise<Attachment>;
  listAttachments(id: string): Promise<Attachment[]>;
  getAttachment(id: string, attachmentId: string): Promise<Attachment>;
  /** An attachment with its bytes. */
  getAttachmentData(id: string, attachmentId: string): Promise<{ attachment: Attachment; data: Uint8Array }>;
  deleteAttachment(id: string, attachmentId: string): Promise<void>;
}
