import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { httpClient, TOKEN_A, until } from './helpers.js';
import { startServe } from './serve-process.js';

describe('wabot serve after a crash', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('finds every instance, setting, intent and contact after SIGKILL, and reconnects without a QR', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wabot-restart-'));
    dirs.push(dataDir);
    const env = { WABOT_DATA_DIR: dataDir, WABOT_API_TOKENS: `${TOKEN_A}:alice`, WABOT_SIM_AUTOSCAN: '0s' };

    const first = await startServe(['--sim'], env);
    const call1 = httpClient((path, init) => fetch(first.baseUrl + path, init));
    const created = (await call1('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const creds = { session_id: created.session_id, access_token: created.settings.access_token };
    expect((await call1('POST', '/whatsapp/init', { query: creds })).status).toBe(200);
    await call1('GET', '/whatsapp/scan', { query: creds });
    await until(async () => {
      const info = await call1('GET', '/whatsapp/instance', { query: creds });
      return info.body.data.instance_data.phone_connected ? true : undefined;
    }, 50);
    const general = await call1('PUT', '/whatsapp/updateGeneral', {
      json: { ...creds, bot_name: 'Shop bot', bot_timezone: '+1' },
    });
    expect(general.body).toMatchObject({ status: true, data: { modifiedCount: 1 } });
    const hours = await call1('PUT', '/whatsapp/updateActiveHours', {
      json: { ...creds, from: '00:00', to: '24:00' },
    });
    expect(hours.body).toMatchObject({ status: true, data: { modifiedCount: 1 } });
    const intent = await call1('POST', '/whatsapp/intent', {
      json: { ...creds, title: 'Prices', keyword: 'price', reply: 'Five dollars' },
    });
    expect(intent.body).toMatchObject({ status: true });
    const contact = await call1('POST', '/whatsapp/contact', {
      json: { ...creds, name: 'Ada', number: '2349048988056' },
    });
    expect(contact.body).toMatchObject({ status: true });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startServe(['--sim'], env);
    try {
      const call2 = httpClient((path, init) => fetch(second.baseUrl + path, init));
      const list = (await call2('GET', '/whatsapp', { token: TOKEN_A })).body.data;
      expect(list).toHaveLength(1);
      expect(list[0].settings).toMatchObject({
        bot_name: 'Shop bot',
        bot_timezone: '+1',
        active_hours: { from: '00:00', to: '24:00' },
      });
      const intents = (await call2('GET', '/whatsapp/intent', { query: creds })).body.data;
      expect(intents.map((i: { title: string; reply: string }) => [i.title, i.reply])).toEqual([
        ['Prices', 'Five dollars'],
      ]);
      const contacts = (await call2('GET', '/whatsapp/contact', { query: creds })).body.data;
      expect(contacts.map((c: { number: string }) => c.number)).toEqual(['2349048988056']);
      // The stored session links again by itself: no QR is needed.
      await until(async () => {
        const info = await call2('GET', '/whatsapp/instance', { query: creds });
        return info.body.data.instance_data.phone_connected ? true : undefined;
      }, 50);
      const inbound = await call2('POST', `/sim/${creds.session_id}/inbound`, {
        token: TOKEN_A,
        json: { from: '2349048988056', text: 'what is the price?' },
      });
      expect(inbound.status).toBe(200);
      const sent = await until(async () => {
        const texts = (await call2('GET', `/sim/${creds.session_id}/sent`, { token: TOKEN_A })).body.data.map(
          (s: { content: { text?: string } }) => s.content.text,
        );
        return texts.includes('Five dollars') ? texts : undefined;
      }, 50);
      expect(sent).toContain('Five dollars');
    } finally {
      await second.stop();
    }
  }, 90_000);
});
