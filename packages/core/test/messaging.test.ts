import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Message, NotFoundError, type ReplyEvent, ValidationError } from '../src/index.js';
import { connectedInstance, nextEvent, once } from './helpers.js';

const chat = '2349048988056';
const jid = '2349048988056@s.whatsapp.net';

describe('sending every message type', () => {
  it('sends each kind and answers in the reference shape', async () => {
    const { instance, phone } = await connectedInstance();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const text = await instance.sendText(chat, 'Hello dear');
    expect(text).toMatchObject({
      key: { remoteJid: jid, fromMe: true },
      status: 'PENDING',
      message: { conversation: 'Hello dear' },
    });
    expect(text.key.id).toMatch(/^[0-9A-F]{20}$/);
    expect(text.messageTimestamp).toMatch(/^\d{10}$/);

    const image = await instance.sendImage(chat, {
      media: { data: png },
      caption: 'Yo',
      mimetype: 'image/png',
    });
    expect(image.message.imageMessage).toMatchObject({
      mimetype: 'image/png',
      caption: 'Yo',
      fileLength: '4',
    });
    expect((image.message.imageMessage as { fileSha256: string }).fileSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const video = await instance.sendVideo(chat, { media: { data: png }, caption: 'v' });
    expect(video.message.videoMessage).toMatchObject({ mimetype: 'video/mp4', caption: 'v' });
    const voice = await instance.sendAudio(chat, { media: { data: png }, voiceNote: true });
    expect(voice.message.audioMessage).toMatchObject({ ptt: true });
    const doc = await instance.sendDocument(chat, {
      media: { data: png },
      filename: 'report.pdf',
      mimetype: 'application/pdf',
    });
    expect(doc.message.documentMessage).toMatchObject({
      fileName: 'report.pdf',
      mimetype: 'application/pdf',
    });
    const url = await instance.sendFileUrl(chat, {
      url: 'https://example.com/p.jpg',
      fileType: 'image',
      mimetype: 'image/jpeg',
      caption: 'Caption',
    });
    expect(url.message.imageMessage).toMatchObject({
      sourceUrl: 'https://example.com/p.jpg',
      caption: 'Caption',
    });
    const loc = await instance.sendLocation(chat, {
      lat: '6.556452',
      lng: '3.2774487',
      name: 'locationName',
    });
    expect(loc.message).toEqual({
      locationMessage: { degreesLatitude: 6.556452, degreesLongitude: 3.2774487, name: 'locationName' },
    });
    const card = await instance.sendContact(chat, {
      fullName: 'john doe',
      displayName: 'johndoe',
      organization: 'Men In Black',
      phoneNumber: '919999999999',
    });
    expect(card.message).toEqual({
      contactMessage: {
        displayName: 'johndoe',
        vcard:
          'BEGIN:VCARD\nVERSION:3.0\nFN:john doe\nORG:Men In Black;\nTEL;type=CELL;type=VOICE;waid=919999999999:919999999999\nEND:VCARD',
      },
    });
    const buttons = await instance.sendButtons(chat, {
      text: 'title Head',
      footerText: 'title footer',
      buttons: [
        { type: 'replyButton', title: 'Reply this text (REPLY)' },
        { type: 'urlButton', title: 'Click me (URL)', payload: 'https://google.com' },
      ],
    });
    expect(buttons.message.buttonsMessage).toMatchObject({
      contentText: 'title Head',
      footerText: 'title footer',
    });
    const list = await instance.sendList(chat, {
      buttonText: 'Button Text',
      text: 'Middle Text',
      title: 'Head Title',
      sections: [{ title: 'title', rows: [{ title: 'Title Option 1', rowId: 'string' }] }],
    });
    expect(list.message.listMessage).toMatchObject({
      title: 'Head Title',
      description: 'Middle Text',
      buttonText: 'Button Text',
    });
    const mb = await instance.sendMediaButtons(chat, {
      text: 'Title of Message',
      buttons: [{ type: 'replyButton', title: 'this button reply' }],
      image: 'https://picsum.photos/536/354',
      mediaType: 'image',
      mimeType: 'image/jpeg',
    });
    expect(mb.message.buttonsMessage).toMatchObject({
      contentText: 'Title of Message',
      imageMessage: { mimetype: 'image/jpeg' },
    });
    expect(phone.sent.map((s) => s.content.type)).toEqual([
      'text',
      'image',
      'video',
      'audio',
      'document',
      'image',
      'location',
      'contact',
      'buttons',
      'list',
      'buttons',
    ]);
  });

  it('sends nothing when a request is bad', async () => {
    const { instance, phone } = await connectedInstance();
    await expect(instance.sendText('not-a-number', 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(instance.sendLocation(chat, { lat: 'x', lng: 1 })).rejects.toThrow(
      'location.lat: must be a number',
    );
    await expect(
      instance.sendMessage({ chatId: chat, message: 'hi', attachments: ['ffffffffffffffffffffffff'] }),
    ).rejects.toThrow('attachments.0: attachment ffffffffffffffffffffffff does not exist');
    await expect(instance.sendMessage({ chatId: chat, message: 'hi', contactId: 'nope' })).rejects.toThrow(
      'contactId: contact nope does not exist',
    );
    await expect(instance.sendMessage({ chatId: chat })).rejects.toThrow('nothing to send');
    expect(phone.sent).toEqual([]);
  });

  it("sends the composite message and answers with the reference's data shape", async () => {
    const { instance, phone } = await connectedInstance();
    const a1 = await instance.resources.createAttachment({
      filename: 'a.png',
      mimetype: 'image/png',
      data: new Uint8Array([1]),
    });
    const a2 = await instance.resources.createAttachment({
      filename: 'b.pdf',
      mimetype: 'application/pdf',
      data: new Uint8Array([2]),
    });
    const contact = await instance.resources.createContact({ name: 'Barnks 2', number: '2349048988056' });
    const result = await instance.sendMessage({
      chatId: chat,
      message: 'Hello dear',
      attachments: [a1._id, a2._id],
      location: { name: 'locationName', lat: '6.556452', lng: '3.2774487' },
      contactId: contact._id,
    });
    expect(Object.keys(result).sort()).toEqual([
      'attachment',
      'buttons',
      'contact',
      'image',
      'location',
      'message',
    ]);
    expect(result.attachment).toEqual([a1._id, a2._id]);
    expect(result.contact).toEqual({
      contactMessage: {
        displayName: 'Barnks 2',
        vcard:
          'BEGIN:VCARD\nVERSION:3.0\nFN:Barnks 2\nORG:;\nTEL;type=CELL;type=VOICE;waid=2349048988056:2349048988056\nEND:VCARD',
      },
    });
    expect(result.location).toEqual({
      locationMessage: { degreesLatitude: 6.556452, degreesLongitude: 3.2774487, name: 'locationName' },
    });
    expect(result.message).toEqual({ conversation: 'Hello dear' });
    expect(result.image).toHaveProperty('imageMessage');
    expect(result.buttons).toEqual({});
    expect(phone.sent.map((s) => s.content.type)).toEqual([
      'text',
      'image',
      'document',
      'location',
      'contact',
    ]);
    expect(phone.sent[2]?.content).toMatchObject({ filename: 'b.pdf', media: { data: new Uint8Array([2]) } });
  });
});

describe('text fallback for buttons and lists', () => {
  it('sends numbered options and maps a numeric reply back to the button id', async () => {
    const { instance, phone } = await connectedInstance();
    await instance.sendButtons(
      chat,
      {
        text: 'Pick one',
        footerText: 'Thanks',
        buttons: [
          { type: 'replyButton', title: 'Yes', payload: 'yes-id' },
          { type: 'urlButton', title: 'Site', payload: 'https://example.com' },
          { type: 'replyButton', title: 'No' },
        ],
      },
      { fallback: 'text' },
    );
    expect(phone.sent[0]?.content).toEqual({
      type: 'text',
      text: 'Pick one\n\n1. Yes\n🔗 Site: https://example.com/\n2. No\n\nThanks\n\nReply with a number.',
    });
    const got = once(instance, 'message');
    phone.receive({ from: chat, text: '2' });
    const m = (await got) as Message;
    expect(m).toMatchObject({ kind: 'button_reply', selectedId: 'btn_3', text: 'No' });
    const got2 = once(instance, 'message');
    phone.receive({ from: chat, text: ' 1. ' });
    expect(await got2).toMatchObject({ selectedId: 'yes-id', text: 'Yes' });
    const got3 = once(instance, 'message');
    phone.receive({ from: chat, text: '7' });
    expect(await got3).toMatchObject({ kind: 'text', text: '7' });
    expect((await got3).selectedId).toBeUndefined();
  });

  it('maps list replies to row ids, and only in the chat the menu went to', async () => {
    const { instance, phone } = await connectedInstance({ manager: { interactive: 'text' } });
    await instance.sendList(chat, {
      buttonText: 'Menu',
      text: 'Choose',
      title: 'Shop',
      sections: [
        {
          title: 'Food',
          rows: [
            { title: 'Rice', rowId: 'rice' },
            { title: 'Beans', description: 'brown', rowId: 'beans' },
          ],
        },
        { title: 'Drinks', rows: [{ title: 'Tea', rowId: 'tea' }] },
      ],
    });
    expect(phone.sent[0]?.content).toHaveProperty(
      'text',
      '*Shop*\nChoose\n\n*Food*\n1. Rice\n2. Beans — brown\n\n*Drinks*\n3. Tea\n\nReply with a number.',
    );
    const got = once(instance, 'message');
    phone.receive({ from: chat, text: 'tea' });
    expect(await got).toMatchObject({ kind: 'list_reply', selectedId: 'tea' });
    const other = once(instance, 'message');
    phone.receive({ from: '15550003333', text: '1' });
    expect(await other).toMatchObject({ kind: 'text', text: '1' });
  });
});

describe('receiving', () => {
  it('keeps group and unread gates, and reports every decision', async () => {
    const { instance, phone } = await connectedInstance();
    await instance.updateActions({ reply_group_msgs: false, reply_unread_msgs: false });
    const decisions: string[] = [];
    instance.on('reply', (e: ReplyEvent) => decisions.push(e.decision.reason));
    const third = nextEvent(instance, 'reply', () => decisions.length === 3);
    phone.receive({ from: chat, group: '120363025246125888', text: 'hello' });
    phone.receive({ from: chat, text: 'hello', unread: true });
    phone.receive({ from: chat, text: 'hello' });
    await third;
    expect(decisions).toEqual(['group_replies_off', 'unread_replies_off', 'default_msg']);
    expect(phone.sent).toHaveLength(1);
  });

  it('refuses an injected message from something that is not a chat id', async () => {
    const { phone } = await connectedInstance();
    expect(() => phone.receive({ from: 'abc', text: 'x' })).toThrow(ValidationError);
    expect(() => phone.receive({ from: chat, group: 'abc', text: 'x' })).toThrow(
      'group: is not a valid group id',
    );
  });

  it('emits message.any for every message, and message only for others', async () => {
    const { instance, phone } = await connectedInstance();
    await instance.updateActions({ reply_msgs: false });
    const any: Message[] = [];
    const others: Message[] = [];
    instance.on('message.any', (m: Message) => any.push(m));
    instance.on('message', (m: Message) => others.push(m));
    const done = nextEvent(instance, 'reply', () => true);
    phone.receive({ from: chat, text: 'from the phone', fromMe: true });
    phone.receive({ from: chat, text: 'hi', pushName: 'Ada' });
    await done;
    await instance.sendText(chat, 'sent by the bot');
    expect(any.map((m) => [m.fromMe, m.text])).toEqual([
      [true, 'from the phone'],
      [false, 'hi'],
      [true, 'sent by the bot'],
    ]);
    expect(others.map((m) => m.text)).toEqual(['hi']);
    expect(others[0]).toMatchObject({
      isGroup: false,
      senderNumber: '2349048988056',
      pushName: 'Ada',
      instanceId: instance.id,
    });
  });

  it('reports receipts as message.status', async () => {
    const { instance, phone } = await connectedInstance();
    const statuses: string[] = [];
    instance.on('message.status', (e) => statuses.push(e.status));
    const delivered = nextEvent(instance, 'message.status', (e) => e.status === 'DELIVERY_ACK');
    const sent = await instance.sendText(chat, 'x');
    await delivered;
    const read = nextEvent(instance, 'message.status', (e) => e.status === 'READ');
    phone.ack(sent.key.id, 'READ');
    expect(await read).toMatchObject({ id: sent.key.id, chatId: jid });
    expect(statuses).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ']);
  });
});

describe('connection faults', () => {
  it('holds sends while the connection is down and sends them once it is back', async () => {
    const { instance, phone } = await connectedInstance();
    const down = nextEvent(instance, 'connection', (e) => e.status === 'DISCONNECTED');
    phone.drop(30);
    await down;
    const pending = instance.sendText(chat, 'during the drop');
    const result = await pending;
    expect(result.message).toEqual({ conversation: 'during the drop' });
    expect(instance.status).toBe('CONNECTED');
    expect(phone.sent.filter((s) => s.result.key.id === result.key.id)).toHaveLength(1);
  });

  it('retries transient send failures and surfaces permanent ones', async () => {
    const { instance, phone } = await connectedInstance({ manager: { queue: { retryDelay: 1 } } });
    phone.failNext(2);
    expect((await instance.sendText(chat, 'x')).message).toEqual({ conversation: 'x' });
    phone.failNext(1, { transient: false, message: 'not on WhatsApp' });
    await expect(instance.sendText(chat, 'y')).rejects.toThrow('not on WhatsApp');
    expect(phone.sent.map((s) => (s.content as { text: string }).text)).toEqual(['x']);
  });

  it('goes LOGGED_OUT and forgets credentials when the phone unlinks', async () => {
    const { instance, phone, store, record } = await connectedInstance();
    const out = nextEvent(instance, 'connection', (e) => e.status === 'LOGGED_OUT');
    await phone.logoutFromPhone();
    await out;
    expect(instance.info().phone_connected).toBe(false);
    expect(await store.list('auth', `${record._id}:`)).toEqual([]);
    await expect(instance.sendText(chat, 'x')).rejects.toThrow('instance is not initialised');
    // A new init starts over with a fresh QR.
    const qr = once(instance, 'qr');
    await instance.init();
    expect((await qr).qr).toMatch(/^2@/);
  });

  it('reports bot errors as events instead of crashing', async () => {
    const { instance, phone } = await connectedInstance({ manager: { queue: { retries: 0 } } });
    await instance.createIntent({
      title: 'x',
      keyword: 'file',
      reply: 'here',
      action: { send_file: ['ffffffffffffffffffffffff'] },
    });
    const errors: string[] = [];
    instance.on('error', (e) => errors.push(`${e.source}: ${e.error.message}`));
    const done = nextEvent(instance, 'reply', () => true);
    phone.receive({ from: chat, text: 'file please' });
    const reply = await done;
    expect(reply.sent).toHaveLength(1);
    expect(errors).toEqual(['bot:send_file: attachment not found: ffffffffffffffffffffffff']);
  });
});

describe('resources', () => {
  it('keeps intents, contacts, groups and attachments per instance, with typed errors', async () => {
    const { instance, manager } = await connectedInstance();
    const other = manager.instance((await manager.createInstance('user-2'))._id);
    const intent = await instance.createIntent({
      title: 'Greeting',
      keyword: 'hello,hi',
      reply: 'Hi [name]',
    });
    expect(intent).toMatchObject({ title: 'Greeting', keyword: 'hello,hi', reply: 'Hi [name]', action: {} });
    expect(await other.resources.listIntents()).toEqual([]);
    await expect(other.resources.getIntent(intent._id)).rejects.toBeInstanceOf(NotFoundError);
    const updated = await instance.updateIntent(intent._id, { reply: 'Hey' });
    expect(updated.reply).toBe('Hey');
    expect(updated.keyword).toBe('hello,hi');
    await expect(instance.createIntent({ title: 'x', keyword: ' , ', reply: 'r' })).rejects.toThrow(
      'keyword: must list at least one keyword',
    );
    await expect(
      instance.createIntent({
        title: 'x',
        keyword: 'k',
        reply: 'r',
        action: { send_location: { lat: 100, lng: 0 } },
      }),
    ).rejects.toThrow('action.send_location.lat');
    const c = await instance.resources.createContact({ name: 'Ada', number: '+234 904 898 8056' });
    expect(c.number).toBe('2349048988056');
    await expect(instance.resources.createContact({ name: 'Ada', number: 'abc' })).rejects.toThrow('number:');
    const g = await instance.resources.createContactGroup({ name: 'VIP', contacts: [c._id] });
    await expect(instance.resources.createContactGroup({ name: 'x', contacts: ['nope'] })).rejects.toThrow(
      'contacts.0: contact nope does not exist',
    );
    await instance.resources.deleteContact(c._id);
    expect((await instance.resources.getContactGroup(g._id)).contacts).toEqual([]);
    const a = await instance.resources.createAttachment({
      filename: 'x.bin',
      mimetype: 'application/octet-stream',
      data: new Uint8Array([9, 8, 7]),
    });
    expect(a).toMatchObject({ size: 3, filename: 'x.bin' });
    expect(a.sha256).toBe(
      createHash('sha256')
        .update(Buffer.from([9, 8, 7]))
        .digest('base64'),
    );
    expect([...(await instance.resources.attachmentBytes(a._id))]).toEqual([9, 8, 7]);
    await instance.resources.deleteAttachment(a._id);
    await expect(instance.resources.getAttachment(a._id)).rejects.toBeInstanceOf(NotFoundError);
    await instance.deleteIntent(intent._id);
    await expect(instance.deleteIntent(intent._id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
