import { ValidationError } from '../errors.js';
import type { ActiveDays, ActiveHours } from '../settings.js';
import type { LocalTime } from './timezone.js';

const CLOCK = /^(\d{1,2}):(\d{2})$/;

/**
 * Parses "H:MM" / "HH:MM" (00:00 to 24:00) into minutes since midnight; "always" gives null.
 * @throws ValidationError otherwise.
 */
export function parseClock(input: string, field: string): number | null {
  const text = input.trim();
  if (text.toLowerCase() === 'always') return null;
  const m = CLOCK.exec(text);
  const hours = m ? Number(m[1]) : Number.NaN;
  const minutes = m ? Number(m[2]) : Number.NaN;
  if (!m || minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) {
    throw new ValidationError(`"${input}" is not a time (use "H:MM", "HH:MM" or "always")`, field);
  }
  return hours * 60 + minutes;
}

/**
 * Whether `minutes` (since local midnight) falls in the active hours. "always" on either end means all
 * day; `from` is inclusive and `to` exclusive; a range with `from` after `to` crosses midnight
 * ("22:00"–"06:00"); equal ends mean the whole day.
 */
export function isWithinActiveHours(hours: ActiveHours, minutes: number): boolean {
  const from = parseClock(hours.from, 'from');
  const to = parseClock(hours.to, 'to');
  if (from === null || to === null || from === to) return true;
  if (from < to) return minutes >= from && minutes < to;
  return minutes >= from || minutes < to;
}

export function isActiveDay(days: ActiveDays, local: LocalTime): boolean {
  return days[local.weekday] === true;
}
