import { z } from '@hono/zod-openapi';
import type { ZodType } from 'zod';

// Response shapes, for the OpenAPI document. They follow the reference's examples.

/** An OpenAPI response with a JSON body. */
export function json(schema: ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The `{status, message, data}` envelope around `data`. */
export function envelope(data: ZodType, name: string) {
  return z.object({ status: z.literal(true), message: z.string(), data }).openapi(name);
}

export const ErrorEnvelope = z
  .object({
    status: z.literal(false),
    message: z.string().openapi({ example: 'chatId: is required' }),
    data: z.null(),
  })
  .openapi('Error');

export const UpdateResult = z
  .object({
    acknowledged: z.literal(true),
    modifiedCount: z.number().int(),
    upsertedId: z.null(),
    upsertedCount: z.literal(0),
    matchedCount: z.number().int(),
  })
  .openapi('UpdateResult');

const flags = (keys: string[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.boolean()])));

export const InstanceView = z
  .object({
    settings: z.object({
      bot_number: z.string().optional(),
      bot_name: z.string(),
      status: z.enum(['INITIALIZING', 'QR', 'CONNECTED', 'DISCONNECTED', 'LOGGED_OUT']),
      bot_timezone: z.string(),
      bot_lang: z.string(),
      default_msg: z.string(),
      actions: flags([
        'send_default_msg',
        'reply_group_msgs',
        'reply_unread_msgs',
        'reply_msgs',
        'multi_device',
        'send_webhook',
      ]),
      active_days: flags(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']),
      active_hours: z.object({ from: z.string(), to: z.string() }),
      access_token: z.string(),
    }),
    _id: z.string(),
    user_id: z.string(),
    session_id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    __v: z.number().int(),
  })
  .openapi('Instance');

export const InstanceStatusResult = z
  .object({
    error: z.literal(false),
    message: z.string().openapi({ example: 'Instance fetched successfully' }),
    instance_data: z.object({
      instance_key: z.string(),
      phone_connected: z.boolean(),
      webhookUrl: z.string().nullable(),
      user: z.object({ id: z.string(), name: z.string() }).nullable(),
      status: z.string(),
      qrcode: z.string().optional().openapi({ description: 'With format=base64, while a QR waits.' }),
    }),
  })
  .openapi('InstanceStatus');

export const SentMessage = z
  .object({
    key: z.object({ remoteJid: z.string(), fromMe: z.literal(true), id: z.string() }),
    status: z.string().openapi({ example: 'PENDING' }),
    message: z.record(z.string(), z.unknown()),
    messageTimestamp: z.string(),
  })
  .openapi('SentMessage');

export const CompositeResult = z
  .object({
    message: z.record(z.string(), z.unknown()),
    attachment: z.array(z.string()),
    contact: z.record(z.string(), z.unknown()),
    image: z.record(z.string(), z.unknown()),
    buttons: z.record(z.string(), z.unknown()),
    location: z.record(z.string(), z.unknown()),
  })
  .openapi('CompositeResult');

const stamps = { createdAt: z.string(), updatedAt: z.string() };

export const Intent = z
  .object({
    _id: z.string(),
    instance_id: z.string(),
    title: z.string(),
    keyword: z.string(),
    reply: z.string(),
    action: z.record(z.string(), z.unknown()),
    ...stamps,
  })
  .openapi('Intent');

export const Contact = z
  .object({
    _id: z.string(),
    instance_id: z.string(),
    name: z.string(),
    number: z.string(),
    email: z.string().optional(),
    organization: z.string().optional(),
    ...stamps,
  })
  .openapi('Contact');

export const ContactGroup = z
  .object({
    _id: z.string(),
    instance_id: z.string(),
    name: z.string(),
    contacts: z.array(z.string()),
    ...stamps,
  })
  .openapi('ContactGroup');

export const Attachment = z
  .object({
    _id: z.string(),
    instance_id: z.string(),
    filename: z.string(),
    mimetype: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
  })
  .openapi('Attachment');

export const WebhookDescription = z
  .object({
    url: z.string().nullable(),
    events: z.array(z.string()),
    secret: z.string().nullable().optional().openapi({ description: 'Signing secret (Standard Webhooks).' }),
    requestConfig: z.record(z.string(), z.unknown()),
  })
  .openapi('Webhook');

export const DeadLetter = z.record(z.string(), z.unknown()).openapi('DeadLetter');
