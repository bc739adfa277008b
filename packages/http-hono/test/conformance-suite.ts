import { beforeAll, describe, expect, test } from 'vitest';
import { type Answer, type Call, PNG_BYTES, until } from './helpers.js';

// Replays every curl of the reference (../shared/reference/waabot-api.txt) in order, with the
// reference's own bodies and headers, and checks the status code, the envelope and the data shape.
// conformance.test.ts runs it in-process and against a spawned `wabot serve --sim`; other runtimes
// can run it too, through their own `Call`.

/** Where the suite runs: how to call the API, and the hooks only the runner can provide. */
export interface Target {
  call: Call;
  token: string;
  /** A webhook URL the server accepts. */
  webhookUrl: string;
  /** Makes the simulated phone scan now. */
  scan: (instanceId: string, sessionId: string) => Promise<void>;
  /** Checks what the webhook received after the inbound "hello", when the server delivers webhooks. */
  afterInbound?: (instanceId: string) => Promise<void>;
}

const UPDATED = 'Whatsapp settings updated successfully!';
const UPDATE_KEYS = ['acknowledged', 'modifiedCount', 'upsertedId', 'upsertedCount', 'matchedCount'];
const SETTINGS_KEYS = [
  'bot_name',
  'status',
  'bot_timezone',
  'bot_lang',
  'default_msg',
  'actions',
  'active_days',
  'active_hours',
  'access_token',
];

function expectEnvelope(answer: Answer, status: number, message: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.type).toContain('application/json');
  expect(Object.keys(answer.body)).toEqual(['status', 'message', 'data']);
  expect(answer.body.status).toBe(true);
  expect(answer.body.message).toBe(message);
  return answer.body.data;
}

function expectSent(data: Answer['body'], kind: string, jid = '2349048988056@s.whatsapp.net') {
  expect(Object.keys(data)).toEqual(['key', 'status', 'message', 'messageTimestamp']);
  expect(data.key).toMatchObject({ remoteJid: jid, fromMe: true });
  expect(data.key.id).toMatch(/^[0-9A-F]{16,}$/);
  expect(data.message).toHaveProperty(kind);
  expect(data.messageTimestamp).toMatch(/^\d+$/);
}

/**
 * Registers the reference conformance suite. Any runtime can run it: give a `Call` that reaches the
 * app (in-process, a spawned Node server, Bun, a Worker) in sim mode.
 */
