import { z } from '@hono/zod-openapi';
import type {
  ContactGroupInput,
  ContactGroup as ContactGroupRecord,
  ContactInput,
  Contact as ContactRecord,
  IntentInput,
  Intent as IntentRecord,
} from '@wabot/core';
import { ok } from '../envelope.js';
import type { RouteContext } from '../route.js';
import { defineRoute } from '../route.js';
import { CredentialsQuery } from '../schemas/fields.js';
import {
  AttachmentBody,
  ContactBody,
  ContactGroupBody,
  ContactGroupPatchBody,
  ContactPatchBody,
  IntentBody,
  IntentPatchBody,
  ResourceIdParam,
} from '../schemas/requests.js';
import { Attachment, Contact, ContactGroup, envelope, Intent, json } from '../schemas/responses.js';
import { withoutCredentials } from '../views.js';

/** The manager calls behind one REST resource, scoped to an instance. */
interface Crud<I, R> {
  create(instanceId: string, input: I): Promise<R>;
  list(instanceId: string): Promise<R[]>;
  get(instanceId: string, id: string): Promise<R>;
  update(instanceId: string, id: string, input: Partial<I>): Promise<R>;
  remove(instanceId: string, id: string): Promise<void>;
}

interface ResourceSpec<I, R> {
  path: string;
  tag: string;
  /** Singular and plural names for messages: "Intent", "Intents". */
  one: string;
  many: string;
  create: z.ZodType;
  patch: z.ZodType;
  shape: z.ZodType;
  calls: Crud<I, R>;
}

/** "an intent", "a contact". */
function a(noun: string): string {
  const lower = noun.toLowerCase();
  return `${/^[aeiou]/.test(lower) ? 'an' : 'a'} ${lower}`;
}

