import { ValidationError } from '../errors.js';
import { WEEKDAYS, type Weekday } from '../settings.js';

export interface LocalTime {
  weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
}

export type TimeZone = { kind: 'offset'; minutes: number } | { kind: 'iana'; name: string };

const OFFSET = /^(?:(?:utc|gmt)\s*)?([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * Parses `bot_timezone`: an offset ("+1", "-5:30", "+0530", "UTC+1", "GMT-3"), "UTC"/"GMT", or an IANA
 * name ("Africa/Harare").
 * @throws ValidationError when it is none of those.
 */
export function parseTimeZone(input: string): TimeZone {
  const text = input.trim();
  if (/^(utc|gmt|z)$/i.test(text)) return { kind: 'offset', minutes: 0 };
  const m = OFFSET.exec(text);
  if (m) {
    const hours = Number(m[2]);
    const mins = m[3] === undefined ? 0 : Number(m[3]);
    if (hours > 14 || mins > 59 || (hours === 14 && mins > 0)) {
      throw new ValidationError(`"${input}" is not a UTC offset between -14:00 and +14:00`, 'bot_timezone');
    }
    const total = hours * 60 + mins;
    return { kind: 'offset', minutes: m[1] === '-' ? -total : total };
  }
  if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(text) && formatterFor(text))
    return { kind: 'iana', name: text };
  throw new ValidationError(
    `"${input}" is not a time zone (use an offset like "+1" or "-5:30", or a name like "Africa/Harare")`,
    'bot_timezone',
  );
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(name: string): Intl.DateTimeFormat | null {
  let f = formatters.get(name);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        weekday: 'long',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      });
    } catch {
      f = null;
    }
    formatters.set(name, f);
  }
  return f;
}

/** The weekday and minute of day at `now` (ms since the epoch) in `zone`. */
export function localTime(now: number, zone: TimeZone): LocalTime {
  if (zone.kind === 'offset') {
    const shifted = new Date(now + zone.minutes * 60_000);
    // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
    const weekday = WEEKDAYS[(shifted.getUTCDay() + 6) % 7] as Weekday;
    return { weekday, minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
  }
  const f = formatterFor(zone.name);
  if (!f) throw new ValidationError(`"${zone.name}" is not a time zone`, 'bot_timezone');
  let weekday: Weekday = 'monday';
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(new Date(now))) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase() as Weekday;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}
