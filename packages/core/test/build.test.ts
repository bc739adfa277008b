import { describe, expect, it } from 'vitest';
import { buildContent, type SendRequest, ValidationError } from '../src/index.js';

const chatId = '2349048988056';
const jid = '2349048988056@s.whatsapp.net';
const bytes = new Uint8Array([1, 2, 3]);

describe('buildContent', () => {
  it('builds every message type', () => {
    expect(buildContent({ type: 'text', chatId, text: 'Hi' })).toEqual({
      chatId: jid,
      content: { type: 'text', text: 'Hi' },
    });
    expect(
      buildContent({ type: 'image', chatId, media: { data: bytes }, caption: 'Yo', mimetype: 'image/png' })
        .content,
    ).toEqual({
      type: 'image',
      media: { data: bytes },
      caption: 'Yo',
      mimetype: 'image/png',
    });
    expect(buildContent({ type: 'video', chatId, media: { url: 'https://x.test/v.mp4' } }).content).toEqual({
      type: 'video',
      media: { url: 'https://x.test/v.mp4' },
    });
    expect(buildContent({ type: 'audio', chatId, media: { data: bytes }, voiceNote: true }).content).toEqual({
      type: 'audio',
      media: { data: bytes },
      voiceNote: true,
    });
    expect(
      buildContent({ type: 'document', chatId, media: { data: bytes }, filename: '../../etc/report.pdf' })
        .content,
    ).toEqual({
      type: 'document',
      media: { data: bytes },
      filename: 'report.pdf',
    });
    expect(
      buildContent({
        type: 'fileurl',
        chatId,
        url: 'https://x.test/a/b.pdf',
        fileType: 'document',
        mimetype: 'application/pdf',
      }).content,
    ).toEqual({
      type: 'document',
      media: { url: 'https://x.test/a/b.pdf' },
      filename: 'b.pdf',
      mimetype: 'application/pdf',
    });
    expect(
      buildContent({
        type: 'fileurl',
        chatId,
        url: 'https://x.test/p.jpg',
        fileType: 'image',
        caption: 'Caption',
      }).content,
    ).toEqual({ type: 'image', media: { url: 'https://x.test/p.jpg' }, caption: 'Caption' });
    expect(
      buildContent({ type: 'location', chatId, lat: '6.556452', lng: '3.2774487', name: 'locationName' })
        .content,
    ).toEqual({
      type: 'location',
      lat: 6.556452,
      lng: 3.2774487,
      name: 'locationName',
    });
    expect(
      buildContent({
        type: 'contact',
        chatId,
        vcard: {
          fullName: 'john doe',
          displayName: 'johndoe',
          organization: 'Men In Black',
          phoneNumber: '919999999999',
        },
      }).content,
    ).toEqual({
      type: 'contact',
      displayName: 'johndoe',
      vcard:
        'BEGIN:VCARD\nVERSION:3.0\nFN:john doe\nORG:Men In Black;\nTEL;type=CELL;type=VOICE;waid=919999999999:919999999999\nEND:VCARD',
    });
  });

  it('builds buttons with ids and normalised payloads', () => {
    const { content } = buildContent({
      type: 'buttons',
      chatId,
      buttons: {
        text: 'title Head',
        footerText: 'title footer',
        buttons: [
          { type: 'replyButton', title: 'Reply this text (REPLY)' },
          { type: 'urlButton', title: 'Click me (URL)', payload: 'https://google.com' },
          { type: 'callButton', title: 'Click to call (CALL)', payload: '918788889688' },
        ],
      },
    });
    expect(content).toEqual({
      type: 'buttons',
      text: 'title Head',
      footer: 'title footer',
      buttons: [
        { type: 'replyButton', title: 'Reply this text (REPLY)', id: 'btn_1' },
        { type: 'urlButton', title: 'Click me (URL)', payload: 'https://google.com/', id: 'urlButton_2' },
        { type: 'callButton', title: 'Click to call (CALL)', payload: '+918788889688', id: 'callButton_3' },
      ],
    });
  });

  it('builds lists and media buttons', () => {
    const list = buildContent({
      type: 'list',
      chatId,
      list: {
        buttonText: 'Button Text',
        text: 'Middle Text',
        title: 'Head Title',
        description: 'Footer Description',
        sections: [
          {
            title: 'title',
            rows: [
              { title: 'Title Option 1', description: 'Option Description', rowId: 'string' },
              { title: 'Two' },
            ],
          },
        ],
        listType: 0,
      },
    }).content;
    expect(list).toEqual({
      type: 'list',
      text: 'Middle Text',
      title: 'Head Title',
      footer: 'Footer Description',
      buttonText: 'Button Text',
      sections: [
        {
          title: 'title',
          rows: [
            { title: 'Title Option 1', description: 'Option Description', rowId: 'string' },
            { title: 'Two', rowId: 'row_1_2' },
          ],
        },
      ],
    });
    const mb = buildContent({
      type: 'media-buttons',
      chatId,
      buttons: {
        text: 'Title of Message',
        buttons: [{ type: 'replyButton', title: 'this button reply' }],
        footerText: 'Footer text',
        image: 'https://picsum.photos/536/354',
        mediaType: 'image',
        mimeType: 'image/jpeg',
      },
    }).content;
    expect(mb).toMatchObject({
      type: 'buttons',
      media: { type: 'image', media: { url: 'https://picsum.photos/536/354' }, mimetype: 'image/jpeg' },
    });
  });

  it.each<[string, unknown]>([
    ['message: must be a string', { type: 'text', chatId, text: 5 }],
    ['message: must not be empty', { type: 'text', chatId, text: '  ' }],
    ['chatId: is required', { type: 'text', chatId: '', text: 'x' }],
    ['file: must not be empty', { type: 'image', chatId, media: { data: new Uint8Array() } }],
    [
      'file.url: must be an http or https URL',
      { type: 'image', chatId, media: { url: 'file:///etc/passwd' } },
    ],
    ['url: must be a valid URL', { type: 'fileurl', chatId, url: 'not a url', fileType: 'image' }],
    [
      'type: must be image, video, audio or document',
      { type: 'fileurl', chatId, url: 'https://x.test', fileType: 'exe' },
    ],
    [
      'mimetype: must be a MIME type like image/png',
      { type: 'image', chatId, media: { data: bytes }, mimetype: 'png' },
    ],
    ['filename: must not be empty', { type: 'document', chatId, media: { data: bytes }, filename: '' }],
    ['location.lat: must be between -90 and 90', { type: 'location', chatId, lat: 91, lng: 0 }],
    ['location.lng: must be a number', { type: 'location', chatId, lat: 1, lng: 'east' }],
    [
      'vcard.phoneNumber: must be a phone number or a WhatsApp id',
      { type: 'contact', chatId, vcard: { fullName: 'x', phoneNumber: 'abc' } },
    ],
    ['vcard.fullName: must be a string', { type: 'contact', chatId, vcard: { phoneNumber: '15550001111' } }],
    [
      'btndata.buttons: must have between 1 and 10 items',
      { type: 'buttons', chatId, buttons: { text: 'x', buttons: [] } },
    ],
    [
      'btndata.buttons.0.type: must be one of',
      { type: 'buttons', chatId, buttons: { text: 'x', buttons: [{ type: 'x', title: 't' }] } },
    ],
    [
      'btndata.buttons.0.payload: must be a valid URL',
      {
        type: 'buttons',
        chatId,
        buttons: { text: 'x', buttons: [{ type: 'urlButton', title: 't', payload: 'nope' }] },
      },
    ],
    [
      'btndata.buttons: may have at most 3 reply buttons',
      {
        type: 'buttons',
        chatId,
        buttons: {
          text: 'x',
          buttons: Array.from({ length: 4 }, (_, i) => ({ type: 'replyButton', title: `b${i}` })),
        },
      },
    ],
    [
      'msgdata.sections.0.rows: must have between 1 and 10 items',
      { type: 'list', chatId, list: { buttonText: 'b', text: 't', sections: [{ title: 's', rows: [] }] } },
    ],
    [
      'msgdata.sections.0.rows.1.rowId: "a" is used twice',
      {
        type: 'list',
        chatId,
        list: {
          buttonText: 'b',
          text: 't',
          sections: [
            {
              title: 's',
              rows: [
                { title: 'x', rowId: 'a' },
                { title: 'y', rowId: 'a' },
              ],
            },
          ],
        },
      },
    ],
    ['type: is not a known message type', { type: 'sticker', chatId }],
    ['request: must be an object', null],
  ])('rejects bad input: %s', (message, request) => {
    expect(() => buildContent(request as SendRequest)).toThrow(ValidationError);
    expect(() => buildContent(request as SendRequest)).toThrow(message);
  });
});
