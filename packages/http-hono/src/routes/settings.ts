import { z } from '@hono/zod-openapi';
import type { GeneralUpdate, WebhookEventName, WebhookUpdate } from '@wabot/core';
import { ok } from '../envelope.js';
import { HttpError } from '../http-errors.js';
import type { RouteContext } from '../route.js';
import { defineRoute } from '../route.js';
import { CredentialsQuery } from '../schemas/fields.js';
import {
  ActionsBody,
  ActiveDaysBody,
  ActiveHoursBody,
  DeadLetterQuery,
  GeneralBody,
  ReplayBody,
  WebhookBody,
} from '../schemas/requests.js';
import { DeadLetter, envelope, json, UpdateResult, WebhookDescription } from '../schemas/responses.js';
import { withoutCredentials } from '../views.js';
import { checkWebhookUrl, type WebhookControl } from '../webhook-control.js';

const UPDATED = 'Whatsapp settings updated successfully!';
const updated = json(envelope(UpdateResult, 'SettingsUpdated'), 'What the update matched and changed.');

/** The settings updates, the webhook configuration and the dead-letter routes. */
export function settingsRoutes(ctx: RouteContext, webhooks: WebhookControl | undefined): void {
  const { manager } = ctx;

  defineRoute(ctx, {
    method: 'put',
    path: '/whatsapp/updateGeneral',
    tag: 'Settings',
    summary: 'Update general info',
    description: 'Bot name, time zone, language, and the default message (a template, or true/false).',
    access: 'instance',
    query: CredentialsQuery,
    body: GeneralBody,
    responses: { 200: updated },
    async handle({ c, instance, body }) {
      const result = await manager.updateGeneral(instance._id, withoutCredentials(body) as GeneralUpdate);
      return c.json(ok(UPDATED, result));
    },
  });

  defineRoute(ctx, {
    method: 'put',
    path: '/whatsapp/updateActions',
    tag: 'Settings',
    summary: 'Update bot actions',
    access: 'instance',
    query: CredentialsQuery,
    body: ActionsBody,
    responses: { 200: updated },
    async handle({ c, instance, body }) {
      const result = await manager.updateActions(instance._id, withoutCredentials(body));
      return c.json(ok(UPDATED, result));
    },
  });

  defineRoute(ctx, {
    method: 'put',
    path: '/whatsapp/updateActiveDays',
    tag: 'Settings',
    summary: 'Update active days',
    access: 'instance',
    query: CredentialsQuery,
    body: ActiveDaysBody,
    responses: { 200: updated },
    async handle({ c, instance, body }) {
      const result = await manager.updateActiveDays(instance._id, withoutCredentials(body));
      return c.json(ok(UPDATED, result));
    },
  });

  defineRoute(ctx, {
    method: 'put',
    path: '/whatsapp/updateActiveHours',
    tag: 'Settings',
    summary: 'Update active hours',
    description: 'Times in the bot time zone as H:MM or HH:MM, or "always".',
    access: 'instance',
    query: CredentialsQuery,
    body: ActiveHoursBody,
    responses: { 200: updated },
    async handle({ c, instance, body }) {
      const result = await manager.updateActiveHours(instance._id, { from: body.from, to: body.to });
      return c.json(ok(UPDATED, result));
    },
  });

  defineRoute(ctx, {
    method: 'put',
    path: '/whatsapp/setWebhook',
    tag: 'Webhooks',
    summary: 'Set the webhook',
    description: 'Where events are delivered, which events, and extra request settings. Answers 204.',
    access: 'instance',
    query: CredentialsQuery,
    body: WebhookBody,
    responses: { 204: { description: 'Saved.' } },
    async handle({ c, instance, body }) {
      const update: WebhookUpdate = {};
      if (body.webhook_url !== undefined) update.webhook_url = body.webhook_url || null;
      if (body.events !== undefined) update.events = body.events as WebhookEventName[];
      if (body.requestConfig !== undefined) update.requestConfig = body.requestConfig;
      if (update.webhook_url) await checkWebhookUrl(webhooks, update.webhook_url, 'webhook_url');
      await manager.setWebhook(instance._id, update);
      return c.body(null, 204);
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp/webhook',
    tag: 'Webhooks',
    summary: 'Show the webhook',
    description: 'The webhook URL, events, request settings and (with delivery enabled) the signing secret.',
    access: 'instance',
    query: CredentialsQuery,
    responses: { 200: json(envelope(WebhookDescription, 'WebhookEnvelope'), 'The webhook.') },
    async handle({ c, instance }) {
      const data = webhooks
        ? await webhooks.describe(instance._id)
        : {
            url: instance.webhook.webhook_url,
            events: instance.webhook.events,
            secret: null,
            requestConfig: { ...instance.webhook.requestConfig },
          };
      return c.json(ok('Webhook fetched successfully', data));
    },
  });

  const requireWebhooks = (): WebhookControl => {
    if (!webhooks) throw new HttpError(404, 'webhook delivery is not enabled on this server');
    return webhooks;
  };

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp/webhook/dead-letters',
    tag: 'Webhooks',
    summary: 'List dead letters',
    description: 'Deliveries that failed for good, optionally within a time range (ISO date or epoch ms).',
    access: 'instance',
    query: DeadLetterQuery,
    responses: { 200: json(envelope(z.array(DeadLetter), 'DeadLetters'), 'The dead letters.') },
    async handle({ c, instance, query }) {
      const list = await requireWebhooks().listDeadLetters(instance._id, range(query));
      return c.json(ok('Dead letters fetched successfully', list));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/webhook/dead-letters/replay',
    tag: 'Webhooks',
    summary: 'Replay dead letters',
    description: 'Queues the chosen dead letters (by id, or by time range, or all) for delivery again.',
    access: 'instance',
    query: CredentialsQuery,
    body: ReplayBody,
    responses: {
      200: json(envelope(z.object({ replayed: z.number().int() }), 'Replayed'), 'How many were queued.'),
    },
    async handle({ c, instance, body }) {
      const select = { ...range(body), ...(body.ids ? { ids: body.ids } : {}) };
      const replayed = await requireWebhooks().replayDeadLetters(instance._id, select);
      return c.json(ok('Dead letters queued for delivery', { replayed }));
    },
  });
}

function range(input: { from?: number | undefined; to?: number | undefined }): {
  from?: number;
  to?: number;
} {
  return {
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
  };
}
