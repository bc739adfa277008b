import type { Intent } from '../resources.js';
import type { InstanceSettings } from '../settings.js';
import type { Message } from '../types.js';
import { matchesKeywords } from './keywords.js';
import { isActiveDay, isWithinActiveHours } from './schedule.js';
import { fillName, type Random, resolveSpintax, seededRandom } from './spintax.js';
import { localTime, parseTimeZone } from './timezone.js';

/** Why the bot did or did not reply. `intent:<id>` names the intent that matched. */
export type DecisionReason =
  | 'from_me'
  | 'replies_off'
  | 'group_replies_off'
  | 'unread_replies_off'
  | 'inactive_day'
  | 'outside_active_hours'
  | 'no_match'
  | 'default_msg'
  | `intent:${string}`;

export interface Decision {
  reply: boolean;
  reason: DecisionReason;
  /** The intent that matched, when one did. */
  intent?: Intent;
  /** The text to send (spintax resolved, `[name]` replaced), when replying. */
  text?: string;
}

export interface DecideContext {
  settings: Pick<
    InstanceSettings,
    'actions' | 'active_days' | 'active_hours' | 'bot_timezone' | 'default_msg'
  >;
  /** In priority order: the first that matches wins. */
  intents: readonly Intent[];
  /** Spintax choices; by default seeded from the message id, so the same input gives the same answer. */
  random?: Random;
}

/**
 * The bot engine's rule, as a pure function: given a received message, the instance's settings and
 * intents, and the time, says whether to reply, with what, and why.
 *
 * Gates, in order: not from the bot; `reply_msgs`; `reply_group_msgs` for groups; `reply_unread_msgs`
 * for messages received offline or already read; the local day in `active_days` and the local time
 * in `active_hours` (both in `bot_timezone`). Then the first intent whose keywords match; otherwise
 * `default_msg` when `send_default_msg` is on.
 */
export function decide(message: Message, ctx: DecideContext, now: number): Decision {
  const { settings } = ctx;
  const { actions } = settings;
  if (message.fromMe) return { reply: false, reason: 'from_me' };
  if (!actions.reply_msgs) return { reply: false, reason: 'replies_off' };
  if (message.isGroup && !actions.reply_group_msgs) return { reply: false, reason: 'group_replies_off' };
  if (message.unread && !actions.reply_unread_msgs) return { reply: false, reason: 'unread_replies_off' };

  const local = localTime(now, parseTimeZone(settings.bot_timezone));
  if (!isActiveDay(settings.active_days, local)) return { reply: false, reason: 'inactive_day' };
  if (!isWithinActiveHours(settings.active_hours, local.minutes)) {
    return { reply: false, reason: 'outside_active_hours' };
  }

  const random = ctx.random ?? seededRandom(message.id);
  const name = message.pushName?.trim() || message.senderNumber;
  const haystack = message.text;
  if (haystack) {
    for (const intent of ctx.intents) {
      if (matchesKeywords(intent.keyword, haystack)) {
        return {
          reply: true,
          reason: `intent:${intent._id}`,
          intent,
          text: fillName(resolveSpintax(intent.reply, random), name),
        };
      }
    }
  }
  if (!actions.send_default_msg || !settings.default_msg) return { reply: false, reason: 'no_match' };
  return {
    reply: true,
    reason: 'default_msg',
    text: fillName(resolveSpintax(settings.default_msg, random), name),
  };
}
