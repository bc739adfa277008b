import { z } from '@hono/zod-openapi';
import { WEBHOOK_EVENTS } from '@wabot/core';
import {
  boolish,
  chatId,
  credentials,
  httpUrl,
  id,
  idList,
  numberish,
  optionalText,
  phoneNumber,
  text,
  upload,
} from './fields.js';

// Request bodies and queries, with the reference's field names. Every object also accepts the
// instance credentials, because the reference sends them in the body as often as in the query.

const HOUR = /^(always|([01]?\d|2[0-3]):[0-5]\d|24:00)$/i;
const hour = z
  .string()
  .trim()
  .regex(HOUR, 'must be "always" or a time from 0:00 to 24:00 as H:MM or HH:MM')
  .openapi({ example: '09:00' });

export const GeneralBody = z
  .object({
    ...credentials,
    bot_name: text(100).optional(),
    bot_timezone: text(64)
      .optional()
      .openapi({ description: 'An offset ("+1", "-5:30", "UTC+1") or an IANA name ("Africa/Harare").' }),
    bot_lang: text(16).optional(),
    default_msg: z
      .union([boolish, z.string().max(4096, 'must be at most 4096 characters')], {
        error: 'must be a message template or true/false',
      })
      .optional()
      .openapi({ description: 'A new template, or true/false to turn the default message on or off.' }),
  })
  .openapi('GeneralUpdate');

export const ActionsBody = z
  .object({
    ...credentials,
    send_default_msg: boolish.optional(),
    reply_group_msgs: boolish.optional(),
    reply_unread_msgs: boolish.optional(),
    reply_msgs: boolish.optional(),
    multi_device: boolish.optional(),
    send_webhook: boolish.optional(),
  })
  .openapi('ActionsUpdate');

export const ActiveDaysBody = z
  .object({
    ...credentials,
    monday: boolish.optional(),
    tuesday: boolish.optional(),
    wednesday: boolish.optional(),
    thursday: boolish.optional(),
    friday: boolish.optional(),
    saturday: boolish.optional(),
    sunday: boolish.optional(),
  })
  .openapi('ActiveDaysUpdate');

export const ActiveHoursBody = z
  .object({ ...credentials, from: hour, to: hour })
  .openapi('ActiveHoursUpdate', {
    description: 'Ranges may cross midnight; "always" in either means all day.',
  });

const WebhookEvent = z.enum(WEBHOOK_EVENTS as [string, ...string[]], {
  error: `must be one of ${WEBHOOK_EVENTS.join(', ')}`,
});

export const RequestConfig = z
  .object({
    headers: z
      .record(z.string().max(100), z.string().max(1000))
      .refine((h) => Object.keys(h).length <= 20, 'must have at most 20 headers')
      .optional(),
    timeout: z.number().int().min(1).max(60_000).optional().openapi({ description: 'Milliseconds.' }),
  })
  .openapi('WebhookRequestConfig');

export const WebhookBody = z
  .object({
    ...credentials,
    webhook_url: z
      .union([httpUrl, z.literal(''), z.null()], { error: 'must be an http(s) URL, "" or null' })
      .optional()
      .openapi({ description: 'Empty or null removes the webhook.' }),
    events: z.array(WebhookEvent).max(WEBHOOK_EVENTS.length).optional(),
    requestConfig: RequestConfig.optional(),
  })
  .openapi('WebhookUpdate');

export const InitBody = z
  .object({
    ...credentials,
    config: z
      .object({
        multiDevice: boolish.optional(),
        setWebhook: boolish.optional(),
        webhookUrl: httpUrl.optional(),
        pairingPhone: phoneNumber
          .optional()
          .openapi({ description: 'Log in with a pairing code for this number instead of a QR.' }),
      })
      .optional(),
  })
  .openapi('InitRequest');

export const ScanQuery = z.object({
  ...credentials,
  format: z
    .enum(['png', 'base64text'], { error: 'must be png or base64text' })
    .optional()
    .openapi({ description: 'png (default): the image; base64text: the data URL as text.' }),
});

