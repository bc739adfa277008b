import type { WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import {
  preferPhoneJid,
  statusChangeFromOwnMessage,
  statusChangesFromReceipts,
  statusChangesFromUpdates,
  toInboundMessage,
} from '../src/inbound.js';

const PEER = '15550001111@s.whatsapp.net';
const GROUP = '120363000000000001@g.us';
const MEMBER = '15550002222@s.whatsapp.net';

function msg(
  message: WAMessage['message'],
  key: Partial<WAMessage['key']> = {},
  extra: Partial<WAMessage> = {},
) {
  return {
    key: { remoteJid: PEER, fromMe: false, id: 'MSG1', ...key },
    message,
    messageTimestamp: 1700000000,
    pushName: 'Alice',
    ...extra,
  } as WAMessage;
}

describe('toInboundMessage', () => {
  it('maps a live 1:1 text', () => {
    const m = msg({ conversation: 'hello' });
    const out = toInboundMessage(m, 'notify');
    expect(out).toEqual({
      id: 'MSG1',
      chatId: PEER,
      sender: PEER,
      fromMe: false,
      pushName: 'Alice',
      kind: 'text',
      text: 'hello',
      timestamp: 1_700_000_000_000,
      raw: m,
    });
  });

  it('marks history/offline messages (append) as unread, but never our own', () => {
    expect(toInboundMessage(msg({ conversation: 'x' }), 'append')?.unread).toBe(true);
    expect(toInboundMessage(msg({ conversation: 'x' }), 'notify')?.unread).toBeUndefined();
    const own = toInboundMessage(msg({ conversation: 'x' }, { fromMe: true }), 'append');
    expect(own?.unread).toBeUndefined();
    expect(own?.fromMe).toBe(true);
    expect(own?.sender).toBe(PEER);
    const mine = toInboundMessage(
      msg({ conversation: 'x' }, { fromMe: true }),
      'notify',
      '15550009999:4@s.whatsapp.net',
    );
    expect(mine).toMatchObject({ chatId: PEER, sender: '15550009999@s.whatsapp.net', fromMe: true });
  });

  it('uses the participant as sender in groups', () => {
    const out = toInboundMessage(
      msg(
        { extendedTextMessage: { text: 'hi all' } },
        { remoteJid: GROUP, participant: `15550002222:3@s.whatsapp.net` },
      ),
      'notify',
    );
    expect(out).toMatchObject({ chatId: GROUP, sender: MEMBER, kind: 'text', text: 'hi all' });
  });

  it('prefers phone-number jids over LIDs when Baileys knows both', () => {
    const out = toInboundMessage(
      msg({ conversation: 'x' }, { remoteJid: '123456789@lid', remoteJidAlt: PEER }),
      'notify',
    );
    expect(out?.chatId).toBe(PEER);
    const group = toInboundMessage(
      msg({ conversation: 'x' }, { remoteJid: GROUP, participant: '987@lid', participantAlt: MEMBER }),
      'notify',
    );
    expect(group?.sender).toBe(MEMBER);
    expect(preferPhoneJid('987@lid', undefined)).toBe('987@lid');
  });

  it('reads the quoted message id and text', () => {
    const out = toInboundMessage(
      msg({
        extendedTextMessage: {
          text: 'yes',
          contextInfo: {
            stanzaId: 'Q1',
            participant: PEER,
            quotedMessage: { conversation: 'are you there?' },
          },
        },
      }),
      'notify',
    );
    expect(out?.quoted).toEqual({ id: 'Q1', text: 'are you there?' });
  });

  it('maps media with metadata and keeps the raw message for downloads', () => {
    const image = toInboundMessage(
      msg({ imageMessage: { mimetype: 'image/jpeg', caption: 'look', fileLength: 1234, url: 'https://x' } }),
      'notify',
    );
    expect(image).toMatchObject({
      kind: 'image',
      text: 'look',
      media: { mimetype: 'image/jpeg', caption: 'look', size: 1234 },
    });
    expect(image?.raw).toBeDefined();
    const doc = toInboundMessage(
      msg({
        documentWithCaptionMessage: {
          message: { documentMessage: { mimetype: 'application/pdf', fileName: 'a.pdf', caption: 'c' } },
        },
      }),
      'notify',
    );
    expect(doc).toMatchObject({
      kind: 'document',
      media: { mimetype: 'application/pdf', filename: 'a.pdf' },
    });
    expect(
      toInboundMessage(msg({ audioMessage: { mimetype: 'audio/ogg', ptt: true } }), 'notify')?.kind,
    ).toBe('audio');
    expect(toInboundMessage(msg({ videoMessage: { mimetype: 'video/mp4' } }), 'notify')?.kind).toBe('video');
    expect(toInboundMessage(msg({ stickerMessage: { mimetype: 'image/webp' } }), 'notify')?.kind).toBe(
      'sticker',
    );
  });

  it('unwraps ephemeral and view-once messages', () => {
    const out = toInboundMessage(
      msg({ ephemeralMessage: { message: { conversation: 'secret' } } }),
      'notify',
    );
    expect(out).toMatchObject({ kind: 'text', text: 'secret' });
    const once = toInboundMessage(
      msg({ viewOnceMessageV2: { message: { imageMessage: { mimetype: 'image/png' } } } }),
      'notify',
    );
    expect(once?.kind).toBe('image');
  });

  it('maps button replies from every shape WhatsApp uses', () => {
    const legacy = toInboundMessage(
      msg({ buttonsResponseMessage: { selectedButtonId: 'yes', selectedDisplayText: 'Yes' } }),
      'notify',
    );
    expect(legacy).toMatchObject({ kind: 'button_reply', text: 'Yes', selectedId: 'yes' });
    const template = toInboundMessage(
      msg({ templateButtonReplyMessage: { selectedId: 'no', selectedDisplayText: 'No' } }),
      'notify',
    );
    expect(template).toMatchObject({ kind: 'button_reply', text: 'No', selectedId: 'no' });
    const flow = toInboundMessage(
      msg({
        interactiveResponseMessage: {
          body: { text: 'Yes' },
          nativeFlowResponseMessage: { name: 'quick_reply', paramsJson: '{"id":"yes"}' },
        },
      }),
      'notify',
    );
    expect(flow).toMatchObject({ kind: 'button_reply', text: 'Yes', selectedId: 'yes' });
  });

  it('maps list replies (legacy and native flow)', () => {
    const legacy = toInboundMessage(
      msg({ listResponseMessage: { title: 'Pizza', singleSelectReply: { selectedRowId: 'pizza' } } }),
      'notify',
    );
    expect(legacy).toMatchObject({ kind: 'list_reply', text: 'Pizza', selectedId: 'pizza' });
    const flow = toInboundMessage(
      msg({
        interactiveResponseMessage: {
          body: { text: 'Pizza' },
          nativeFlowResponseMessage: { name: 'single_select', paramsJson: '{"id":"pizza"}' },
        },
      }),
      'notify',
    );
    expect(flow).toMatchObject({ kind: 'list_reply', selectedId: 'pizza' });
  });

  it('survives a broken native-flow payload', () => {
    const out = toInboundMessage(
      msg({
        interactiveResponseMessage: {
          nativeFlowResponseMessage: { name: 'quick_reply', paramsJson: '{oops' },
        },
      }),
      'notify',
    );
    expect(out?.kind).toBe('button_reply');
    expect(out?.selectedId).toBeUndefined();
  });

  it('maps reactions to the message they react to', () => {
    const out = toInboundMessage(
      msg({ reactionMessage: { text: '👍', key: { id: 'TARGET', remoteJid: PEER, fromMe: true } } }),
      'notify',
    );
    expect(out).toMatchObject({ kind: 'reaction', text: '👍', quoted: { id: 'TARGET' } });
  });

  it('maps locations and contacts', () => {
    const loc = toInboundMessage(
      msg({ locationMessage: { degreesLatitude: 6.5, degreesLongitude: 3.2, name: 'Office' } }),
      'notify',
    );
    expect(loc).toMatchObject({
      kind: 'location',
      text: 'Office',
      location: { lat: 6.5, lng: 3.2, name: 'Office' },
    });
    const contact = toInboundMessage(
      msg({ contactMessage: { displayName: 'John', vcard: 'BEGIN:VCARD' } }),
      'notify',
    );
    expect(contact).toMatchObject({ kind: 'contact', text: 'John' });
  });

  it('ignores protocol noise, status broadcasts, newsletters and empty stubs', () => {
    expect(toInboundMessage(msg({ protocolMessage: { type: 0 } }), 'notify')).toBeUndefined();
    expect(
      toInboundMessage(msg({ senderKeyDistributionMessage: { groupId: GROUP } }), 'notify'),
    ).toBeUndefined();
    expect(
      toInboundMessage(msg({ conversation: 'story' }, { remoteJid: 'status@broadcast' }), 'notify'),
    ).toBeUndefined();
    expect(
      toInboundMessage(msg({ conversation: 'news' }, { remoteJid: '1@newsletter' }), 'notify'),
    ).toBeUndefined();
    expect(toInboundMessage(msg(undefined), 'notify')).toBeUndefined();
    expect(toInboundMessage(msg({ conversation: 'x' }, { id: undefined }), 'notify')).toBeUndefined();
  });

  it('reports unknown content as other instead of dropping it', () => {
    expect(toInboundMessage(msg({ pollCreationMessage: { name: 'poll' } }), 'notify')).toMatchObject({
      kind: 'other',
      text: '',
    });
  });
});

describe('status changes', () => {
  it('maps messages.update statuses to core names', () => {
    expect(
      statusChangesFromUpdates([
        { key: { id: 'A', remoteJid: PEER, fromMe: true }, update: { status: 3 } },
        { key: { id: 'B', remoteJid: '15550001111:2@s.whatsapp.net', fromMe: true }, update: { status: 4 } },
        { key: { id: 'C', remoteJid: PEER, fromMe: true }, update: { starred: true } },
        { key: { id: 'D', remoteJid: 'status@broadcast', fromMe: true }, update: { status: 3 } },
      ]),
    ).toEqual([
      { id: 'A', chatId: PEER, status: 'DELIVERY_ACK' },
      { id: 'B', chatId: PEER, status: 'READ' },
    ]);
  });

  it('maps group receipts: played over read over delivered', () => {
    const key = { id: 'G', remoteJid: GROUP, fromMe: true };
    expect(
      statusChangesFromReceipts([
        { key, receipt: { userJid: MEMBER, receiptTimestamp: 1 } },
        { key, receipt: { userJid: MEMBER, receiptTimestamp: 1, readTimestamp: 2 } },
        { key, receipt: { userJid: MEMBER, playedTimestamp: 3, readTimestamp: 2 } },
        { key, receipt: { userJid: MEMBER } },
      ]),
    ).toEqual([
      { id: 'G', chatId: GROUP, status: 'DELIVERY_ACK' },
      { id: 'G', chatId: GROUP, status: 'READ' },
      { id: 'G', chatId: GROUP, status: 'PLAYED' },
    ]);
  });

  it("reads a status folded into the echo of our own message, ignoring PENDING and others' messages", () => {
    const own = (status: number) => msg({ conversation: 'x' }, { fromMe: true, id: 'OWN' }, { status });
    expect(statusChangeFromOwnMessage(own(4))).toEqual({ id: 'OWN', chatId: PEER, status: 'READ' });
    expect(statusChangeFromOwnMessage(own(2))).toEqual({ id: 'OWN', chatId: PEER, status: 'SERVER_ACK' });
    expect(statusChangeFromOwnMessage(own(1))).toBeUndefined();
    expect(statusChangeFromOwnMessage(msg({ conversation: 'x' }, {}, { status: 4 }))).toBeUndefined();
  });
});
