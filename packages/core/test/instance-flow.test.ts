import { describe, expect, it } from 'vitest';
import { BotManager } from '../src/index.js';
import { SimHub } from '../src/testing/index.js';
import { once } from './helpers.js';

async function connected(options: ConstructorParameters<typeof SimHub>[0] = {}) {
  const sim = new SimHub({ qrRefresh: 0, ...options });
  const manager = new BotManager({ driver: sim.driver });
  await manager.start();
  const record = await manager.createInstance('user-1');
  const instance = manager.instance(record._id);
  const qr = once(instance, 'qr');
  await instance.init();
  await qr;
  const open = once(instance, 'connection');
  await sim.phone(record._id).scan();
  await open;
  return { sim, manager, instance, phone: sim.phone(record._id) };
}

describe('Instance on the simulated phone', () => {
  it('goes QR → CONNECTED, replies to "hello" with the default message, and logs out', async () => {
    const sim = new SimHub({ qrRefresh: 0 });
    const manager = new BotManager({ driver: sim.driver });
    const record = await manager.createInstance('user-1');
    expect(record.settings.status).toBe('INITIALIZING');
    const instance = manager.instance(record._id);

    const qrEvent = once(instance, 'qr');
    await instance.init();
    const { qr } = await qrEvent;
    expect(instance.status).toBe('QR');
    expect(instance.qr().qr).toBe(qr);
    const png = await instance.qrPng();
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await instance.qrDataUrl()).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);

    const open = once(instance, 'connection');
    await sim.phone(record._id).scan(qr);
    const conn = await open;
    expect(conn.status).toBe('CONNECTED');
    expect(conn.user?.id).toMatch(/^\d+:1@s\.whatsapp\.net$/);
    const info = instance.info();
    expect(info.phone_connected).toBe(true);
    expect(info.instance_key).toBe(record.session_id);
    const stored = instance.record.settings;
    expect(stored.bot_number).toBe(conn.user?.id.split(':')[0]);
    expect(stored.bot_name).toBe(`WhatsappClient (${stored.bot_number})`);

    const replied = once(instance, 'reply');
    const inbound = once(instance, 'message');
    sim.phone(record._id).receive({ from: '2349048988056', text: 'hello', pushName: 'Ada' });
    expect((await inbound).senderNumber).toBe('2349048988056');
    const reply = await replied;
    expect(reply.decision.reason).toBe('default_msg');
    expect(reply.sent).toHaveLength(1);
    const sent = sim.phone(record._id).sent;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.chatId).toBe('2349048988056@s.whatsapp.net');
    expect(sent[0]?.content).toEqual({
      type: 'text',
      text: expect.stringMatching(/^(Hi|Hello) Ada your message has no keyword here\.$/),
    });

    const closed = once(instance, 'connection');
    await instance.logout();
    expect((await closed).status).toBe('LOGGED_OUT');
    expect(instance.info().phone_connected).toBe(false);
    expect(await manager.store.list('auth', `${record._id}:`)).toEqual([]);
  });

  it('replies with the first matching intent and runs its actions', async () => {
    const { instance, phone } = await connected();
    const contact = await instance.resources.createContact({ name: 'Support', number: '15550009999' });
    void contact;
    const att = await instance.resources.createAttachment({
      filename: 'menu.png',
      mimetype: 'image/png',
      data: new Uint8Array([1, 2, 3]),
    });
    const group = await instance.resources.createContactGroup({ name: 'Leads' });
    const intent = await instance.createIntent({
      title: 'Greeting',
      keyword: 'hello, hi',
      reply: '{Welcome} [name]!',
      action: {
        send_location: { lat: '6.5', lng: '3.3', loc: 'Office' },
        send_contact: { name: 'Support', number: '15550009999' },
        send_photo: [att._id],
        add_to_group: group._id,
      },
    });
    const replied = once(instance, 'reply');
    phone.receive({ from: '2349048988056', text: 'Oh HI there', pushName: 'Ada' });
    const reply = await replied;
    expect(reply.decision.reason).toBe(`intent:${intent._id}`);
    expect(phone.sent.map((s) => s.content.type)).toEqual(['text', 'location', 'contact', 'image']);
    expect(phone.sent[0]?.content).toEqual({ type: 'text', text: 'Welcome Ada!' });
    expect(phone.sent[1]?.content).toMatchObject({ lat: 6.5, lng: 3.3, name: 'Office' });
    expect(phone.sent[3]?.content).toMatchObject({
      media: { data: new Uint8Array([1, 2, 3]) },
      mimetype: 'image/png',
    });
    const leads = await instance.resources.getContactGroup(group._id);
    const contacts = await instance.resources.listContacts();
    const ada = contacts.find((c) => c.number === '2349048988056');
    expect(ada?.name).toBe('Ada');
    expect(leads.contacts).toEqual([ada?._id]);
  });
});