export const InstanceQuery = z.object({
  ...credentials,
  format: z
    .enum(['base64'], { error: 'must be base64' })
    .optional()
    .openapi({ description: 'base64: also return the pending QR as a data URL in instance_data.qrcode.' }),
});

export const PairingBody = z
  .object({ ...credentials, phone: phoneNumber.openapi({ description: 'The number of the phone to link.' }) })
  .openapi('PairingRequest');

export const InstanceIdParam = z.object({ id: id.openapi({ param: { name: 'id', in: 'path' } }) });

const Location = z
  .object({
    name: optionalText(256),
    address: optionalText(512),
    lat: numberish(-90, 90),
    lng: numberish(-180, 180),
  })
  .openapi('Location');

export const CompositeBody = z
  .object({
    ...credentials,
    chatId,
    message: optionalText(4096),
    attachments: idList(10).optional(),
    location: Location.optional(),
    contactId: id.optional(),
  })
  .refine((b) => Boolean(b.message) || (b.attachments?.length ?? 0) > 0 || b.location || b.contactId, {
    message: 'needs at least one of message, attachments, location or contactId',
    path: ['message'],
  })
  .openapi('CompositeMessage');

export const SendTextBody = z
  .object({ ...credentials, to: chatId, message: text(4096) })
  .openapi('SendTextRequest');

const mediaFields = { ...credentials, chatId, file: upload };

export const ImageBody = z.object({ ...mediaFields, caption: optionalText(1024) }).openapi('ImageMessage');
export const VideoBody = z.object({ ...mediaFields, caption: optionalText(1024) }).openapi('VideoMessage');
export const AudioBody = z
  .object({
    ...mediaFields,
    voiceNote: boolish.optional().openapi({ description: 'Send as a push-to-talk voice note.' }),
  })
  .openapi('AudioMessage');
export const DocBody = z
  .object({
    ...mediaFields,
    filename: optionalText(255).openapi({ description: "Defaults to the uploaded file's name." }),
    caption: optionalText(1024),
  })
  .openapi('DocumentMessage');

export const FileUrlBody = z
  .object({
    ...credentials,
    chatId,
    url: httpUrl,
    type: z.enum(['image', 'video', 'audio', 'document'], {
      error: 'must be one of image, video, audio, document',
    }),
    mimetype: optionalText(128),
    caption: optionalText(1024),
    filename: optionalText(255),
  })
  .openapi('FileUrlMessage');

const Button = z
  .object({
    type: z.enum(['replyButton', 'urlButton', 'callButton'], {
      error: 'must be one of replyButton, urlButton, callButton',
    }),
    title: text(64),
    payload: optionalText(2048),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'urlButton' && !httpUrl.safeParse(b.payload).success) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'must be an http(s) URL for a urlButton' });
    }
    if (b.type === 'callButton' && !phoneNumber.safeParse(b.payload).success) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'must be a phone number for a callButton' });
    }
  })
  .openapi('Button');

const fallback = z
  .enum(['native', 'text'], { error: 'must be native or text' })
  .optional()
  .openapi({ description: 'text: send numbered options and map a numeric reply back.' });

const buttonFields = {
  text: text(4096),
  buttons: z.array(Button).min(1, 'must have at least 1 button').max(3, 'must have at most 3 buttons'),
  footerText: optionalText(256),
};

export const ButtonBody = z
  .object({ ...credentials, chatId, btndata: z.object(buttonFields).openapi('ButtonData'), fallback })
  .openapi('ButtonMessage');

export const MediaButtonBody = z
  .object({
    ...credentials,
    chatId,
    btndata: z
      .object({
        ...buttonFields,
        image: httpUrl.openapi({ description: 'URL of the media.' }),
        mediaType: z
          .enum(['image', 'video', 'document'], { error: 'must be one of image, video, document' })
          .optional(),
        mimeType: optionalText(128),
      })
      .openapi('MediaButtonData'),
    fallback,
  })
  .openapi('MediaButtonMessage');

