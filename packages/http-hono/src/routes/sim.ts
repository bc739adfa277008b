import { z } from '@hono/zod-openapi';
import { instanceNotFound } from '../auth.js';
import { ok } from '../envelope.js';
import type { RouteContext } from '../route.js';
import { defineRoute } from '../route.js';
import { SessionParam, SimInboundBody } from '../schemas/requests.js';
import { envelope, json } from '../schemas/responses.js';

/** A message the simulated phone receives, as POST /sim/{session_id}/inbound takes it. */
export interface SimInbound {
  /** The sender's phone number. */
  from: string;
  text: string;
  pushName?: string;
  /** A group jid (or id) the message arrives in. */
  group?: string;
}

/** Control over simulated phones, for demo mode. Routes under /sim exist only when it is given. */
export interface SimControl {
  /** Delivers a message to the instance as if someone wrote to it; resolves to what was injected. */
  inbound(instanceId: string, message: SimInbound): Promise<unknown>;
  /** Everything the instance has sent so far, oldest first. */
  sent(instanceId: string): unknown[] | Promise<unknown[]>;
  /** The phone scans the QR shown now. */
  scan(instanceId: string): Promise<void>;
}

/** Demo-mode routes that drive the simulated phone (bearer token of the instance's owner). */
export function simRoutes(ctx: RouteContext, sim: SimControl): void {
  const owned = async (user: string, sessionId: string) => {
    const record = (await ctx.manager.listInstances(user)).find((r) => r.session_id === sessionId);
    if (!record) throw instanceNotFound();
    return record;
  };

  defineRoute(ctx, {
    method: 'post',
    path: '/sim/{session_id}/inbound',
    tag: 'Simulator',
    summary: 'Inject a received message',
    description: 'Demo mode only: the simulated phone receives this message, and the bot reacts to it.',
    access: 'account',
    params: SessionParam,
    body: SimInboundBody,
    responses: { 200: json(envelope(z.unknown(), 'SimInjected'), 'The injected message.') },
    async handle({ c, user, params, body }) {
      const record = await owned(user, params.session_id);
      const message = await sim.inbound(record._id, {
        from: body.from,
        text: body.text,
        ...(body.pushName ? { pushName: body.pushName } : {}),
        ...(body.group ? { group: body.group } : {}),
      });
      return c.json(ok('Message received', message ?? null));
    },
  });

  defineRoute(ctx, {
    method: 'post',
    path: '/sim/{session_id}/scan',
    tag: 'Simulator',
    summary: 'Scan the QR now',
    description:
      'Demo mode only: the simulated phone scans the QR at once instead of waiting for its auto-scan.',
    access: 'account',
    params: SessionParam,
    responses: { 200: json(envelope(z.null(), 'SimScanned'), 'Scanned; the instance connects.') },
    async handle({ c, user, params }) {
      const record = await owned(user, params.session_id);
      await sim.scan(record._id);
      return c.json(ok('QR scanned', null));
    },
  });

  defineRoute(ctx, {
    method: 'get',
    path: '/sim/{session_id}/sent',
    tag: 'Simulator',
    summary: 'List what the bot sent',
    description: 'Demo mode only: every message the instance sent through the simulated phone.',
    access: 'account',
    params: SessionParam,
    responses: { 200: json(envelope(z.array(z.unknown()), 'SimSent'), 'The sent messages, oldest first.') },
    async handle({ c, user, params }) {
      const record = await owned(user, params.session_id);
      return c.json(ok('Sent messages fetched successfully', await sim.sent(record._id)));
    },
  });
}
