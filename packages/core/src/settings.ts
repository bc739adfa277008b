import type { InstanceStatus } from './types.js';

export interface BotActions {
  send_default_msg: boolean;
  reply_group_msgs: boolean;
  reply_unread_msgs: boolean;
  reply_msgs: boolean;
  multi_device: boolean;
  send_webhook: boolean;
}

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
export const WEEKDAYS: readonly Weekday[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

export type ActiveDays = Record<Weekday, boolean>;

/** `from`/`to` as "H:MM"/"HH:MM", or "always". */
export interface ActiveHours {
  from: string;
  to: string;
}

export type WebhookEventName =
  | 'onMessage'
  | 'onAnyMessage'
  | 'onQr'
  | 'onConnection'
  | 'onMessageStatus'
  | 'onReply';

export const WEBHOOK_EVENTS: readonly WebhookEventName[] = [
  'onMessage',
  'onAnyMessage',
  'onQr',
  'onConnection',
  'onMessageStatus',
  'onReply',
];

export interface WebhookRequestConfig {
  headers?: Record<string, string>;
  /** Milliseconds before a delivery attempt is abandoned. */
  timeout?: number;
}

export interface WebhookConfig {
  webhook_url: string | null;
  events: WebhookEventName[];
  requestConfig: WebhookRequestConfig;
}

export interface InstanceSettings {
  bot_number?: string;
  bot_name: string;
  status: InstanceStatus;
  bot_timezone: string;
  bot_lang: string;
  default_msg: string;
  actions: BotActions;
  active_days: ActiveDays;
  active_hours: ActiveHours;
  access_token: string;
}

/** An instance as stored and as the API returns it (the reference's createNewWhatsapp shape). */
export interface InstanceRecord {
  _id: string;
  user_id: string;
  session_id: string;
  settings: InstanceSettings;
  webhook: WebhookConfig;
  createdAt: string;
  updatedAt: string;
  __v: number;
}

/** The reference's answer to a settings update, with true counts. */
export interface UpdateResult {
  acknowledged: true;
  modifiedCount: number;
  upsertedId: null;
  upsertedCount: 0;
  matchedCount: number;
}

export const DEFAULT_MESSAGE = '{Hi|Hello} [name] your message has no keyword here.';

export function defaultSettings(accessToken: string): InstanceSettings {
  return {
    bot_name: 'WhatsappClient (bot_number)',
    status: 'INITIALIZING',
    bot_timezone: 'Africa/Harare',
    bot_lang: 'en',
    default_msg: DEFAULT_MESSAGE,
    actions: {
      send_default_msg: true,
      reply_group_msgs: true,
      reply_unread_msgs: true,
      reply_msgs: true,
      multi_device: false,
      send_webhook: false,
    },
    active_days: {
      monday: true,
      tuesday: true,
      wednesday: true,
      thursday: true,
      friday: true,
      saturday: true,
      sunday: true,
    },
    active_hours: { from: 'always', to: 'always' },
    access_token: accessToken,
  };
}

export function defaultWebhook(): WebhookConfig {
  return { webhook_url: null, events: ['onMessage', 'onAnyMessage'], requestConfig: {} };
}

/** Partial updates accepted by each settings call. */
export interface GeneralUpdate {
  bot_name?: string;
  bot_timezone?: string;
  bot_lang?: string;
  /** A string sets a new template; a boolean turns the default message on or off, keeping the template. */
  default_msg?: string | boolean;
}
export type ActionsUpdate = Partial<BotActions>;
export type ActiveDaysUpdate = Partial<ActiveDays>;
export type ActiveHoursUpdate = ActiveHours;
export interface WebhookUpdate {
  webhook_url?: string | null;
  events?: WebhookEventName[];
  requestConfig?: WebhookRequestConfig;
}
