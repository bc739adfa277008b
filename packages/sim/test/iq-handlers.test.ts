import type { BinaryNode } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerIq } from '../src/protocol/iq-handlers.js';
import { MediaServer } from '../src/protocol/media-server.js';
import { World } from '../src/protocol/world.js';

/** Child nodes of a node (empty when it has none). */
const kids = (n: BinaryNode | undefined): BinaryNode[] => (Array.isArray(n?.content) ? n.content : []);

const iq = (xmlns: string, type: string, content?: BinaryNode[]): BinaryNode => ({
  tag: 'iq',
  attrs: { id: 'q1', to: '@s.whatsapp.net', xmlns, type },
  ...(content ? { content } : {}),
});

describe('iq answers', () => {
  let media: MediaServer;
  let world: World;
  beforeEach(async () => {
    media = await MediaServer.start();
    world = new World(media);
  });
  afterEach(async () => {
    await media.close();
  });

  function sender() {
    const phone = world.phone('15550001111');
    const device = phone.addCompanion(Buffer.alloc(32, 1), {
      registrationId: 7,
      identityKey: Buffer.alloc(32, 2),
      signedPreKey: { keyId: 1, publicKey: Buffer.alloc(32, 3), signature: Buffer.alloc(64, 4) },
    });
    return { phone, device };
  }

  it('answers iqs it does not model with an empty result carrying the same id', { timeout: 30_000 }, () => {
    for (const xmlns of ['w:profile:picture', 'status', 'urn:xmpp:whatever', 'w:p']) {
      expect(answerIq(world, sender(), iq(xmlns, 'get'))).toEqual({
        tag: 'iq',
        attrs: { id: 'q1', type: 'result', from: 's.whatsapp.net' },
      });
    }
  });

  it('counts uploaded pre-keys and hands each one out once', { timeout: 30_000 }, () => {
    const me = sender();
    const key = (id: number) => ({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: Buffer.from([0, 0, id]) },
        { tag: 'value', attrs: {}, content: Buffer.alloc(32, id) },
      ],
    });
    answerIq(world, me, iq('encrypt', 'set', [{ tag: 'list', attrs: {}, content: [key(1), key(2)] }]));
    const count = answerIq(world, me, iq('encrypt', 'get', [{ tag: 'count', attrs: {} }]));
    expect(count.content).toEqual([{ tag: 'count', attrs: { value: '2' } }]);

    const other = { phone: world.phone('15550002222'), device: me.device };
    const fetch = () =>
      answerIq(
        world,
        other,
        iq('encrypt', 'get', [
          { tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid: `${me.phone.lid}:1@lid` } }] },
        ]),
      );
    const preKeyIds = [fetch(), fetch(), fetch()].map((answer) => {
      const user = kids(kids(answer)[0])[0];
      const keyNode = kids(user).find((n) => n.tag === 'key');
      const id = kids(keyNode)[0]?.content;
      return id instanceof Uint8Array ? Buffer.from(id).readUIntBE(0, 3) : undefined;
    });
    expect(preKeyIds).toEqual([1, 2, undefined]);
  });

  it('lists devices with key indexes and the LID in usync answers', { timeout: 30_000 }, () => {
    const me = sender();
    const answer = answerIq(
      world,
      me,
      iq('usync', 'get', [
        {
          tag: 'usync',
          attrs: { context: 'interactive', mode: 'query', sid: 's', last: 'true', index: '0' },
          content: [
            {
              tag: 'query',
              attrs: {},
              content: [
                { tag: 'devices', attrs: { version: '2' } },
                { tag: 'lid', attrs: {} },
              ],
            },
            { tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: { jid: me.phone.jid } }] },
          ],
        },
      ]),
    );
    const list = kids(kids(answer)[0]).find((n) => n.tag === 'list');
    const user = kids(list)[0];
    expect(user?.attrs.jid).toBe(me.phone.jid);
    expect(user?.content).toEqual([
      {
        tag: 'devices',
        attrs: {},
        content: [
          {
            tag: 'device-list',
            attrs: {},
            content: [
              { tag: 'device', attrs: { id: '0' } },
              { tag: 'device', attrs: { id: '1', 'key-index': '1' } },
            ],
          },
        ],
      },
      { tag: 'lid', attrs: { val: me.phone.lidJid } },
    ]);
  });
});
