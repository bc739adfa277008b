import type { Message, ReplyEvent } from '@wabot/core';
import { describe, expect, it } from 'vitest';
import { toPayload, WEBHOOK_EVENT_SOURCES } from '../src/catalogue.js';

const message: Message = {
  instanceId: 'i1',
  id: 'ABC',
  chatId: '15551234567@s.whatsapp.net',
  sender: '15551234567@s.whatsapp.net',
  senderNumber: '15551234567',
  fromMe: false,
  isGroup: false,
  kind: 'image',
  text: 'look',
  timestamp: 1_700_000_000_000,
  media: { mimetype: 'image/jpeg', size: 10 },
  raw: { huge: new Uint8Array(1024), nested: { secret: 'x' } },
};

describe('event catalogue', () => {
  it('maps every subscription name to its instance event', () => {
    expect(WEBHOOK_EVENT_SOURCES).toEqual({
      onMessage: 'message',
      onAnyMessage: 'message.any',
      onQr: 'qr',
      onConnection: 'connection',
      onMessageStatus: 'message.status',
      onReply: 'reply',
    });
  });

  it('wraps data in { event, instanceId, data, timestamp } without the raw driver object', () => {
    const p = toPayload('onMessage', message, Date.parse('2026-01-01T00:00:00Z'));
    expect(p).toEqual({
      event: 'onMessage',
      instanceId: 'i1',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: {
        id: 'ABC',
        chatId: message.chatId,
        sender: message.sender,
        senderNumber: '15551234567',
        fromMe: false,
        isGroup: false,
        kind: 'image',
        text: 'look',
        timestamp: message.timestamp,
        media: { mimetype: 'image/jpeg', size: 10 },
      },
    });
    expect(JSON.stringify(p)).not.toContain('raw');
  });

  it('keeps replies small: intent id instead of the intent, sent keys instead of whole messages', () => {
    const event: ReplyEvent = {
      instanceId: 'i1',
      message,
      decision: {
        reply: true,
        reason: 'intent:int1',
        text: 'hi there',
        intent: {
          _id: 'int1',
          instance_id: 'i1',
          title: 'greet',
          keyword: 'hi',
          reply: 'hi there',
          action: {},
          createdAt: '',
          updatedAt: '',
        },
      },
      sent: [
        {
          key: { remoteJid: message.chatId, fromMe: true, id: 'OUT1' },
          status: 'SERVER_ACK',
          message: { conversation: 'hi there', big: 'x'.repeat(1000) },
          messageTimestamp: '1700000000',
        },
      ],
    };
    const p = toPayload('onReply', event, 0);
    expect(p.data.decision).toEqual({
      reply: true,
      reason: 'intent:int1',
      intentId: 'int1',
      text: 'hi there',
    });
    expect(p.data.sent).toEqual([
      { id: 'OUT1', chatId: message.chatId, status: 'SERVER_ACK', timestamp: '1700000000' },
    ]);
    expect(JSON.stringify(p).length).toBeLessThan(800);
  });

  it('converts connection, QR and status events', () => {
    expect(toPayload('onQr', { instanceId: 'i1', qr: '2@abc' }, 0).data).toEqual({ qr: '2@abc' });
    expect(
      toPayload(
        'onConnection',
        { instanceId: 'i1', status: 'CONNECTED', user: { id: 'u@s.whatsapp.net', name: 'Bot' } },
        0,
      ).data,
    ).toEqual({ status: 'CONNECTED', user: { id: 'u@s.whatsapp.net', name: 'Bot' } });
    expect(
      toPayload('onConnection', { instanceId: 'i1', status: 'DISCONNECTED', reason: 'closed' }, 0).data,
    ).toEqual({
      status: 'DISCONNECTED',
      reason: 'closed',
    });
    expect(
      toPayload(
        'onMessageStatus',
        { instanceId: 'i1', id: 'OUT1', chatId: 'c@s.whatsapp.net', status: 'READ' },
        0,
      ).data,
    ).toEqual({ id: 'OUT1', chatId: 'c@s.whatsapp.net', status: 'READ' });
  });
});
