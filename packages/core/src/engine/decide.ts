import type { Intent } from '../resources.js';

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