export function conformance(label: string, target: () => Target) {
  describe.sequential(label, { timeout: 20_000 }, () => {
    let call: Call;
    let token: string;
    let id = '';
    let creds: { session_id: string; access_token: string } = { session_id: '', access_token: '' };
    const refresh = { 'x-refresh': '' };
    const state: { attachments: string[]; contactId: string } = { attachments: [], contactId: '' };

    beforeAll(() => {
      ({ call, token } = target());
    });

    test('POST /whatsapp/createNewWhatsapp', async () => {
      const res = await call('POST', '/whatsapp/createNewWhatsapp', {
        token,
        headers: refresh,
        curlData: {},
      });
      const data = expectEnvelope(res, 200, 'Whatsapp created successfully!');
      expect(Object.keys(data)).toEqual([
        'settings',
        '_id',
        'user_id',
        'session_id',
        'createdAt',
        'updatedAt',
        '__v',
      ]);
      expect(Object.keys(data.settings)).toEqual(SETTINGS_KEYS);
      expect(data.settings.default_msg).toBe('{Hi|Hello} [name] your message has no keyword here.');
      expect(data.settings.actions).toEqual({
        send_default_msg: true,
        reply_group_msgs: true,
        reply_unread_msgs: true,
        reply_msgs: true,
        multi_device: false,
        send_webhook: false,
      });
      expect(data.settings.active_hours).toEqual({ from: 'always', to: 'always' });
      expect(data._id).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(data.createdAt).toISOString()).toBe(data.createdAt);
      expect(data.__v).toBe(0);
      id = data._id;
      creds = { session_id: data.session_id, access_token: data.settings.access_token };
    });

    test('PUT /whatsapp/updateGeneral', async () => {
      const res = await call('PUT', '/whatsapp/updateGeneral', {
        query: creds,
        headers: refresh,
        curlData: { bot_name: 'Bot Name', bot_timezone: '+1', bot_lang: 'en', default_msg: true },
      });
      const data = expectEnvelope(res, 200, UPDATED);
      expect(Object.keys(data)).toEqual(UPDATE_KEYS);
      expect(data).toEqual({
        acknowledged: true,
        modifiedCount: 1,
        upsertedId: null,
        upsertedCount: 0,
        matchedCount: 1,
      });
    });

    test('PUT /whatsapp/updateActions', async () => {
      const body = {
        send_default_msg: true,
        reply_group_msgs: true,
        reply_unread_msgs: true,
        reply_msgs: true,
        multi_device: true,
        send_webhook: true,
      };
      const res = await call('PUT', '/whatsapp/updateActions', {
        query: creds,
        headers: refresh,
        curlData: body,
      });
      expect(expectEnvelope(res, 200, UPDATED)).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      // The same values again change nothing: the counts are true counts.
      const again = await call('PUT', '/whatsapp/updateActions', {
        query: creds,
        headers: refresh,
        curlData: body,
      });
      expect(expectEnvelope(again, 200, UPDATED)).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    });

    test('PUT /whatsapp/updateActiveDays', async () => {
      const days = { monday: true, tuesday: true, wednesday: true, thursday: true, friday: true };
      const res = await call('PUT', '/whatsapp/updateActiveDays', {
        query: creds,
        headers: refresh,
        curlData: { ...days, saturday: true, sunday: true },
      });
      expect(Object.keys(expectEnvelope(res, 200, UPDATED))).toEqual(UPDATE_KEYS);
    });

    test('PUT /whatsapp/updateActiveHours', async () => {
      const res = await call('PUT', '/whatsapp/updateActiveHours', {
        query: creds,
        headers: refresh,
        curlData: { from: '00:00', to: '5:00' },
      });
      expect(expectEnvelope(res, 200, UPDATED)).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      // Back to always, so the bot answers whatever the clock says during the rest of the run.
      const reset = await call('PUT', '/whatsapp/updateActiveHours', {
        query: creds,
        json: { from: 'always', to: 'always' },
      });
      expect(reset.status).toBe(200);
    });

    test('PUT /whatsapp/setWebhook', async () => {
      const res = await call('PUT', '/whatsapp/setWebhook', {
        headers: refresh,
        curlData: {
          ...creds,
          webhook_url: target().webhookUrl,
          events: ['onMessage', 'onAnyMessage'],
          requestConfig: {},
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      expect(res.raw.body === null || (await res.raw.text()) === '').toBe(true);
      const shown = await call('GET', '/whatsapp/webhook', { query: creds });
      expect(expectEnvelope(shown, 200, 'Webhook fetched successfully')).toMatchObject({
        url: target().webhookUrl,
        events: ['onMessage', 'onAnyMessage'],
      });
    });

    test('POST /whatsapp/init', async () => {
      const res = await call('POST', '/whatsapp/init', {
        headers: refresh,
        curlData: {
          ...creds,
          config: { multiDevice: true, setWebhook: true, webhookUrl: target().webhookUrl },
        },
      });
      const data = expectEnvelope(res, 200, 'Instance initialised successfully');
      expect(data.error).toBe(false);
      expect(data.instance_data.phone_connected).toBe(false);
    });

    test('GET /whatsapp/scan (PNG) and format=base64text', async () => {
      const png = await call('GET', '/whatsapp/scan', { query: creds, headers: refresh });
      expect(png.status).toBe(200);
      expect(png.type).toBe('image/png');
      expect([...(png.body as Uint8Array).subarray(0, 8)]).toEqual([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ]);
      const text = await call('GET', '/whatsapp/scan', { query: { ...creds, format: 'base64text' } });
      expect(text.status).toBe(200);
      expect(text.type).toContain('text/plain');
      expect(text.body).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    });

    test('GET /whatsapp/instance (the simulated phone scans the fetched QR)', async () => {
      await target().scan(id, creds.session_id);
      const data = await until(async () => {
        const res = await call('GET', '/whatsapp/instance/', {
          query: { ...creds, format: 'base64' },
          headers: refresh,
        });
        const d = expectEnvelope(res, 200, 'Status checked successfully');
        return d.instance_data.phone_connected ? d : undefined;
      }, 50);
      expect(data.error).toBe(false);
      expect(data.message).toBe('Instance fetched successfully');
      expect(Object.keys(data.instance_data).slice(0, 4)).toEqual([
        'instance_key',
        'phone_connected',
        'webhookUrl',
        'user',
      ]);
      expect(data.instance_data.user.id).toMatch(/^\d+:\d+@s\.whatsapp\.net$/);
      expect(typeof data.instance_data.user.name).toBe('string');
      const scan = await call('GET', '/whatsapp/scan', { query: creds });
      expect(scan.status).toBe(409);
    });

    test('GET /whatsapp', async () => {
      const res = await call('GET', '/whatsapp', { token, curlData: undefined });
      const data = expectEnvelope(res, 200, 'Whatsapp fetched successfully!');
      expect(data).toHaveLength(1);
      expect(data[0]._id).toBe(id);
      expect(data[0].settings.bot_name).toBe('Bot Name');
      expect(data[0].settings.status).toBe('CONNECTED');
      expect(data[0].settings.bot_number).toMatch(/^\d+$/);
    });

    test('attachments and contacts for the composite message', async () => {
      for (const name of ['a.png', 'b.png']) {
        const res = await call('POST', '/whatsapp/attachment', {
          query: creds,
          form: { file: new File([PNG_BYTES], name, { type: 'image/png' }) },
        });
        const data = expectEnvelope(res, 200, 'Attachment uploaded successfully');
        expect(data).toMatchObject({ filename: name, mimetype: 'image/png', size: PNG_BYTES.length });
        state.attachments.push(data._id);
      }
      const contact = await call('POST', '/whatsapp/contact', {
        query: creds,
        json: { name: 'Barnks 2', number: '2349048988056' },
      });
      state.contactId = expectEnvelope(contact, 200, 'Contact created successfully')._id;
    });

    test('POST /whatsapp/message', async () => {
      const res = await call('POST', '/whatsapp/message', {
        query: creds,
        headers: refresh,
        curlData: {
          ...creds,
          chatId: '2349048988056',
          message: 'Hello dear',
          attachments: state.attachments,
          location: { name: 'locationName', lat: '6.556452', lng: '3.2774487' },
          contactId: state.contactId,
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expect(Object.keys(data)).toEqual(['message', 'attachment', 'contact', 'image', 'buttons', 'location']);
      expect(data.attachment).toEqual(state.attachments);
      expect(data.contact.contactMessage.displayName).toBe('Barnks 2');
      expect(data.contact.contactMessage.vcard).toContain('waid=2349048988056:2349048988056');
      expect(data.location).toMatchObject({
        locationMessage: { degreesLatitude: 6.556452, degreesLongitude: 3.2774487 },
      });
    });

    test('POST /whatsapp/message/image', async () => {
      const res = await call('POST', '/whatsapp/message/image', {
        query: creds,
        form: {
          file: new File([PNG_BYTES], '1_dark - Copy (2).png', { type: 'image/png' }),
          chatId: '2349048988056',
          caption: 'Yo',
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expectSent(data, 'imageMessage');
      expect(data.message.imageMessage).toMatchObject({ mimetype: 'image/png', caption: 'Yo' });
    });

    test('POST /whatsapp/message/video, audio, doc', async () => {
      const video = await call('POST', '/whatsapp/message/video', {
        query: creds,
        form: {
          file: new File([new Uint8Array(64)], 'v.mp4', { type: 'video/mp4' }),
          chatId: '2349048988056',
          caption: '',
        },
      });
      expectSent(expectEnvelope(video, 200, 'Message sent successfully'), 'videoMessage');
      const audio = await call('POST', '/whatsapp/message/audio', {
        query: creds,
        form: {
          file: new File([new Uint8Array(64)], 'a.ogg', { type: 'audio/ogg' }),
          chatId: '2349048988056',
        },
      });
      expectSent(expectEnvelope(audio, 200, 'Message sent successfully'), 'audioMessage');
      const doc = await call('POST', '/whatsapp/message/doc', {
        query: creds,
        form: {
          file: new File([new Uint8Array(64)], 'upload.bin', { type: 'application/pdf' }),
          chatId: '2349048988056',
          filename: 'report.pdf',
        },
      });
      const data = expectEnvelope(doc, 200, 'Message sent successfully');
      expectSent(data, 'documentMessage');
      expect(data.message.documentMessage.fileName).toBe('report.pdf');
    });

    test('POST /whatsapp/message/fileurl', async () => {
      const res = await call('POST', '/whatsapp/message/fileurl', {
        query: creds,
        form: {
          chatId: '2349048988056',
          url: 'https://images.unsplash.com/photo-1597431793715-b4b71ddb5670?crop=entropy&cs=tinysrgb&fit=max&fm=jpg&w=1080',
          type: 'image',
          mimetype: 'image/jpeg',
          caption: 'Caption',
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expectSent(data, 'imageMessage');
      expect(data.message.imageMessage.caption).toBe('Caption');
    });

    test('POST /whatsapp/message/button', async () => {
      const res = await call('POST', '/whatsapp/message/button', {
        query: creds,
        json: {
          chatId: '2349048988056',
          btndata: {
            text: 'title Head',
            buttons: [
              { type: 'replyButton', title: 'Reply this text (REPLY)' },
              { type: 'urlButton', title: 'Click me (URL)', payload: 'https://google.com' },
              { type: 'callButton', title: 'Click to call (CALL)', payload: '918788889688' },
            ],
            footerText: 'title footer',
          },
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expect(data.key.fromMe).toBe(true);
      expect(JSON.stringify(data.message)).toContain('title Head');
    });

    test('POST /whatsapp/message/contact', async () => {
      const res = await call('POST', '/whatsapp/message/contact', {
        query: creds,
        curlData: {
          chatId: '2348179803743',
          vcard: {
            fullName: 'john doe',
            displayName: 'johndoe',
            organization: 'Men In Black',
            phoneNumber: '919999999999',
          },
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expectSent(data, 'contactMessage', '2348179803743@s.whatsapp.net');
      expect(data.message.contactMessage.vcard).toContain('ORG:Men In Black');
    });

    test('POST /whatsapp/message/list', async () => {
      const res = await call('POST', '/whatsapp/message/list', {
        query: creds,
        headers: refresh,
        curlData: {
          chatId: '2349048988056',
          msgdata: {
            buttonText: 'Button Text',
            text: 'Middle Text',
            title: 'Head Title',
            description: 'Footer Description',
            sections: [
              {
                title: 'title',
                rows: [{ title: 'Title Option 1', description: 'Option Description', rowId: 'string' }],
              },
            ],
            listType: 0,
          },
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expect(JSON.stringify(data.message)).toContain('Title Option 1');
    });

    test('POST /whatsapp/message/MediaButton', async () => {
      const res = await call('POST', '/whatsapp/message/MediaButton', {
        query: creds,
        curlData: {
          chatId: '2348179803743',
          btndata: {
            text: 'Title of Message',
            buttons: [
              { type: 'replyButton', title: 'this button reply' },
              { type: 'callButton', title: 'this button calls', payload: '91999999999' },
            ],
            footerText: 'Footer text',
            image: 'https://picsum.photos/536/354',
            mediaType: 'image',
            mimeType: 'image/jpeg',
          },
        },
      });
      const data = expectEnvelope(res, 200, 'Message sent successfully');
      expect(data.key.remoteJid).toBe('2348179803743@s.whatsapp.net');
      expect(JSON.stringify(data.message)).toContain('Title of Message');
    });

    test('POST /whatsapp/sendText and /whatsapp/message/sendText (deprecated)', async () => {
      for (const path of ['/whatsapp/sendText', '/whatsapp/message/sendText']) {
        const res = await call('POST', path, {
          curlData: { ...creds, to: '2348179803743', message: 'Hello sir 3.' },
        });
        const data = expectEnvelope(res, 200, 'Message sent successfully');
        expect(data).toMatch(/^true_2348179803743@c\.us_[0-9A-F]{16,}$/);
      }
    });

    test('intents, contacts and contact groups: create, list, get, update, delete', async () => {
      const resources = [
        [
          '/whatsapp/intent',
          'Intent',
          { title: 'Greeting', keyword: 'hello,hi,cool', reply: 'Hey [name]!' },
          { reply: 'Hi there' },
        ],
        ['/whatsapp/contact', 'Contact', { name: 'Ada', number: '2348000000001' }, { name: 'Ada L.' }],
        [
          '/whatsapp/contact_groups',
          'Contact group',
          { name: 'VIP', contacts: [state.contactId] },
          { name: 'VIPs' },
        ],
      ] as const;
      for (const [path, one, input, patch] of resources) {
        const created = expectEnvelope(
          await call('POST', path, { query: creds, json: input }),
          200,
          `${one} created successfully`,
        );
        expect(created).toMatchObject({ ...input, instance_id: id });
        const list = await call('GET', path, { query: creds });
        expect(list.body.data.map((r: { _id: string }) => r._id)).toContain(created._id);
        const got = await call('GET', `${path}/${created._id}`, { query: creds });
        expect(expectEnvelope(got, 200, `${one} fetched successfully`)._id).toBe(created._id);
        const updated = await call('PUT', `${path}/${created._id}`, { query: creds, json: patch });
        expect(expectEnvelope(updated, 200, `${one} updated successfully`)).toMatchObject(patch);
        if (path === '/whatsapp/intent') continue; // kept: the inbound test below relies on it
        const deleted = await call('DELETE', `${path}/${created._id}`, { query: creds });
        expect(expectEnvelope(deleted, 200, `${one} deleted successfully`)).toBeNull();
        expect((await call('GET', `${path}/${created._id}`, { query: creds })).status).toBe(404);
      }
    });

    test('attachments: list, get, delete', async () => {
      const list = expectEnvelope(
        await call('GET', '/whatsapp/attachment', { query: creds }),
        200,
        'Attachments fetched successfully',
      );
      expect(list.map((a: { _id: string }) => a._id)).toEqual(expect.arrayContaining(state.attachments));
      const one = await call('GET', `/whatsapp/attachment/${state.attachments[0]}`, { query: creds });
      expect(expectEnvelope(one, 200, 'Attachment fetched successfully').sha256).toMatch(
        /^[A-Za-z0-9+/]+=*$/,
      );
      const deleted = await call('DELETE', `/whatsapp/attachment/${state.attachments[1]}`, { query: creds });
      expect(deleted.status).toBe(200);
    });

    test('sim: an inbound "hello" gets the intent reply, "what?" the default message', async () => {
      const before = expectEnvelope(
        await call('GET', `/sim/${creds.session_id}/sent`, { token }),
        200,
        'Sent messages fetched successfully',
      ).length;
      const injected = await call('POST', `/sim/${creds.session_id}/inbound`, {
        token,
        json: { from: '2348011112222', text: 'hello', pushName: 'Ada' },
      });
      expectEnvelope(injected, 200, 'Message received');
      const reply = await until(async () => {
        const sent = (await call('GET', `/sim/${creds.session_id}/sent`, { token })).body.data;
        return sent.length > before ? sent[sent.length - 1] : undefined;
      });
      expect(reply.chatId).toBe('2348011112222@s.whatsapp.net');
      expect(reply.content).toEqual({ type: 'text', text: 'Hi there' });
      await target().afterInbound?.(id);

      await call('POST', `/sim/${creds.session_id}/inbound`, {
        token,
        json: { from: '2348011112222', text: 'what?', pushName: 'Ada' },
      });
      const fallback = await until(async () => {
        const sent = (await call('GET', `/sim/${creds.session_id}/sent`, { token })).body.data;
        return sent.length > before + 1 ? sent[sent.length - 1] : undefined;
      });
      expect(fallback.content.text).toMatch(/^(Hi|Hello) Ada your message has no keyword here\.$/);
    });

    test('GET /whatsapp/instance/logout/{id}', async () => {
      const res = await call('GET', `/whatsapp/instance/logout/${id}`, { query: creds });
      expect(expectEnvelope(res, 200, 'Instance logged out successfully')).toBeNull();
      const info = await call('GET', '/whatsapp/instance', { query: creds });
      expect(info.body.data.instance_data.phone_connected).toBe(false);
    });

    test('DELETE /whatsapp/{id}', async () => {
      const res = await call('DELETE', `/whatsapp/${id}`, { token });
      expect(expectEnvelope(res, 200, 'Whatsapp deleted successfully!')).toBeNull();
      expect((await call('GET', '/whatsapp', { token })).body.data).toEqual([]);
      // The session no longer exists: an unknown instance is a 404.
      expect((await call('GET', '/whatsapp/instance', { query: creds })).status).toBe(404);
    });

    test('unknown route and the documents', async () => {
      const missing = await call('GET', '/whatsapp/nothing/here');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        status: false,
        message: 'route not found: GET /whatsapp/nothing/here',
        data: null,
      });
      const doc = await call('GET', '/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      const docs = await call('GET', '/docs');
      expect(docs.type).toContain('text/html');
    });
  });
}
