import type { ManagerApi } from '@wabot/core';

/**
 * Every `ManagerApi` method, as the remote protocol names them (`POST /<method>`). The type check
 * below fails to compile when `ManagerApi` gains a method that is not listed here.
 */
export const MANAGER_METHODS = [
  'createInstance',
  'listInstances',
  'getInstance',
  'authenticate',
  'deleteInstance',
  'init',
  'qr',
  'qrPng',
  'qrDataUrl',
  'pairingCode',
  'info',
  'logout',
  'updateGeneral',
  'updateActions',
  'updateActiveDays',
  'updateActiveHours',
  'setWebhook',
  'send',
  'sendMessage',
  'createIntent',
  'listIntents',
  'getIntent',
  'updateIntent',
  'deleteIntent',
  'createContact',
  'listContacts',
  'getContact',
  'updateContact',
  'deleteContact',
  'createContactGroup',
  'listContactGroups',
  'getContactGroup',
  'updateContactGroup',
  'deleteContactGroup',
  'createAttachment',
  'listAttachments',
  'getAttachment',
  'getAttachmentData',
  'deleteAttachment',
] as const satisfies ReadonlyArray<keyof ManagerApi>;

export type ManagerMethod = (typeof MANAGER_METHODS)[number];

type Unlisted = Exclude<keyof ManagerApi, ManagerMethod>;
// A compile-time guard: `true` only when no ManagerApi method is missing from the list.
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

const methodSet: ReadonlySet<string> = new Set(MANAGER_METHODS);

export function isManagerMethod(name: string): name is ManagerMethod {
  return methodSet.has(name);
}
