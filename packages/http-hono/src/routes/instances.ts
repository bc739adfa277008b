import { z } from '@hono/zod-openapi';
import { instanceNotFound, ownedInstance } from '../auth.js';
import { ok } from '../envelope.js';
import type { RouteContext } from '../route.js';
import { defineRoute } from '../route.js';
import { CredentialsQuery, id } from '../schemas/fields.js';
import { InitBody, InstanceIdParam, InstanceQuery, PairingBody, ScanQuery } from '../schemas/requests.js';
import { envelope, InstanceStatusResult, InstanceView, json } from '../schemas/responses.js';
import { instanceStatus, instanceView } from '../views.js';
import type { WebhookControl } from '../webhook-control.js';
import { checkWebhookUrl } from '../webhook-control.js';

const TAG = 'Instances';

/** Create, list, delete, init, scan, status and logout of WhatsApp instances. */
export function instanceRoutes(ctx: RouteContext, webhooks: WebhookControl | undefined): void {
  const { manager } = ctx;

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/createNewWhatsapp',
    tag: TAG,
    summary: 'Create an instance',
    description: 'Creates a WhatsApp instance for the caller, with its session_id and access_token.',
    access: 'account',
    responses: { 200: json(envelope(InstanceView, 'InstanceCreated'), 'The new instance.') },
    async handle({ c, user }) {
      const record = await manager.createInstance(user);
      return c.json(ok('Whatsapp created successfully!', instanceView(record)));
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp',
    tag: TAG,
    summary: "List the caller's instances",
    access: 'account',
    responses: {
      200: json(envelope(z.array(InstanceView), 'InstanceList'), 'Every instance of the caller.'),
    },
    async handle({ c, user }) {
      const records = await manager.listInstances(user);
      return c.json(ok('Whatsapp fetched successfully!', records.map(instanceView)));
    },
  });

  defineRoute(ctx, {
    method: 'delete',
    path: '/whatsapp/{id}',
    tag: TAG,
    summary: 'Delete an instance',
    description: 'Logs the instance out, closes it and deletes it with everything it owns.',
    access: 'account',
    params: InstanceIdParam,
    responses: { 200: json(envelope(z.null(), 'InstanceDeleted'), 'Deleted.') },
    async handle({ c, user, params }) {
      const record = await ownedInstance(manager, user, params.id);
      await manager.deleteInstance(record._id);
      return c.json(ok('Whatsapp deleted successfully!', null));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/init',
    tag: TAG,
    summary: 'Start an instance',
    description: 'Starts the WhatsApp connection; fetch the QR from /whatsapp/scan next.',
    access: 'instance',
    body: InitBody,
    responses: { 200: json(envelope(InstanceStatusResult, 'InstanceInitialised'), 'The instance status.') },
    async handle({ c, instance, body }) {
      const config = body.config;
      if (config?.webhookUrl && config.setWebhook !== false) {
        await checkWebhookUrl(webhooks, config.webhookUrl, 'config.webhookUrl');
      }
      const info = await manager.init(instance._id, config);
      return c.json(ok('Instance initialised successfully', instanceStatus(info)));
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp/scan',
    tag: TAG,
    summary: 'Get the QR code',
    description:
      'The QR to scan with WhatsApp > Linked devices: a PNG, or with format=base64text the data URL.',
    access: 'instance',
    query: ScanQuery,
    responses: {
      200: {
        description: 'The QR code.',
        content: {
          'image/png': { schema: z.string().openapi({ format: 'binary' }) },
          'text/plain': { schema: z.string().openapi({ example: 'data:image/png;base64,iVBORw0KGgo...' }) },
        },
      },
      409: json(
        z.object({ status: z.literal(false) }),
        'There is no QR to scan (not started, or connected).',
      ),
    },
    async handle({ c, instance, query }) {
      if (query.format === 'base64text') {
        const dataUrl = await manager.qrDataUrl(instance._id);
        return c.text(dataUrl, 200, { 'cache-control': 'no-store' });
      }
      const png = await manager.qrPng(instance._id);
      return c.body(png as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'image/png',
        'cache-control': 'no-store',
      });
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/whatsapp/pairingCode',
    tag: TAG,
    summary: 'Get a pairing code',
    description:
      'Links a phone with a code typed in WhatsApp > Linked devices > Link with phone number, instead of a QR. Call init first.',
    access: 'instance',
    query: CredentialsQuery,
    body: PairingBody,
    responses: {
      200: json(
        envelope(z.object({ code: z.string().openapi({ example: 'ABCD1234' }) }), 'PairingCode'),
        'The code.',
      ),
    },
    async handle({ c, instance, body }) {
      const code = await manager.pairingCode(instance._id, body.phone);
      return c.json(ok('Pairing code created successfully', { code }));
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp/instance',
    tag: TAG,
    summary: 'Get the instance status',
    description: 'Whether the phone is connected, its number and name, and the webhook URL.',
    access: 'instance',
    query: InstanceQuery,
    responses: { 200: json(envelope(InstanceStatusResult, 'InstanceStatusEnvelope'), 'The status.') },
    async handle({ c, instance, query }) {
      const info = await manager.info(instance._id);
      let qrcode: string | undefined;
      if (query.format === 'base64' && info.status === 'QR') {
        qrcode = await manager.qrDataUrl(instance._id).catch(() => undefined);
      }
      return c.json(ok('Status checked successfully', instanceStatus(info, qrcode)));
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/whatsapp/instance/logout/{id}',
    tag: TAG,
    summary: 'Log the instance out',
    description: 'Logs the WhatsApp session out from the phone; init again to link a phone.',
    access: 'instance',
    query: CredentialsQuery,
    params: z.object({ id: id.openapi({ param: { name: 'id', in: 'path' } }) }),
    responses: { 200: json(envelope(z.null(), 'LoggedOut'), 'Logged out.') },
    async handle({ c, instance, params }) {
      if (params.id !== instance._id) throw instanceNotFound();
      await manager.logout(instance._id);
      return c.json(ok('Instance logged out successfully', null));
    },
  });
}
