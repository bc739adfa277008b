import { normalizeChatId } from '../chat-id.js';
import { ValidationError } from '../errors.js';
import type { Button, ButtonType, Jid, ListSection, MediaSource, OutboundContent } from '../types.js';
import type {
  ButtonsInput,
  ListInput,
  LocationInput,
  MediaButtonsInput,
  SendRequest,
  VcardInput,
} from './requests.js';
import {
  CONTROL_CHARS,
  optionalMimetype,
  optionalString,
  requireArray,
  requireHttpUrl,
  requireNumber,
  requireObject,
  requireString,
} from './validate.js';
import { buildVcard } from './vcard.js';

/** 64 MiB: WhatsApp's own ceiling for media is 64 MB for most kinds (documents go higher, rarely needed). */
export const MAX_MEDIA_BYTES = 64 * 1024 * 1024;

export function buildMedia(value: unknown, field: string): MediaSource {
  if (value instanceof Uint8Array) {
    if (value.length === 0) throw new ValidationError('must not be empty', field);
    if (value.length > MAX_MEDIA_BYTES)
      throw new ValidationError(`must be at most ${MAX_MEDIA_BYTES} bytes`, field);
    return { data: value };
  }
  if (typeof value === 'string') return { url: requireHttpUrl(value, field) };
  const obj = requireObject(value, field);
  if ('data' in obj) return buildMedia(obj.data, field);
  if ('url' in obj) return { url: requireHttpUrl(obj.url, `${field}.url`) };
  throw new ValidationError('must be bytes or a URL', field);
}

export function buildLocation(
  input: LocationInput,
  field = 'location',
): OutboundContent & { type: 'location' } {
  const obj = requireObject(input, field);
  const name = optionalString(obj.name, `${field}.name`, 1000);
  const address = optionalString(obj.address, `${field}.address`, 1000);
  return {
    type: 'location',
    lat: requireNumber(obj.lat, `${field}.lat`, -90, 90),
    lng: requireNumber(obj.lng, `${field}.lng`, -180, 180),
    ...(name !== undefined && { name }),
    ...(address !== undefined && { address }),
  };
}

/** Digits of a phone number for a vcard, with the same rules as a chat id. */
export function contactDigits(value: unknown, field: string): string {
  const jid = normalizeChatId(value, field);
  if (!jid.endsWith('@s.whatsapp.net')) throw new ValidationError('must be a phone number', field);
  return jid.slice(0, jid.indexOf('@'));
}

export function buildContact(input: VcardInput, field = 'vcard'): OutboundContent & { type: 'contact' } {
  const obj = requireObject(input, field);
  const fullName = requireString(obj.fullName, `${field}.fullName`, 256);
  const displayName = optionalString(obj.displayName, `${field}.displayName`, 256) ?? fullName;
  const organization = optionalString(obj.organization, `${field}.organization`, 256);
  const phoneNumber = contactDigits(obj.phoneNumber, `${field}.phoneNumber`);
  return {
    type: 'contact',
    displayName,
    vcard: buildVcard({ fullName, phoneNumber, ...(organization !== undefined && { organization }) }),
  };
}

const BUTTON_TYPES: readonly ButtonType[] = ['replyButton', 'urlButton', 'callButton'];

export function buildButtons(
  input: ButtonsInput,
  field = 'btndata',
): { text: string; footer?: string; buttons: Button[] } {
  const obj = requireObject(input, field);
  const text = requireString(obj.text, `${field}.text`, 4096);
  const footer = optionalString(obj.footerText, `${field}.footerText`, 256);
  const raw = requireArray(obj.buttons, `${field}.buttons`, 1, 10);
  const buttons = raw.map((b, i): Button => {
    const f = `${field}.buttons.${i}`;
    const bo = requireObject(b, f);
    const type = bo.type;
    if (typeof type !== 'string' || !BUTTON_TYPES.includes(type as ButtonType)) {
      throw new ValidationError(`must be one of ${BUTTON_TYPES.join(', ')}`, `${f}.type`);
    }
    const title = requireString(bo.title, `${f}.title`, 256);
    let payload = optionalString(bo.payload, `${f}.payload`, 2048);
    if (type === 'urlButton') payload = requireHttpUrl(bo.payload, `${f}.payload`);
    if (type === 'callButton') payload = `+${contactDigits(bo.payload, `${f}.payload`)}`;
    const id = type === 'replyButton' ? (payload ?? `btn_${i + 1}`) : `${type}_${i + 1}`;
    return { type: type as ButtonType, title, id, ...(payload !== undefined && { payload }) };
  });
  if (buttons.filter((b) => b.type === 'replyButton').length > 3) {
    throw new ValidationError('may have at most 3 reply buttons', `${field}.buttons`);
  }
  return { text, buttons, ...(footer !== undefined && { footer }) };
}

