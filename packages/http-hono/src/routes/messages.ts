import { z } from '@hono/zod-openapi';
import type { ManagerApi, SendRequest } from '@wabot/core';
import { ok } from '../envelope.js';
import type { RouteContext } from '../route.js';
import { defineRoute } from '../route.js';
import { CredentialsQuery } from '../schemas/fields.js';
import {
  AudioBody,
  ButtonBody,
  CompositeBody,
  ContactMessageBody,
  DocBody,
  FileUrlBody,
  ImageBody,
  ListBody,
  MediaButtonBody,
  SendTextBody,
  VideoBody,
} from '../schemas/requests.js';
import { CompositeResult, envelope, json, SentMessage } from '../schemas/responses.js';
import { legacySendId } from '../views.js';

const SENT = 'Message sent successfully';
const TAG = 'Messages';
const sentResponse = { 200: json(envelope(SentMessage, 'MessageSent'), 'The message as sent.') };

async function bytesOf(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

/** Sends one request and answers with the reference's send envelope. */
async function sendAndAnswer(manager: ManagerApi, id: string, request: SendRequest) {
  return ok(SENT, await manager.send(id, request));
}

/** Every message route of the reference, including the deprecated sendText. */
export function messageRoutes(ctx: RouteContext): void {
  const { manager } = ctx;

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message',
    tag: TAG,
    summary: 'Send a message (text, attachments, location, contact)',
    description: 'Sends each part given, in order: the text, each attachment, the location, the contact.',
    access: 'instance',
    query: CredentialsQuery,
    body: CompositeBody,
    responses: { 200: json(envelope(CompositeResult, 'CompositeSent'), 'What was sent, by part.') },
    async handle({ c, instance, body }) {
      const result = await manager.sendMessage(instance._id, {
        chatId: body.chatId,
        ...(body.message ? { message: body.message } : {}),
        ...(body.attachments?.length ? { attachments: body.attachments } : {}),
        ...(body.location ? { location: body.location } : {}),
        ...(body.contactId ? { contactId: body.contactId } : {}),
      });
      const { message, attachment, contact, image, buttons, location } = result;
      return c.json(ok(SENT, { message, attachment, contact, image, buttons, location }));
    },
  });

  // Image and video take the same form: a file, the chat and an optional caption.
  for (const [type, body, summary] of [
    ['image', ImageBody, 'Send an image'],
    ['video', VideoBody, 'Send a video'],
  ] as const) {
    defineRoute(ctx, {
      method: 'post',
      path: `/whatsapp/message/${type}`,
      tag: TAG,
      summary,
      access: 'instance',
      query: CredentialsQuery,
      body,
      bodyKind: 'multipart',
      responses: sentResponse,
      async handle({ c, instance, body }) {
        const request: SendRequest = {
          type,
          chatId: body.chatId,
          media: { data: await bytesOf(body.file) },
          ...(body.file.type ? { mimetype: body.file.type } : {}),
          ...(body.caption ? { caption: body.caption } : {}),
        };
        return c.json(await sendAndAnswer(manager, instance._id, request));
      },
    });
  }

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/audio',
    tag: TAG,
    summary: 'Send an audio file or voice note',
    access: 'instance',
    query: CredentialsQuery,
    body: AudioBody,
    bodyKind: 'multipart',
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'audio',
        chatId: body.chatId,
        media: { data: await bytesOf(body.file) },
        ...(body.file.type ? { mimetype: body.file.type } : {}),
        ...(body.voiceNote !== undefined ? { voiceNote: body.voiceNote } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/doc',
    tag: TAG,
    summary: 'Send a document',
    access: 'instance',
    query: CredentialsQuery,
    body: DocBody,
    bodyKind: 'multipart',
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'document',
        chatId: body.chatId,
        filename: body.filename || body.file.name || 'file',
        media: { data: await bytesOf(body.file) },
        ...(body.file.type ? { mimetype: body.file.type } : {}),
        ...(body.caption ? { caption: body.caption } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/fileurl',
    tag: TAG,
    summary: 'Send a file from a URL',
    description: 'The file is fetched by the server (with size and address limits) and sent as its type.',
    access: 'instance',
    query: CredentialsQuery,
    body: FileUrlBody,
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'fileurl',
        chatId: body.chatId,
        url: body.url,
        fileType: body.type,
        ...(body.mimetype ? { mimetype: body.mimetype } : {}),
        ...(body.caption ? { caption: body.caption } : {}),
        ...(body.filename ? { filename: body.filename } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/button',
    tag: TAG,
    summary: 'Send buttons',
    access: 'instance',
    query: CredentialsQuery,
    body: ButtonBody,
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'buttons',
        chatId: body.chatId,
        buttons: body.btndata,
        ...(body.fallback ? { fallback: body.fallback } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/contact',
    tag: TAG,
    summary: 'Send a contact card',
    access: 'instance',
    query: CredentialsQuery,
    body: ContactMessageBody,
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = { type: 'contact', chatId: body.chatId, vcard: body.vcard };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/list',
    tag: TAG,
    summary: 'Send a list',
    access: 'instance',
    query: CredentialsQuery,
    body: ListBody,
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'list',
        chatId: body.chatId,
        list: body.msgdata,
        ...(body.fallback ? { fallback: body.fallback } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/message/MediaButton',
    tag: TAG,
    summary: 'Send buttons with media',
    access: 'instance',
    query: CredentialsQuery,
    body: MediaButtonBody,
    responses: sentResponse,
    async handle({ c, instance, body }) {
      const request: SendRequest = {
        type: 'media-buttons',
        chatId: body.chatId,
        buttons: body.btndata,
        ...(body.fallback ? { fallback: body.fallback } : {}),
      };
      return c.json(await sendAndAnswer(manager, instance._id, request));
    },
  });

  for (const path of ['/whatsapp/sendText', '/whatsapp/message/sendText']) {
    defineRoute(ctx, {
      method: 'post',
      path,
      tag: TAG,
      summary: 'Send a text (deprecated)',
      description: 'Kept for old clients; answers `true_<jid>_<message id>`. Use POST /whatsapp/message.',
      access: 'instance',
      query: CredentialsQuery,
      body: SendTextBody,
      responses: {
        200: json(
          envelope(
            z.string().openapi({ example: 'true_2348179803743@c.us_3EB015715C3A6439227F' }),
            'TextSent',
          ),
          'The legacy id.',
        ),
      },
      async handle({ c, instance, body }) {
        const sent = await manager.send(instance._id, { type: 'text', chatId: body.to, text: body.message });
        return c.json(ok(SENT, legacySendId(sent.key.remoteJid, sent.key.id)));
      },
    });
  }
}
