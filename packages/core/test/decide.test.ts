import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecideContext, decide, defaultSettings, type Intent, type Message } from '../src/index.js';

const monday0930utc = Date.UTC(2026, 10, 23, 9, 30);

function msg(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    instanceId: 'i1',
    chatId: '2349048988056@s.whatsapp.net',
    sender: '2349048988056@s.whatsapp.net',
    senderNumber: '2349048988056',
    fromMe: false,
    isGroup: false,
    kind: 'text',
    text: 'hello there',
    timestamp: monday0930utc,
    pushName: 'Ada',
    ...overrides,
  };
}

function intent(id: string, keyword: string, reply: string): Intent {
  return {
    _id: id,
    instance_id: 'i1',
    title: id,
    keyword,
    reply,
    action: {},
    createdAt: '',
    updatedAt: '',
  };
}

function ctx(
  change: (s: ReturnType<typeof defaultSettings>) => void = () => {},
  intents: Intent[] = [],
): DecideContext {
  const settings = defaultSettings('t');
  settings.bot_timezone = '+0';
  change(settings);
  return { settings, intents };
}

describe('decide', () => {
  it('passes each gate in order and names the one that stopped it', () => {
    expect(decide(msg({ fromMe: true }), ctx(), monday0930utc).reason).toBe('from_me');
    expect(
      decide(
        msg(),
        ctx((s) => (s.actions.reply_msgs = false)),
        monday0930utc,
      ).reason,
    ).toBe('replies_off');
    expect(
      decide(
        msg({ isGroup: true }),
        ctx((s) => (s.actions.reply_group_msgs = false)),
        monday0930utc,
      ).reason,
    ).toBe('group_replies_off');
    expect(decide(msg({ isGroup: true }), ctx(), monday0930utc).reply).toBe(true);
    expect(
      decide(
        msg({ unread: true }),
        ctx((s) => (s.actions.reply_unread_msgs = false)),
        monday0930utc,
      ).reason,
    ).toBe('unread_replies_off');
    expect(
      decide(
        msg({ unread: false }),
        ctx((s) => (s.actions.reply_unread_msgs = false)),
        monday0930utc,
      ).reply,
    ).toBe(true);
    expect(
      decide(
        msg(),
        ctx((s) => (s.active_days.monday = false)),
        monday0930utc,
      ).reason,
    ).toBe('inactive_day');
    expect(
      decide(
        msg(),
        ctx((s) => (s.active_hours = { from: '00:00', to: '5:00' })),
        monday0930utc,
      ).reason,
    ).toBe('outside_active_hours');
    expect(
      decide(
        msg(),
        ctx((s) => (s.actions.send_default_msg = false)),
        monday0930utc,
      ).reason,
    ).toBe('no_match');
    expect(decide(msg(), ctx(), monday0930utc).reason).toBe('default_msg');
  });

  it('judges days and hours in the bot time zone', () => {
    // 09:30 UTC Monday is 23:30 Sunday at -10.
    const sundayOnly = ctx((s) => {
      s.bot_timezone = '-10';
      for (const d of Object.keys(s.active_days) as Array<keyof typeof s.active_days>)
        s.active_days[d] = d === 'sunday';
      s.active_hours = { from: '22:00', to: '02:00' };
    });
    expect(decide(msg(), sundayOnly, monday0930utc).reply).toBe(true);
    // Harare is UTC+2: 11:30 there.
    const harare = ctx((s) => {
      s.bot_timezone = 'Africa/Harare';
      s.active_hours = { from: '11:00', to: '12:00' };
    });
    expect(decide(msg(), harare, monday0930utc).reply).toBe(true);
    expect(decide(msg(), harare, monday0930utc + 60 * 60_000).reason).toBe('outside_active_hours');
  });

  it('replies with the first matching intent, spintax and [name] filled', () => {
    const intents = [
      intent('a', 'price,cost', 'It is 5'),
      intent('b', 'hello,hi', '{Hey} [name]'),
      intent('c', 'hello', 'x'),
    ];
    const d = decide(
      msg(),
      ctx(() => {}, intents),
      monday0930utc,
    );
    expect(d).toMatchObject({ reply: true, reason: 'intent:b', text: 'Hey Ada' });
    expect(d.intent?._id).toBe('b');
    const noName = decide(
      msg({ pushName: '  ' }),
      ctx(() => {}, intents),
      monday0930utc,
    );
    expect(noName.text).toBe('Hey 2349048988056');
  });

  it('sends the default message with spintax resolved and the name filled', () => {
    const d = decide(msg(), ctx(), monday0930utc);
    expect(d.text).toMatch(/^(Hi|Hello) Ada your message has no keyword here\.$/);
  });

  it('is pure: the same input always gives the same decision', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (text, group, unread, now) => {
          const c = ctx(() => {}, [intent('x', 'hi', '{a|b|c} [name]')]);
          const m = msg({ text, isGroup: group, unread });
          expect(decide(m, c, now)).toEqual(decide(m, c, now));
        },
      ),
    );
  });

  it('never replies to its own messages, whatever the settings', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), fc.boolean(), (text, group, flag) => {
        const c = ctx((s) => {
          s.actions.reply_group_msgs = flag;
        });
        expect(decide(msg({ text, isGroup: group, fromMe: true }), c, monday0930utc)).toEqual({
          reply: false,
          reason: 'from_me',
        });
      }),
    );
  });
});
