import {
  type Button,
  DriverError,
  type ListSection,
  type MediaSource,
  type MessageAck,
  type OutboundContent,
  type SentMessage,
  ValidationError,
} from '@wabot/core';
import {
  type AnyMessageContent,
  type BinaryNode,
  prepareWAMessageMedia,
  proto,
  type WAMediaUploadFunction,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { ILogger } from './logger.js';
import { type MediaFetchOptions, resolveMedia } from './media-fetch.js';

/** Media for the header of an interactive message; uploaded once a socket is at hand. */
export interface HeaderMedia {
  type: 'image' | 'video' | 'document';
  data: Buffer;
  mimetype?: string;
}

/**
 * How one outbound message goes out: through `sendMessage`, or relayed as a ready proto message
 * (after `withUploadedHeader` when it has header media).
 */
export type OutboundPlan =
  | { kind: 'content'; content: AnyMessageContent }
  | { kind: 'relay'; message: proto.IMessage; additionalNodes: BinaryNode[]; headerMedia?: HeaderMedia };

export interface OutboundDeps {
  mediaFetch?: MediaFetchOptions;
  /** Let Baileys fetch link previews for URLs in text. Off by default: it makes outbound requests. */
  linkPreviews?: boolean;
}

/**
 * Maps a core `OutboundContent` to what Baileys sends, validating it first. Needs no connection, so
 * bad input fails at once. Media from URLs is fetched here (with limits) so Baileys never fetches a
 * caller-supplied URL itself.
 * Buttons and lists go out as native-flow interactive messages; whether a phone renders them is
 * WhatsApp's decision (the core's text fallback covers accounts where it does not).
 */
export async function toOutboundPlan(content: OutboundContent, deps: OutboundDeps): Promise<OutboundPlan> {
  switch (content.type) {
    case 'text':
      requireText(content.text, 'text');
      return {
        kind: 'content',
        content: deps.linkPreviews ? { text: content.text } : { text: content.text, linkPreview: null },
      };
    case 'image': {
      const media = await bytesOf(content.media, deps);
      return {
        kind: 'content',
        content: withDefined({
          image: media.data,
          caption: content.caption,
          mimetype: content.mimetype ?? media.type,
        }),
      };
    }
    case 'video': {
      const media = await bytesOf(content.media, deps);
      return {
        kind: 'content',
        content: withDefined({
          video: media.data,
          caption: content.caption,
          mimetype: content.mimetype ?? media.type,
        }),
      };
    }
    case 'audio': {
      const media = await bytesOf(content.media, deps);
      return {
        kind: 'content',
        content: withDefined({
          audio: media.data,
          ptt: content.voiceNote,
          mimetype: content.mimetype ?? media.type,
        }),
      };
    }
    case 'document': {
      requireText(content.filename, 'filename');
      const media = await bytesOf(content.media, deps);
      return {
        kind: 'content',
        content: withDefined({
          document: media.data,
          fileName: content.filename,
          mimetype: content.mimetype ?? media.type ?? 'application/octet-stream',
          caption: content.caption,
        }),
      };
    }
    case 'location':
      return {
        kind: 'content',
        content: {
          location: withDefined({
            degreesLatitude: checkCoordinate(content.lat, 90, 'lat'),
            degreesLongitude: checkCoordinate(content.lng, 180, 'lng'),
            name: content.name,
            address: content.address,
          }),
        },
      };
    case 'contact':
      requireText(content.vcard, 'vcard');
      if (!/BEGIN:VCARD/i.test(content.vcard)) throw new ValidationError('must be a vCard', 'vcard');
      return {
        kind: 'content',
        content: {
          contacts: {
            displayName: content.displayName,
            contacts: [{ displayName: content.displayName, vcard: content.vcard }],
          },
        },
      };
    case 'buttons': {
      requireText(content.text, 'text');
      if (content.buttons.length === 0) throw new ValidationError('needs at least one button', 'buttons');
      const plan = relayInteractive({
        body: { text: content.text },
        footer: content.footer ? { text: content.footer } : undefined,
        nativeFlowMessage: { buttons: content.buttons.map(nativeButton), messageParamsJson: '' },
      });
      if (content.media) {
        const bytes = await bytesOf(content.media.media, deps);
        const mimetype = content.media.mimetype ?? bytes.type;
        plan.headerMedia = withDefined({ type: content.media.type, data: bytes.data, mimetype });
      }
      return plan;
    }
    case 'list': {
      requireText(content.text, 'text');
      requireText(content.buttonText, 'buttonText');
      if (!content.sections.some((s) => s.rows.length > 0)) {
        throw new ValidationError('needs at least one row', 'sections');
      }
      return relayInteractive({
        header: content.title ? { title: content.title, hasMediaAttachment: false } : undefined,
        body: { text: content.text },
        footer: content.footer ? { text: content.footer } : undefined,
        nativeFlowMessage: {
          buttons: [
            { name: 'single_select', buttonParamsJson: listParams(content.buttonText, content.sections) },
          ],
          messageParamsJson: '',
        },
      });
    }
    default: {
      const unknown: { type?: unknown } = content;
      throw new ValidationError(`unsupported message type ${String(unknown.type)}`, 'type');
    }
  }
}

/** The native-flow button for a core button: quick reply, URL or call. */
export function nativeButton(
  button: Button,
): proto.Message.InteractiveMessage.NativeFlowMessage.INativeFlowButton {
  switch (button.type) {
    case 'urlButton': {
      const url = requirePayload(button);
      return {
        name: 'cta_url',
        buttonParamsJson: JSON.stringify({ display_text: button.title, url, merchant_url: url }),
      };
    }
    case 'callButton':
      return {
        name: 'cta_call',
        buttonParamsJson: JSON.stringify({
          display_text: button.title,
          phone_number: requirePayload(button),
        }),
      };
    default:
      return {
        name: 'quick_reply',
        buttonParamsJson: JSON.stringify({ display_text: button.title, id: button.id }),
      };
  }
}

function listParams(buttonText: string, sections: ListSection[]): string {
  return JSON.stringify({
    title: buttonText,
    sections: sections.map((s) => ({
      title: s.title,
      rows: s.rows.map((r) => withDefined({ id: r.rowId, title: r.title, description: r.description })),
    })),
  });
}

/**
 * WhatsApp drops an interactive message that arrives without a `biz` node describing it;
 * this is the native-flow shape.
 */
export const NATIVE_FLOW_BIZ_NODE: BinaryNode = {
  tag: 'biz',
  attrs: {},
  content: [
    {
      tag: 'interactive',
      attrs: { type: 'native_flow', v: '1' },
      content: [{ tag: 'native_flow', attrs: { v: '9', name: 'mixed' } }],
    },
  ],
};

function relayInteractive(
  interactive: proto.Message.IInteractiveMessage,
): Extract<OutboundPlan, { kind: 'relay' }> {
  return {
    kind: 'relay',
    message: { interactiveMessage: withDefined(interactive) },
    additionalNodes: [NATIVE_FLOW_BIZ_NODE],
  };
}

/** Uploads a relay plan's header media and returns the message to relay, header included. */
export async function withUploadedHeader(
  plan: Extract<OutboundPlan, { kind: 'relay' }>,
  upload: WAMediaUploadFunction,
  logger?: ILogger,
): Promise<proto.IMessage> {
  const media = plan.headerMedia;
  if (!media) return plan.message;
  const options = { upload, logger };
  const prepared =
    media.type === 'image'
      ? await prepareWAMessageMedia(withDefined({ image: media.data, mimetype: media.mimetype }), options)
      : media.type === 'video'
        ? await prepareWAMessageMedia(withDefined({ video: media.data, mimetype: media.mimetype }), options)
        : await prepareWAMessageMedia(
            {
              document: media.data,
              mimetype: media.mimetype ?? 'application/octet-stream',
              fileName: 'file',
            },
            options,
          );
  const header: proto.Message.InteractiveMessage.IHeader = withDefined({
    hasMediaAttachment: true,
    imageMessage: prepared.imageMessage ?? undefined,
    videoMessage: prepared.videoMessage ?? undefined,
    documentMessage: prepared.documentMessage ?? undefined,
  });
  return { ...plan.message, interactiveMessage: { ...plan.message.interactiveMessage, header } };
}

async function bytesOf(source: MediaSource, deps: OutboundDeps): Promise<{ data: Buffer; type?: string }> {
  if (!source || typeof source !== 'object' || (!('data' in source) && !('url' in source))) {
    throw new ValidationError('needs data or url', 'media');
  }
  const { data, contentType } = await resolveMedia(source, deps.mediaFetch);
  if (data.byteLength === 0) throw new ValidationError('is empty', 'media');
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), type: contentType };
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError('must not be empty', field);
}

