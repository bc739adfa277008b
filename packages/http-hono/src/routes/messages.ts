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

  /** A route whose body becomes one send request, answered with the reference's send envelope. */
  function sendRoute<B extends z.ZodType>(spec: {
    path: string;
    summary: string;
    description?: string;
    body: B;
    multipart?: boolean;
    toRequest(body: z.output<B>): SendRequest | Promise<SendRequest>;
  }): void {
    defineRoute(ctx, {
      method: 'post',
      path: spec.path,
      tag: TAG,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      access: 'instance',
      query: CredentialsQuery,
      body: spec.body,
      ...(spec.multipart ? { bodyKind: 'multipart' as const } : {}),
      responses: sentResponse,
      async handle({ c, instance, body }) {
        // B is a schema here, so the validated body is its output (TypeScript cannot narrow Out<B> itself).
        const request = await spec.toRequest(body as z.output<B>);
        return c.json(await sendAndAnswer(manager, instance._id, request));
      },
    });
  }

  // Image and video take the same form: a file, the chat and an optional caption.
  for (const [type, body, summary] of [
    ['image', ImageBody, 'Send an image'],
    ['video', VideoBody, 'Send a video'],
  ] as const) {
    sendRoute({
      path: `/whatsapp/message/${type}`,
      summary,
      body,
      multipart: true,
      toRequest: async (b) => ({
        type,
        chatId: b.chatId,
        media: { data: await bytesOf(b.file) },
        ...(b.file.type ? { mimetype: b.file.type } : {}),
        ...(b.caption ? { caption: b.caption } : {}),
      }),
    });
  }

  sendRoute({
    path: '/whatsapp/message/audio',
    summary: 'Send an audio file or voice note',
    body: AudioBody,
    multipart: true,
    toRequest: async (b) => ({
      type: 'audio',
      chatId: b.chatId,
      media: { data: await bytesOf(b.file) },
      ...(b.file.type ? { mimetype: b.file.type } : {}),
      ...(b.voiceNote !== undefined ? { voiceNote: b.voiceNote } : {}),
    }),
  });

  sendRoute({
    path: '/whatsapp/message/doc',
    summary: 'Send a document',
    body: DocBody,
    multipart: true,
    toRequest: async (b) => ({
      type: 'document',
      chatId: b.chatId,
      filename: b.filename || b.file.name || 'file',
      media: { data: await bytesOf(b.file) },
      ...(b.file.type ? { mimetype: b.file.type } : {}),
      ...(b.caption ? { caption: b.caption } : {}),
    }),
  });

  sendRoute({
    path: '/whatsapp/message/fileurl',
    summary: 'Send a file from a URL',
    description: 'The file is fetched by the server (with size and address limits) and sent as its type.',
    body: FileUrlBody,
    toRequest: (b) => ({
      type: 'fileurl',
      chatId: b.chatId,
      url: b.url,
      fileType: b.type,
      ...(b.mimetype ? { mimetype: b.mimetype } : {}),
      ...(b.caption ? { caption: b.caption } : {}),
      ...(b.filename ? { filename: b.filename } : {}),
    }),
  });

  sendRoute({
    path: '/whatsapp/message/button',
    summary: 'Send buttons',
    body: ButtonBody,
    toRequest: (b) => ({
      type: 'buttons',
      chatId: b.chatId,
      buttons: b.btndata,
      ...(b.fallback ? { fallback: b.fallback } : {}),
    }),
  });

  sendRoute({
    path: '/whatsapp/message/contact',
    summary: 'Send a contact card',
    body: ContactMessageBody,
    toRequest: (b) => ({ type: 'contact', chatId: b.chatId, vcard: b.vcard }),
  });

  sendRoute({
    path: '/whatsapp/message/list',
    summary: 'Send a list',
    body: ListBody,
    toRequest: (b) => ({
      type: 'list',
      chatId: b.chatId,
      list: b.msgdata,
      ...(b.fallback ? { fallback: b.fallback } : {}),
    }),
  });

  sendRoute({
    path: '/whatsapp/message/MediaButton',
    summary: 'Send buttons with media',
    body: MediaButtonBody,
    toRequest: (b) => ({
      type: 'media-buttons',
      chatId: b.chatId,
      buttons: b.btndata,
      ...(b.fallback ? { fallback: b.fallback } : {}),
    }),
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
