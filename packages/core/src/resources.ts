import type { ButtonType } from './types.js';

/** An intent button as the reference's button message takes it. */
export interface IntentButton {
  type: ButtonType;
  title: string;
  payload?: string;
}

export interface IntentActions {
  send_location?: { lat: number | string; lng: number | string; loc?: string };
  send_contact?: { name: string; number: string };
  /** Attachment ids sent as documents. */
  send_file?: string[];
  /** Attachment ids sent as images. */
  send_photo?: string[];
  send_button?: IntentButton[];
  /** Tell the business owner the intent fired. Delivered as an `intent.notification` event. */
  send_notification?: { email?: string; whatsapp_number?: string };
  /** A contact group id the sender is added to. */
  add_to_group?: string;
  /** A survey id; reported in the decision, surveys themselves are not run yet. */
  start_survey?: string;
}

/** A keyword auto-reply that belongs to one instance. */
export interface Intent {
  _id: string;
  instance_id: string;
  title: string;
  /** Comma-separated keywords, case-insensitive, matched as whole words. */
  keyword: string;
  reply: string;
  action: IntentActions;
  createdAt: string;
  updatedAt: string;
}

export interface IntentInput {
  title: string;
  keyword: string;
  reply: string;
  action?: IntentActions;
}

export interface Contact {
  _id: string;
  instance_id: string;
  name: string;
  number: string;
  email?: string;
  organization?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ContactInput {
  name: string;
  number: string;
  email?: string;
  organization?: string;
}

export interface ContactGroup {
  _id: string;
  instance_id: string;
  name: string;
  contacts: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ContactGroupInput {
  name: string;
  contacts?: string[];
}

/** Metadata of an uploaded file; the bytes live in the `blobs` namespace under the same key. */
export interface Attachment {
  _id: string;
  instance_id: string;
  filename: string;
  mimetype: string;
  size: number;
  /** Base64 SHA-256 of the bytes. */
  sha256: string;
  createdAt: string;
}

export interface AttachmentInput {
  filename: string;
  mimetype: string;
  data: Uint8Array;
}
