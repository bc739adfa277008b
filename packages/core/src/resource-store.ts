import { sha256Base64 } from './bytes.js';
import { NotFoundError, ValidationError } from './errors.js';
import { objectId } from './ids.js';
import { contactDigits, safeFilename } from './messages/build.js';
import {
  optionalEmail,
  optionalMimetype,
  optionalString,
  requireArray,
  requireObject,
  requireString,
} from './messages/validate.js';
import type {
  Attachment,
  AttachmentInput,
  Contact,
  ContactGroup,
  ContactGroupInput,
  ContactInput,
  Intent,
  IntentActions,
  IntentInput,
} from './resources.js';
import { Namespaces, type Store } from './store.js';
import type { Clock } from './types.js';

/** Attachments are kept in the store; 16 MiB keeps one value within every backend's comfortable size. */
export const MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024;

/** CRUD for one instance's intents, contacts, contact groups and attachments, kept in the store. */
export class ResourceStore {
  constructor(
    private readonly store: Store,
    private readonly instanceId: string,
    private readonly clock: Clock,
  ) {}

  private key(id: string): string {
    return `${this.instanceId}:${id}`;
  }

  private async listNs<T>(ns: string): Promise<T[]> {
    const entries = await this.store.list<T>(ns, `${this.instanceId}:`);
    return entries.map((e) => e.value);
  }

  private async getNs<T>(ns: string, resource: string, id: unknown): Promise<T> {
    if (typeof id !== 'string' || id === '') throw new NotFoundError(resource, String(id));
    const value = await this.store.get<T>(ns, this.key(id));
    if (value === undefined) throw new NotFoundError(resource, id);
    return value;
  }

  private async deleteNs(ns: string, resource: string, id: string): Promise<void> {
    if (!(await this.store.delete(ns, this.key(id)))) throw new NotFoundError(resource, id);
  }

  private async patch<T extends { updatedAt: string }>(
    ns: string,
    resource: string,
    id: string,
    apply: (current: T) => T,
  ): Promise<T> {
    await this.getNs<T>(ns, resource, id);
    const next = await this.store.update<T>(ns, this.key(id), (current) =>
      current === undefined
        ? undefined
        : { ...apply(current), updatedAt: new Date(this.clock.now()).toISOString() },
    );
    if (next === undefined) throw new NotFoundError(resource, id);
    return next;
  }

  // Intents

  async createIntent(input: IntentInput): Promise<Intent> {
    const fields = validateIntent(input, false) as Required<
      Pick<IntentInput, 'title' | 'keyword' | 'reply'>
    > &
      Pick<IntentInput, 'action'>;
    const now = new Date(this.clock.now()).toISOString();
    const intent: Intent = {
      _id: objectId(this.clock.now()),
      instance_id: this.instanceId,
      title: fields.title,
      keyword: fields.keyword,
      reply: fields.reply,
      action: fields.action ?? {},
      createdAt: now,
      updatedAt: now,
    };
    await this.store.set(Namespaces.intents, this.key(intent._id), intent);
    return intent;
  }

  /** In creation order, which is the order intents are tried in. */
  listIntents(): Promise<Intent[]> {
    return this.listNs<Intent>(Namespaces.intents);
  }

  getIntent(id: string): Promise<Intent> {
    return this.getNs<Intent>(Namespaces.intents, 'intent', id);
  }

  updateIntent(id: string, input: Partial<IntentInput>): Promise<Intent> {
    const fields = validateIntent(input, true);
    return this.patch<Intent>(Namespaces.intents, 'intent', id, (c) => ({ ...c, ...fields }));
  }

  deleteIntent(id: string): Promise<void> {
    return this.deleteNs(Namespaces.intents, 'intent', id);
  }

  // Contacts

