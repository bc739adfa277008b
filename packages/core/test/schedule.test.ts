import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWithinActiveHours, localTime, parseClock, parseTimeZone, ValidationError } from '../src/index.js';

const hhmm = (m: number) => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;

describe('parseTimeZone', () => {
  it.each([
    ['+1', 60],
    ['1', undefined],
    ['-5:30', -330],
    ['+05:30', 330],
    ['+0530', 330],
    ['UTC+1', 60],
    ['utc-3', -180],
    ['GMT+10', 600],
    ['UTC', 0],
    ['+14', 840],
    ['-12', -720],
  ])('%s', (input, minutes) => {
    if (minutes === undefined) {
      expect(() => parseTimeZone(input)).toThrow(ValidationError);
      return;
    }
    expect(parseTimeZone(input)).toEqual({ kind: 'offset', minutes });
  });

  it('accepts IANA names and rejects made-up ones', () => {
    expect(parseTimeZone('Africa/Harare')).toEqual({ kind: 'iana', name: 'Africa/Harare' });
    expect(parseTimeZone('America/Argentina/Buenos_Aires')).toEqual({
      kind: 'iana',
      name: 'America/Argentina/Buenos_Aires',
    });
    expect(() => parseTimeZone('Mars/Olympus')).toThrow('bot_timezone:');
    expect(() => parseTimeZone('+15')).toThrow(ValidationError);
    expect(() => parseTimeZone('+1:75')).toThrow(ValidationError);
    expect(() => parseTimeZone('')).toThrow(ValidationError);
  });
});

describe('localTime', () => {
  const monday0930utc = Date.UTC(2026, 10, 23, 9, 30);

  it('applies offsets, crossing days', () => {
    expect(localTime(monday0930utc, parseTimeZone('+1'))).toEqual({ weekday: 'monday', minutes: 630 });
    expect(localTime(monday0930utc, parseTimeZone('-10'))).toEqual({
      weekday: 'sunday',
      minutes: 23 * 60 + 30,
    });
    expect(localTime(monday0930utc, parseTimeZone('+14:00'))).toEqual({
      weekday: 'monday',
      minutes: 23 * 60 + 30,
    });
    expect(localTime(monday0930utc, parseTimeZone('-5:30'))).toEqual({ weekday: 'monday', minutes: 4 * 60 });
  });

  it('uses IANA rules, including daylight saving time', () => {
    expect(localTime(monday0930utc, parseTimeZone('Africa/Harare'))).toEqual({
      weekday: 'monday',
      minutes: 690,
    });
    // New York: UTC-4 in July (DST), UTC-5 in January.
    expect(localTime(Date.UTC(2026, 6, 1, 12, 0), parseTimeZone('America/New_York')).minutes).toBe(8 * 60);
    expect(localTime(Date.UTC(2026, 0, 7, 12, 0), parseTimeZone('America/New_York')).minutes).toBe(7 * 60);
  });

  it('matches plain arithmetic for every offset and instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (now, offset) => {
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = parseTimeZone(`${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`);
          const local = localTime(now, zone);
          const utcMinutes = Math.floor(now / 60_000);
          expect(local.minutes).toBe((((utcMinutes + offset) % 1440) + 1440) % 1440);
        },
      ),
    );
  });
});

describe('active hours', () => {
  it('parses clocks', () => {
    expect(parseClock('5:00', 'to')).toBe(300);
    expect(parseClock('05:07', 'to')).toBe(307);
    expect(parseClock('24:00', 'to')).toBe(1440);
    expect(parseClock('always', 'to')).toBeNull();
    expect(parseClock('Always', 'to')).toBeNull();
    for (const bad of ['25:00', '5', '5:7', '12:60', 'noon', '', '24:01', '-1:00']) {
      expect(() => parseClock(bad, 'from')).toThrow(`from: "${bad}" is not a time`);
    }
  });

  it('handles always, plain ranges, ranges across midnight and equal ends', () => {
    expect(isWithinActiveHours({ from: 'always', to: 'always' }, 0)).toBe(true);
    expect(isWithinActiveHours({ from: 'always', to: '5:00' }, 900)).toBe(true);
    const early = { from: '00:00', to: '5:00' };
    expect(isWithinActiveHours(early, 0)).toBe(true);
    expect(isWithinActiveHours(early, 299)).toBe(true);
    expect(isWithinActiveHours(early, 300)).toBe(false);
    const night = { from: '22:00', to: '06:00' };
    expect(isWithinActiveHours(night, 23 * 60)).toBe(true);
    expect(isWithinActiveHours(night, 60)).toBe(true);
    expect(isWithinActiveHours(night, 12 * 60)).toBe(false);
    expect(isWithinActiveHours({ from: '9:00', to: '9:00' }, 3)).toBe(true);
    expect(isWithinActiveHours({ from: '9:00', to: '24:00' }, 1439)).toBe(true);
  });

  it('a range and its reverse split the day between them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        (a, b, t) => {
          fc.pre(a !== b);
          const forward = isWithinActiveHours({ from: hhmm(a), to: hhmm(b) }, t);
          const backward = isWithinActiveHours({ from: hhmm(b), to: hhmm(a) }, t);
          expect(forward).toBe(!backward);
        },
      ),
    );
  });
});
