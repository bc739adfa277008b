import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defaultSettings,
  defaultWebhook,
  type InstanceRecord,
  type Message,
  NotFoundError,
  type WebhookEventName,
} from '@wabot/core';

/** How the receiver answers one request. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the receiver closes). */
  hang?: boolean;
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { event: string; instanceId: string; data: Record<string, unknown>; timestamp: string };
  id: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves when at least `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 whose answers come from `behave`. */
export async function startReceiver(
  behave: (req: Received, index: number) => Reply = () => ({ status: 200 }),
): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = {
        headers: req.headers,
        body,
        json: JSON.parse(body),
        id: String(req.headers['webhook-id']),
      };
      const index = received.push(entry) - 1;
      for (const w of waiters.splice(0)) {
        if (received.length >= w.n) w.resolve();
        else waiters.push(w);
      }
      const reply = behave(entry, index);
      if (reply.hang) return;
      const answer = () => {
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor(n) {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** An emitter of instance events with instance records kept in a map, like the manager. */
export class FakeSource extends EventEmitter {
  readonly records = new Map<string, InstanceRecord>();

  async getInstance(id: string): Promise<InstanceRecord> {
    const record = this.records.get(id);
    if (!record) throw new NotFoundError('instance', id);
    return structuredClone(record);
  }

  addInstance(
    id: string,
    url: string | null,
    events: WebhookEventName[] = ['onMessage', 'onAnyMessage'],
    options: { sendWebhook?: boolean; headers?: Record<string, string>; timeout?: number } = {},
  ): InstanceRecord {
    const settings = defaultSettings(`token-${id}`);
    settings.actions.send_webhook = options.sendWebhook ?? true;
    const requestConfig = {
      ...(options.headers && { headers: options.headers }),
      ...(options.timeout !== undefined && { timeout: options.timeout }),
    };
    const record: InstanceRecord = {
      _id: id,
      user_id: 'user-1',
      session_id: `session-${id}`,
      settings,
      webhook: { ...defaultWebhook(), webhook_url: url, events, requestConfig },
      createdAt: new Date(0).toISOString(),
      updatedAt: new Date(0).toISOString(),
      __v: 0,
    };
    this.records.set(id, record);
    return record;
  }

  message(instanceId: string, seq: number, extra: Partial<Message> = {}): Message {
    const m: Message = {
      instanceId,
      id: `m-${instanceId}-${seq}`,
      chatId: '15551234567@s.whatsapp.net',
      sender: '15551234567@s.whatsapp.net',
      senderNumber: '15551234567',
      fromMe: false,
      isGroup: false,
      kind: 'text',
      text: `hello ${seq}`,
      timestamp: 1_700_000_000_000 + seq,
      ...extra,
    };
    this.emit('message', m);
    return m;
  }
}