  async createContact(input: ContactInput): Promise<Contact> {
    const fields = validateContact(input, false) as ContactInput;
    const now = new Date(this.clock.now()).toISOString();
    const contact: Contact = {
      _id: objectId(this.clock.now()),
      instance_id: this.instanceId,
      ...fields,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.set(Namespaces.contacts, this.key(contact._id), contact);
    return contact;
  }

  listContacts(): Promise<Contact[]> {
    return this.listNs<Contact>(Namespaces.contacts);
  }

  getContact(id: string): Promise<Contact> {
    return this.getNs<Contact>(Namespaces.contacts, 'contact', id);
  }

  updateContact(id: string, input: Partial<ContactInput>): Promise<Contact> {
    const fields = validateContact(input, true);
    return this.patch<Contact>(Namespaces.contacts, 'contact', id, (c) => ({ ...c, ...fields }));
  }

  async deleteContact(id: string): Promise<void> {
    await this.deleteNs(Namespaces.contacts, 'contact', id);
    // Keep groups consistent: a deleted contact leaves every group it was in.
    for (const group of await this.listContactGroups()) {
      if (group.contacts.includes(id)) {
        await this.patch<ContactGroup>(Namespaces.contactGroups, 'contact group', group._id, (g) => ({
          ...g,
          contacts: g.contacts.filter((c) => c !== id),
        }));
      }
    }
  }

  /** The contact with this number, created with `name` when there is none. */
  async ensureContact(number: string, name: string): Promise<Contact> {
    const digits = contactDigits(number, 'number');
    const existing = (await this.listContacts()).find((c) => c.number === digits);
    return existing ?? this.createContact({ name: name || digits, number: digits });
  }

  // Contact groups

  async createContactGroup(input: ContactGroupInput): Promise<ContactGroup> {
    const fields = await this.validateGroup(input, false);
    const now = new Date(this.clock.now()).toISOString();
    const group: ContactGroup = {
      _id: objectId(this.clock.now()),
      instance_id: this.instanceId,
      name: fields.name as string,
      contacts: fields.contacts ?? [],
      createdAt: now,
      updatedAt: now,
    };
    await this.store.set(Namespaces.contactGroups, this.key(group._id), group);
    return group;
  }

  listContactGroups(): Promise<ContactGroup[]> {
    return this.listNs<ContactGroup>(Namespaces.contactGroups);
  }

  getContactGroup(id: string): Promise<ContactGroup> {
    return this.getNs<ContactGroup>(Namespaces.contactGroups, 'contact group', id);
  }

  async updateContactGroup(id: string, input: Partial<ContactGroupInput>): Promise<ContactGroup> {
    const fields = await this.validateGroup(input, true);
    return this.patch<ContactGroup>(Namespaces.contactGroups, 'contact group', id, (c) => ({
      ...c,
      ...fields,
    }));
  }

  deleteContactGroup(id: string): Promise<void> {
    return this.deleteNs(Namespaces.contactGroups, 'contact group', id);
  }

  /** Adds a contact to a group; resolves true when it was not there yet. */
  async addToGroup(groupId: string, contactId: string): Promise<boolean> {
    let added = false;
    await this.patch<ContactGroup>(Namespaces.contactGroups, 'contact group', groupId, (g) => {
      added = !g.contacts.includes(contactId);
      return added ? { ...g, contacts: [...g.contacts, contactId] } : g;
    });
    return added;
  }

  private async validateGroup(
    input: Partial<ContactGroupInput>,
    partial: boolean,
  ): Promise<Partial<ContactGroupInput>> {
    const obj = requireObject(input, 'body');
    const out: Partial<ContactGroupInput> = {};
    if (!partial || obj.name !== undefined) out.name = requireString(obj.name, 'name', 256);
    if (obj.contacts !== undefined) {
      const ids = requireArray(obj.contacts, 'contacts', 0, 10_000).map((c, i) =>
        requireString(c, `contacts.${i}`, 64),
      );
      for (const [i, id] of ids.entries()) {
        if ((await this.store.get(Namespaces.contacts, this.key(id))) === undefined) {
          throw new ValidationError(`contact ${id} does not exist`, `contacts.${i}`);
        }
      }
      out.contacts = [...new Set(ids)];
    }
    return out;
  }

  // Attachments

  async createAttachment(input: AttachmentInput): Promise<Attachment> {
    const obj = requireObject(input, 'body');
    const filename = safeFilename(obj.filename);
    const mimetype = optionalMimetype(obj.mimetype, 'mimetype') ?? 'application/octet-stream';
    if (!(obj.data instanceof Uint8Array)) throw new ValidationError('must be file bytes', 'file');
    if (obj.data.length === 0) throw new ValidationError('must not be empty', 'file');
    if (obj.data.length > MAX_ATTACHMENT_BYTES) {
      throw new ValidationError(`must be at most ${MAX_ATTACHMENT_BYTES} bytes`, 'file');
    }
    const attachment: Attachment = {
      _id: objectId(this.clock.now()),
      instance_id: this.instanceId,
      filename,
      mimetype,
      size: obj.data.length,
      sha256: await sha256Base64(obj.data),
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    await this.store.batch([
      { namespace: Namespaces.blobs, key: this.key(attachment._id), value: obj.data },
      { namespace: Namespaces.attachments, key: this.key(attachment._id), value: attachment },
    ]);
    return attachment;
  }

  listAttachments(): Promise<Attachment[]> {
    return this.listNs<Attachment>(Namespaces.attachments);
  }

  getAttachment(id: string): Promise<Attachment> {
    return this.getNs<Attachment>(Namespaces.attachments, 'attachment', id);
  }

  async attachmentBytes(id: string): Promise<Uint8Array> {
    await this.getAttachment(id);
    const data = await this.store.get<Uint8Array>(Namespaces.blobs, this.key(id));
    if (!(data instanceof Uint8Array)) throw new NotFoundError('attachment data', id);
    return data;
  }

  async deleteAttachment(id: string): Promise<void> {
    await this.getAttachment(id);
    await this.store.batch([
      { namespace: Namespaces.attachments, key: this.key(id), value: undefined },
      { namespace: Namespaces.blobs, key: this.key(id), value: undefined },
    ]);
  }

  /** Removes everything this instance owns (used when the instance is deleted). */
  async deleteAll(): Promise<void> {
    for (const ns of [
      Namespaces.intents,
      Namespaces.contacts,
      Namespaces.contactGroups,
      Namespaces.attachments,
      Namespaces.blobs,
      Namespaces.menus,
      Namespaces.auth,
    ]) {
      const entries = await this.store.list(ns, `${this.instanceId}:`);
      if (entries.length) {
        await this.store.batch(entries.map((e) => ({ namespace: ns, key: e.key, value: undefined })));
      }
    }
  }
}

function validateIntent(input: Partial<IntentInput>, partial: boolean): Partial<IntentInput> {
  const obj = requireObject(input, 'body');
  const out: Partial<IntentInput> = {};
  if (!partial || obj.title !== undefined) out.title = requireString(obj.title, 'title', 256);
  if (!partial || obj.keyword !== undefined) {
    out.keyword = requireString(obj.keyword, 'keyword', 4096);
    if (!out.keyword.split(',').some((k) => k.trim()))
      throw new ValidationError('must list at least one keyword', 'keyword');
  }
  if (!partial || obj.reply !== undefined) out.reply = requireString(obj.reply, 'reply');
  if (obj.action !== undefined && obj.action !== null) out.action = validateActions(obj.action);
  return out;
}

function validateActions(value: unknown): IntentActions {
  const obj = requireObject(value, 'action');
  const out: IntentActions = {};
  if (obj.send_location != null) {
    const loc = requireObject(obj.send_location, 'action.send_location');
    const lat = Number(loc.lat);
    const lng = Number(loc.lng);
    if (!Number.isFinite(lat) || lat < -90 || lat > 90)
      throw new ValidationError('must be a latitude', 'action.send_location.lat');
    if (!Number.isFinite(lng) || lng < -180 || lng > 180) {
      throw new ValidationError('must be a longitude', 'action.send_location.lng');
    }
    const loc2 = optionalString(loc.loc, 'action.send_location.loc', 1000);
    out.send_location = { lat, lng, ...(loc2 !== undefined && { loc: loc2 }) };
  }
  if (obj.send_contact != null) {
    const c = requireObject(obj.send_contact, 'action.send_contact');
    out.send_contact = {
      name: requireString(c.name, 'action.send_contact.name', 256),
      number: contactDigits(c.number, 'action.send_contact.number'),
    };
  }
  for (const key of ['send_file', 'send_photo'] as const) {
    if (obj[key] != null) {
      out[key] = requireArray(obj[key], `action.${key}`, 0, 20).map((id, i) =>
        requireString(id, `action.${key}.${i}`, 64),
      );
    }
  }
  if (obj.send_button != null) {
    out.send_button = requireArray(obj.send_button, 'action.send_button', 0, 3).map((b, i) => {
      const bo = requireObject(b, `action.send_button.${i}`);
      const type = bo.type;
      if (type !== 'replyButton' && type !== 'urlButton' && type !== 'callButton') {
        throw new ValidationError(
          'must be replyButton, urlButton or callButton',
          `action.send_button.${i}.type`,
        );
      }
      const payload = optionalString(bo.payload, `action.send_button.${i}.payload`, 2048);
      return {
        type,
        title: requireString(bo.title, `action.send_button.${i}.title`, 256),
        ...(payload && { payload }),
      };
    });
  }
  if (obj.send_notification != null) {
    const n = requireObject(obj.send_notification, 'action.send_notification');
    const email = optionalEmail(n.email, 'action.send_notification.email');
    const wa =
      n.whatsapp_number == null || n.whatsapp_number === ''
        ? undefined
        : contactDigits(n.whatsapp_number, 'action.send_notification.whatsapp_number');
    out.send_notification = { ...(email && { email }), ...(wa && { whatsapp_number: wa }) };
  }
  if (obj.add_to_group != null) out.add_to_group = requireString(obj.add_to_group, 'action.add_to_group', 64);
  if (obj.start_survey != null) out.start_survey = requireString(obj.start_survey, 'action.start_survey', 64);
  return out;
}

function validateContact(input: Partial<ContactInput>, partial: boolean): Partial<ContactInput> {
  const obj = requireObject(input, 'body');
  const out: Partial<ContactInput> = {};
  if (!partial || obj.name !== undefined) out.name = requireString(obj.name, 'name', 256);
  if (!partial || obj.number !== undefined) out.number = contactDigits(obj.number, 'number');
  const email = optionalEmail(obj.email, 'email');
  if (email !== undefined) out.email = email;
  const org = optionalString(obj.organization, 'organization', 256);
  if (org !== undefined) out.organization = org;
  return out;
}