export const ListBody = z
  .object({
    ...credentials,
    chatId,
    msgdata: z
      .object({
        buttonText: text(20),
        text: text(4096),
        title: optionalText(256),
        description: optionalText(256),
        sections: z
          .array(
            z.object({
              title: text(24),
              rows: z
                .array(
                  z.object({
                    title: text(24),
                    description: optionalText(72),
                    rowId: optionalText(200),
                  }),
                )
                .min(1, 'must have at least 1 row')
                .max(10, 'must have at most 10 rows'),
            }),
          )
          .min(1, 'must have at least 1 section')
          .max(10, 'must have at most 10 sections'),
        listType: z.number().int().min(0).max(2).optional(),
      })
      .openapi('ListData'),
    fallback,
  })
  .openapi('ListMessage');

export const ContactMessageBody = z
  .object({
    ...credentials,
    chatId,
    vcard: z
      .object({
        fullName: text(256),
        displayName: optionalText(256),
        organization: optionalText(256),
        phoneNumber,
      })
      .openapi('Vcard'),
  })
  .openapi('ContactMessage');

const IntentActions = z
  .object({
    send_location: z
      .object({ lat: numberish(-90, 90), lng: numberish(-180, 180), loc: optionalText(256) })
      .optional(),
    send_contact: z.object({ name: text(256), number: phoneNumber }).optional(),
    send_file: idList(10).optional(),
    send_photo: idList(10).optional(),
    send_button: z.array(Button).max(3, 'must have at most 3 buttons').optional(),
    send_notification: z
      .object({
        email: z.email('must be an email address').optional(),
        whatsapp_number: phoneNumber.optional(),
      })
      .optional(),
    add_to_group: id.optional(),
    start_survey: id.optional(),
  })
  .openapi('IntentActions');

const intentFields = {
  title: text(200),
  keyword: text(1000).openapi({
    description: 'Comma-separated keywords, e.g. "hello,hi,cool".',
    example: 'hello,hi',
  }),
  reply: z.string().max(4096, 'must be at most 4096 characters'),
  action: IntentActions.optional(),
};

export const IntentBody = z.object({ ...credentials, ...intentFields }).openapi('IntentInput');
export const IntentPatchBody = z
  .object({ ...credentials, ...z.object(intentFields).partial().shape })
  .openapi('IntentUpdate');

const contactFields = {
  name: text(256),
  number: phoneNumber,
  email: z.email('must be an email address').optional(),
  organization: optionalText(256),
};
export const ContactBody = z.object({ ...credentials, ...contactFields }).openapi('ContactInput');
export const ContactPatchBody = z
  .object({ ...credentials, ...z.object(contactFields).partial().shape })
  .openapi('ContactUpdate');

const groupFields = { name: text(256), contacts: idList(1000).optional() };
export const ContactGroupBody = z.object({ ...credentials, ...groupFields }).openapi('ContactGroupInput');
export const ContactGroupPatchBody = z
  .object({ ...credentials, ...z.object(groupFields).partial().shape })
  .openapi('ContactGroupUpdate');

export const AttachmentBody = z
  .object({
    ...credentials,
    file: upload,
    filename: optionalText(255).openapi({ description: "Defaults to the uploaded file's name." }),
  })
  .openapi('AttachmentUpload');

export const ResourceIdParam = z.object({
  resourceId: id.openapi({ param: { name: 'resourceId', in: 'path' } }),
});

const timeBound = z
  .union([z.number().int().min(0), z.string().trim().min(1)], { error: 'must be a date' })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO date or milliseconds since the epoch' });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'integer' }] });

export const DeadLetterQuery = z.object({
  ...credentials,
  from: timeBound.optional(),
  to: timeBound.optional(),
});

export const ReplayBody = z
  .object({
    ...credentials,
    ids: idList(1000).optional(),
    from: timeBound.optional(),
    to: timeBound.optional(),
  })
  .openapi('DeadLetterReplay');

export const SimInboundBody = z
  .object({
    from: phoneNumber,
    text: z.string().max(4096, 'must be at most 4096 characters'),
    pushName: optionalText(256),
    group: z
      .string()
      .trim()
      .max(128)
      .optional()
      .openapi({ description: 'A group jid or id to receive it in.' }),
  })
  .openapi('SimInbound');

export const SessionParam = z.object({
  session_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'session_id', in: 'path' } }),
});
