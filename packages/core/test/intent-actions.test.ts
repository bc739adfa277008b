import { describe, expect, it } from 'vitest';
import type { IntentNotificationEvent } from '../src/index.js';
import { connectedInstance, nextEvent } from './helpers.js';

const chat = '2349048988056';

describe('intent actions', () => {
  it('sends the reply as buttons when the intent has send_button, as text options in text mode', async () => {
    const { instance, phone } = await connectedInstance({ manager: { interactive: 'text' } });
    await instance.createIntent({
      title: 'Menu',
      keyword: 'menu',
      reply: 'What would you like, [name]?',
      action: {
        send_button: [
          { type: 'replyButton', title: 'Prices', payload: 'prices' },
          { type: 'callButton', title: 'Call us', payload: '15550001111' },
        ],
      },
    });
    const done = nextEvent(instance, 'reply', () => true);
    phone.receive({ from: chat, text: 'show me the menu', pushName: 'Ada' });
    await done;
    expect(phone.sent[0]?.content).toEqual({
      type: 'text',
      text: 'What would you like, Ada?\n\n1. Prices\n📞 Call us: +15550001111\n\nReply with a number.',
    });
    const choice = nextEvent(instance, 'message', () => true);
    phone.receive({ from: chat, text: '1' });
    expect(await choice).toMatchObject({ kind: 'button_reply', selectedId: 'prices', text: 'Prices' });
  });

  it('sends native buttons by default', async () => {
    const { instance, phone } = await connectedInstance();
    await instance.createIntent({
      title: 'Menu',
      keyword: 'menu',
      reply: 'Pick',
      action: { send_button: [{ type: 'replyButton', title: 'A' }] },
    });
    const done = nextEvent(instance, 'reply', () => true);
    phone.receive({ from: chat, text: 'menu' });
    await done;
    expect(phone.sent[0]?.content).toEqual({
      type: 'buttons',
      text: 'Pick',
      buttons: [{ type: 'replyButton', title: 'A', id: 'btn_1' }],
    });
  });

  it('notifies the owner by event and on WhatsApp, and sends files as documents', async () => {
    const { instance, phone } = await connectedInstance();
    const doc = await instance.resources.createAttachment({
      filename: 'price-list.pdf',
      mimetype: 'application/pdf',
      data: new Uint8Array([37, 80, 68, 70]),
    });
    const intent = await instance.createIntent({
      title: 'Order',
      keyword: 'order',
      reply: 'Thanks!',
      action: {
        send_file: [doc._id],
        send_notification: { email: 'owner@example.com', whatsapp_number: '+1 555 000 4444' },
      },
    });
    const notified = nextEvent(instance, 'intent.notification', () => true);
    const done = nextEvent(instance, 'reply', () => true);
    phone.receive({ from: chat, text: 'I want to ORDER', pushName: 'Ada' });
    const note = (await notified) as IntentNotificationEvent;
    expect(note).toMatchObject({
      intentId: intent._id,
      notify: { email: 'owner@example.com', whatsapp_number: '15550004444' },
    });
    const reply = await done;
    expect(reply.sent).toHaveLength(3);
    expect(phone.sent.map((s) => [s.chatId, s.content.type])).toEqual([
      ['2349048988056@s.whatsapp.net', 'text'],
      ['2349048988056@s.whatsapp.net', 'document'],
      ['15550004444@s.whatsapp.net', 'text'],
    ]);
    expect(phone.sent[1]?.content).toMatchObject({ filename: 'price-list.pdf', mimetype: 'application/pdf' });
    expect(phone.sent[2]?.content).toEqual({
      type: 'text',
      text: 'Intent "Order" fired for Ada (+2349048988056): I want to ORDER',
    });
  });

  it('rejects malformed actions when the intent is saved', async () => {
    const { instance } = await connectedInstance();
    const bad: Array<[unknown, string]> = [
      [{ send_contact: { name: 'x', number: 'abc' } }, 'action.send_contact.number'],
      [{ send_file: 'abc' }, 'action.send_file: must be an array'],
      [{ send_button: [{ type: 'nope', title: 'x' }] }, 'action.send_button.0.type'],
      [{ send_notification: { email: 'not-an-email' } }, 'action.send_notification.email'],
      ['x', 'action: must be an object'],
    ];
    for (const [action, message] of bad) {
      await expect(
        instance.createIntent({ title: 't', keyword: 'k', reply: 'r', action: action as never }),
      ).rejects.toThrow(message);
    }
    expect(await instance.resources.listIntents()).toEqual([]);
  });
});