function requirePayload(button: Button): string {
  if (!button.payload) throw new ValidationError(`${button.type} needs a payload`, 'buttons.payload');
  return button.payload;
}

function checkCoordinate(value: number, limit: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new ValidationError(`must be a number between -${limit} and ${limit}`, field);
  }
  return value;
}

/** Copies an object without its undefined fields (Baileys treats a present-but-undefined key as set). */
function withDefined<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

const STATUS_NAMES: Record<number, MessageAck> = {
  0: 'ERROR',
  1: 'PENDING',
  2: 'SERVER_ACK',
  3: 'DELIVERY_ACK',
  4: 'READ',
  5: 'PLAYED',
};

/** The core name of a Baileys message status number (`proto.WebMessageInfo.Status`). */
export function ackName(status: number | null | undefined): MessageAck | undefined {
  return status === null || status === undefined ? undefined : STATUS_NAMES[status];
}

/**
 * Plain JSON of a proto message: bytes as base64, 64-bit numbers as strings (the reference's shape).
 * `messageContextInfo` is left out: it holds the message secret, which callers have no use for.
 */
export function messageToJson(message: proto.IMessage | null | undefined): Record<string, unknown> {
  if (!message) return {};
  const instance = message instanceof proto.Message ? message : proto.Message.fromObject(message);
  const json = proto.Message.toObject(instance, { longs: String, bytes: String, enums: String, json: true });
  const { messageContextInfo: _secret, ...rest } = json;
  return rest;
}

/** Maps what Baileys returns for a send to the core's `SentMessage`. */
export function toSentMessage(sent: WAMessage, chatId: string): SentMessage {
  const id = sent.key.id;
  if (!id) throw new DriverError('Baileys returned a message without an id');
  const ts = sent.messageTimestamp;
  return {
    key: { remoteJid: sent.key.remoteJid ?? chatId, fromMe: true, id },
    status: ackName(sent.status) ?? 'PENDING',
    message: messageToJson(sent.message),
    messageTimestamp: ts === null || ts === undefined ? String(Math.floor(Date.now() / 1000)) : String(ts),
  };
}