export function buildList(input: ListInput, field = 'msgdata'): OutboundContent & { type: 'list' } {
  const obj = requireObject(input, field);
  const buttonText = requireString(obj.buttonText, `${field}.buttonText`, 20 * 4);
  const text = requireString(obj.text, `${field}.text`, 4096);
  const title = optionalString(obj.title, `${field}.title`, 256);
  const footer = optionalString(obj.description, `${field}.description`, 256);
  const rawSections = requireArray(obj.sections, `${field}.sections`, 1, 10);
  const seen = new Set<string>();
  let rowCount = 0;
  const sections = rawSections.map((s, si): ListSection => {
    const sf = `${field}.sections.${si}`;
    const so = requireObject(s, sf);
    const rows = requireArray(so.rows, `${sf}.rows`, 1, 10).map((r, ri) => {
      const rf = `${sf}.rows.${ri}`;
      const ro = requireObject(r, rf);
      const rowTitle = requireString(ro.title, `${rf}.title`, 256);
      const description = optionalString(ro.description, `${rf}.description`, 256);
      const rowId = optionalString(ro.rowId, `${rf}.rowId`, 200) ?? `row_${si + 1}_${ri + 1}`;
      if (seen.has(rowId)) throw new ValidationError(`"${rowId}" is used twice`, `${rf}.rowId`);
      seen.add(rowId);
      return { title: rowTitle, rowId, ...(description !== undefined && { description }) };
    });
    rowCount += rows.length;
    return { title: optionalString(so.title, `${sf}.title`, 256) ?? '', rows };
  });
  if (rowCount > 10) throw new ValidationError('may have at most 10 rows in all', `${field}.sections`);
  return {
    type: 'list',
    text,
    buttonText,
    sections,
    ...(title !== undefined && { title }),
    ...(footer !== undefined && { footer }),
  };
}

export function buildMediaButtons(
  input: MediaButtonsInput,
  field = 'btndata',
): OutboundContent & { type: 'buttons' } {
  const obj = requireObject(input, field);
  const base = buildButtons(input, field);
  const mediaType = obj.mediaType ?? 'image';
  if (mediaType !== 'image' && mediaType !== 'video' && mediaType !== 'document') {
    throw new ValidationError('must be image, video or document', `${field}.mediaType`);
  }
  const mimetype = optionalMimetype(obj.mimeType, `${field}.mimeType`);
  return {
    type: 'buttons',
    ...base,
    media: { type: mediaType, media: buildMedia(obj.image, `${field}.image`), ...(mimetype && { mimetype }) },
  };
}

/**
 * Validates a send request and turns it into what the driver sends. Throws ValidationError naming the
 * first bad field; nothing is sent in that case.
 */
export function buildContent(request: SendRequest): { chatId: Jid; content: OutboundContent } {
  const req = requireObject(request, 'request') as unknown as SendRequest;
  const chatId = normalizeChatId(req.chatId);
  switch (req.type) {
    case 'text':
      return { chatId, content: { type: 'text', text: requireString(req.text, 'message') } };
    case 'image':
    case 'video': {
      const caption = optionalString(req.caption, 'caption', 4096);
      const mimetype = optionalMimetype(req.mimetype, 'mimetype');
      return {
        chatId,
        content: {
          type: req.type,
          media: buildMedia(req.media, 'file'),
          ...(caption !== undefined && { caption }),
          ...(mimetype !== undefined && { mimetype }),
        },
      };
    }
    case 'audio': {
      const mimetype = optionalMimetype(req.mimetype, 'mimetype');
      return {
        chatId,
        content: {
          type: 'audio',
          media: buildMedia(req.media, 'file'),
          voiceNote: req.voiceNote === true,
          ...(mimetype !== undefined && { mimetype }),
        },
      };
    }
    case 'document': {
      const caption = optionalString(req.caption, 'caption', 4096);
      const mimetype = optionalMimetype(req.mimetype, 'mimetype');
      return {
        chatId,
        content: {
          type: 'document',
          media: buildMedia(req.media, 'file'),
          filename: safeFilename(req.filename),
          ...(caption !== undefined && { caption }),
          ...(mimetype !== undefined && { mimetype }),
        },
      };
    }
    case 'fileurl': {
      const media = { url: requireHttpUrl(req.url, 'url') };
      const caption = optionalString(req.caption, 'caption', 4096);
      const mimetype = optionalMimetype(req.mimetype, 'mimetype');
      const extra = { ...(mimetype !== undefined && { mimetype }) };
      const kind = req.fileType;
      if (kind !== 'image' && kind !== 'video' && kind !== 'audio' && kind !== 'document') {
        throw new ValidationError('must be image, video, audio or document', 'type');
      }
      if (kind === 'audio') return { chatId, content: { type: 'audio', media, voiceNote: false, ...extra } };
      if (kind === 'document') {
        const filename = safeFilename(req.filename ?? lastPathSegment(media.url));
        return {
          chatId,
          content: { type: 'document', media, filename, ...extra, ...(caption !== undefined && { caption }) },
        };
      }
      return { chatId, content: { type: kind, media, ...extra, ...(caption !== undefined && { caption }) } };
    }
    case 'location':
      return { chatId, content: buildLocation(req, 'location') };
    case 'contact':
      return { chatId, content: buildContact(req.vcard) };
    case 'buttons':
      return { chatId, content: { type: 'buttons', ...buildButtons(req.buttons) } };
    case 'media-buttons':
      return { chatId, content: buildMediaButtons(req.buttons) };
    case 'list':
      return { chatId, content: buildList(req.list) };
    default:
      throw new ValidationError('is not a known message type', 'type');
  }
}

function lastPathSegment(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return name || 'file';
}

/** A filename safe to show and to save: no path, no control characters, at most 255 characters. */
export function safeFilename(value: unknown, field = 'filename'): string {
  const text = requireString(value, field, 1024);
  const cleaned = text
    .replace(CONTROL_CHARS, '')
    .replace(/^.*[\\/]/, '')
    .trim();
  if (!cleaned || cleaned === '.' || cleaned === '..')
    throw new ValidationError('is not a usable file name', field);
  return cleaned.slice(0, 255);
}
