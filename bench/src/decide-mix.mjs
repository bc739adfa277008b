import { defaultSettings } from '@wabot/core';

/**
 * A realistic workload for the bot engine: 8 bots with 50 intents each, spread over IANA and offset
 * time zones, schedules that cross midnight and days off; messages from people and groups, with
 * keywords near the first and the last intent, none at all, and some the gates turn away.
 * Deterministic (no Math.random), so two runs measure the same work.
 */
export function buildDecideMix(messageCount = 20_000) {
  const zones = [
    'Africa/Harare',
    '+1',
    '-5:30',
    'UTC+1',
    'America/New_York',
    'Asia/Kolkata',
    'UTC-3',
    'Europe/Berlin',
  ];
  const hours = [
    { from: 'always', to: 'always' },
    { from: '8:00', to: '17:30' },
    { from: '22:00', to: '6:00' },
    { from: '0:00', to: '23:59' },
  ];
  const topics = [
    'price',
    'cost',
    'delivery',
    'shipping',
    'refund',
    'return',
    'hours',
    'open',
    'address',
    'location',
    'menu',
    'order',
    'track',
    'invoice',
    'payment',
    'card',
    'cash',
    'discount',
    'coupon',
    'promo',
    'warranty',
    'repair',
    'support',
    'agent',
    'human',
    'complaint',
    'feedback',
    'size',
    'color',
    'stock',
    'booking',
    'reservation',
    'cancel',
    'change',
    'upgrade',
    'plan',
    'subscription',
    'trial',
    'login',
    'password',
    'account',
    'email',
    'phone',
    'whatsapp',
    'catalog',
    'brochure',
    'quote',
    'wholesale',
    'partner',
    'careers',
  ];
  const bots = zones.map((zone, b) => {
    const settings = defaultSettings(`bench-${b}`);
    settings.bot_timezone = zone;
    settings.active_hours = hours[b % hours.length];
    settings.active_days.sunday = b % 3 !== 0;
    settings.actions.reply_group_msgs = b % 2 === 0;
    settings.actions.reply_unread_msgs = b % 4 !== 1;
    const intents = topics.map((topic, i) => ({
      _id: `intent-${b}-${i}`,
      instance_id: `bot-${b}`,
      title: topic,
      keyword: `${topic},${topic}s, ${topic} please,info ${i}`,
      reply: '{Hi|Hello|Hey} [name], about ' + topic + ': {see our site|ask me anything}.',
      action: {},
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    }));
    return { settings, intents };
  });

  const texts = [
    (t) => `Hi, what is the ${t} today?`,
    (t) => `${t.toUpperCase()}!!`,
    (t) => `I would like to know more about your ${t} and also the delivery times for my area please`,
    () => 'Good morning, is anyone there?',
    () => 'thanks 🙏',
    (t) => `Bonjour, quel est le ${t}?`,
  ];
  const messages = [];
  const start = Date.UTC(2026, 10, 23, 0, 0); // a Monday
  for (let i = 0; i < messageCount; i++) {
    const bot = i % bots.length;
    // Skewed towards the first intents, as real traffic is, with a long tail to the 50th.
    const topic = topics[(i * 7919) % 97 < 60 ? (i * 31) % 10 : (i * 13) % topics.length];
    const isGroup = i % 5 === 0;
    const sender = `2348${String(10_000_000 + ((i * 104_729) % 89_999_999))}`;
    messages.push({
      bot,
      now: start + ((i * 3_600_000 * 7) % (7 * 86_400_000)) + (i % 60) * 60_000,
      message: {
        instanceId: `bot-${bot}`,
        id: `3EB0${i.toString(16).padStart(16, '0')}`,
        chatId: isGroup ? `1203630${i % 50}@g.us` : `${sender}@s.whatsapp.net`,
        sender: `${sender}@s.whatsapp.net`,
        senderNumber: sender,
        fromMe: i % 37 === 0,
        isGroup,
        kind: 'text',
        text: texts[i % texts.length](topic),
        timestamp: start,
        ...(i % 3 === 0 && { pushName: `Contact ${i % 100}` }),
        ...(i % 11 === 0 && { unread: true }),
      },
    });
  }
  return { bots, messages };
}