function crudRoutes<I, R>(ctx: RouteContext, spec: ResourceSpec<I, R>): void {
  const item = json(envelope(spec.shape, `${spec.one}Envelope`), `The ${spec.one.toLowerCase()}.`);
  const base = { tag: spec.tag, access: 'instance' as const, query: CredentialsQuery };
  const byId = `${spec.path}/{resourceId}`;

  defineRoute(ctx, {
    ...base,
    method: 'post',
    path: spec.path,
    summary: `Create ${a(spec.one)}`,
    body: spec.create,
    responses: { 200: item },
    async handle({ c, instance, body }) {
      const created = await spec.calls.create(
        instance._id,
        withoutCredentials(body as Record<string, unknown>) as I,
      );
      return c.json(ok(`${spec.one} created successfully`, created));
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'get',
    path: spec.path,
    summary: `List ${spec.many.toLowerCase()}`,
    responses: {
      200: json(envelope(z.array(spec.shape), `${spec.many}Envelope`), `Every ${spec.one.toLowerCase()}.`),
    },
    async handle({ c, instance }) {
      return c.json(ok(`${spec.many} fetched successfully`, await spec.calls.list(instance._id)));
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'get',
    path: byId,
    summary: `Get ${a(spec.one)}`,
    params: ResourceIdParam,
    responses: { 200: item },
    async handle({ c, instance, params }) {
      return c.json(
        ok(`${spec.one} fetched successfully`, await spec.calls.get(instance._id, params.resourceId)),
      );
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'put',
    path: byId,
    summary: `Update ${a(spec.one)}`,
    params: ResourceIdParam,
    body: spec.patch,
    responses: { 200: item },
    async handle({ c, instance, params, body }) {
      const input = withoutCredentials(body as Record<string, unknown>) as Partial<I>;
      const updated = await spec.calls.update(instance._id, params.resourceId, input);
      return c.json(ok(`${spec.one} updated successfully`, updated));
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'delete',
    path: byId,
    summary: `Delete ${a(spec.one)}`,
    params: ResourceIdParam,
    responses: { 200: json(envelope(z.null(), `${spec.one}Deleted`), 'Deleted.') },
    async handle({ c, instance, params }) {
      await spec.calls.remove(instance._id, params.resourceId);
      return c.json(ok(`${spec.one} deleted successfully`, null));
    },
  });
}

/** Intents, contacts, contact groups and attachments of an instance. */
export function resourceRoutes(ctx: RouteContext): void {
  const { manager: m } = ctx;

  crudRoutes<IntentInput, IntentRecord>(ctx, {
    path: '/whatsapp/intent',
    tag: 'Intents',
    one: 'Intent',
    many: 'Intents',
    create: IntentBody,
    patch: IntentPatchBody,
    shape: Intent,
    calls: {
      create: (i, input) => m.createIntent(i, input),
      list: (i) => m.listIntents(i),
      get: (i, id) => m.getIntent(i, id),
      update: (i, id, input) => m.updateIntent(i, id, input),
      remove: (i, id) => m.deleteIntent(i, id),
    },
  });

  crudRoutes<ContactInput, ContactRecord>(ctx, {
    path: '/whatsapp/contact',
    tag: 'Contacts',
    one: 'Contact',
    many: 'Contacts',
    create: ContactBody,
    patch: ContactPatchBody,
    shape: Contact,
    calls: {
      create: (i, input) => m.createContact(i, input),
      list: (i) => m.listContacts(i),
      get: (i, id) => m.getContact(i, id),
      update: (i, id, input) => m.updateContact(i, id, input),
      remove: (i, id) => m.deleteContact(i, id),
    },
  });

  crudRoutes<ContactGroupInput, ContactGroupRecord>(ctx, {
    path: '/whatsapp/contact_groups',
    tag: 'Contacts',
    one: 'Contact group',
    many: 'Contact groups',
    create: ContactGroupBody,
    patch: ContactGroupPatchBody,
    shape: ContactGroup,
    calls: {
      create: (i, input) => m.createContactGroup(i, input),
      list: (i) => m.listContactGroups(i),
      get: (i, id) => m.getContactGroup(i, id),
      update: (i, id, input) => m.updateContactGroup(i, id, input),
      remove: (i, id) => m.deleteContactGroup(i, id),
    },
  });

  const attachment = json(envelope(Attachment, 'AttachmentEnvelope'), 'The attachment.');
  const base = { tag: 'Attachments', access: 'instance' as const, query: CredentialsQuery };

  defineRoute(ctx, {
    ...base,
    method: 'post',
    path: '/whatsapp/attachment',
    summary: 'Upload an attachment',
    description: 'Upload once, then refer to it by id in `attachments` or in intent actions.',
    body: AttachmentBody,
    bodyKind: 'multipart',
    responses: { 200: attachment },
    async handle({ c, instance, body }) {
      const created = await m.createAttachment(instance._id, {
        filename: body.filename || body.file.name || 'file',
        mimetype: body.file.type || 'application/octet-stream',
        data: new Uint8Array(await body.file.arrayBuffer()),
      });
      return c.json(ok('Attachment uploaded successfully', created));
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'get',
    path: '/whatsapp/attachment',
    summary: 'List attachments',
    responses: { 200: json(envelope(z.array(Attachment), 'AttachmentList'), 'Every attachment.') },
    async handle({ c, instance }) {
      return c.json(ok('Attachments fetched successfully', await m.listAttachments(instance._id)));
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'get',
    path: '/whatsapp/attachment/{resourceId}',
    summary: 'Get an attachment',
    params: ResourceIdParam,
    responses: { 200: attachment },
    async handle({ c, instance, params }) {
      return c.json(
        ok('Attachment fetched successfully', await m.getAttachment(instance._id, params.resourceId)),
      );
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'get',
    path: '/whatsapp/attachment/{resourceId}/data',
    summary: 'Download an attachment',
    description: 'The stored bytes, always as a download (never rendered by the browser).',
    params: ResourceIdParam,
    responses: {
      200: {
        description: 'The file, with its MIME type.',
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      },
    },
    async handle({ c, instance, params }) {
      const { attachment, data } = await m.getAttachmentData(instance._id, params.resourceId);
      return c.body(data as Uint8Array<ArrayBuffer>, 200, {
        'content-type': attachment.mimetype,
        'content-length': String(data.length),
        // A stored text/html or SVG must not run as a page on the API's origin.
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
    },
  });

  defineRoute(ctx, {
    ...base,
    method: 'delete',
    path: '/whatsapp/attachment/{resourceId}',
    summary: 'Delete an attachment',
    params: ResourceIdParam,
    responses: { 200: json(envelope(z.null(), 'AttachmentDeleted'), 'Deleted.') },
    async handle({ c, instance, params }) {
      await m.deleteAttachment(instance._id, params.resourceId);
      return c.json(ok('Attachment deleted successfully', null));
    },
  });
}
