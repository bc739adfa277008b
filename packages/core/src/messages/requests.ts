import type { ButtonType, MediaSource } from '../types.js';

/** `native` sends WhatsApp buttons/lists; `text` sends numbered options and maps a numeric reply back. */
export type InteractiveFallback = 'native' | 'text';

export interface ButtonInput {
  type: ButtonType;
  title: string;
  payload?: string;
}

/** The reference's `btndata`. */
export interface ButtonsInput {
  text: string;
  buttons: ButtonInput[];
  footerText?: string;
}

/** The reference's `btndata` of /message/MediaButton. */
export interface MediaButtonsInput extends ButtonsInput {
  /** URL of the media (or bytes). */
  image: string | Uint8Array;
  mediaType?: 'image' | 'video' | 'document';
  mimeType?: string;
}

/** The reference's `msgdata`. */
export interface ListInput {
  buttonText: string;
  text: string;
  title?: string;
  description?: string;
  sections: Array<{ title: string; rows: Array<{ title: string; description?: string; rowId?: string }> }>;
  listType?: number;
}

/** The reference's `vcard` of /message/contact. */
export interface VcardInput {
  fullName: string;
  displayName?: string;
  organization?: string;
  phoneNumber: string;
}

export interface LocationInput {
  lat: number | string;
  lng: number | string;
  name?: string;
  address?: string;
}

export interface MediaInput {
  media: MediaSource;
  mimetype?: string;
  caption?: string;
}

export type FileUrlType = 'image' | 'video' | 'audio' | 'document';

export interface FileUrlInput {
  url: string;
  /** The reference's `type` field of /message/fileurl. */
  fileType: FileUrlType;
  mimetype?: string;
  caption?: string;
  filename?: string;
}

/** One send, as a serialisable request (what `ManagerApi.send` takes). */
export type SendRequest =
  | { type: 'text'; chatId: string; text: string }
  | ({ type: 'image'; chatId: string } & MediaInput)
  | ({ type: 'video'; chatId: string } & MediaInput)
  | ({ type: 'audio'; chatId: string; voiceNote?: boolean } & Omit<MediaInput, 'caption'>)
  | ({ type: 'document'; chatId: string; filename: string } & MediaInput)
  | ({ type: 'fileurl'; chatId: string } & FileUrlInput)
  | ({ type: 'location'; chatId: string } & LocationInput)
  | { type: 'contact'; chatId: string; vcard: VcardInput }
  | { type: 'buttons'; chatId: string; buttons: ButtonsInput; fallback?: InteractiveFallback }
  | { type: 'list'; chatId: string; list: ListInput; fallback?: InteractiveFallback }
  | { type: 'media-buttons'; chatId: string; buttons: MediaButtonsInput; fallback?: InteractiveFallback };

/** The reference's POST /whatsapp/message body, minus credentials. */
export interface CompositeInput {
  chatId: string;
  message?: string;
  /** Attachment ids: each is sent as its media (images as images, others as documents). */
  attachments?: string[];
  location?: LocationInput;
  /** A stored contact whose vcard is sent. */
  contactId?: string;
}

/** The reference's POST /whatsapp/message `data` shape. */
export interface CompositeResult {
  message: Record<string, unknown>;
  attachment: string[];
  contact: Record<string, unknown>;
  image: Record<string, unknown>;
  buttons: Record<string, unknown>;
  location: Record<string, unknown>;
}
