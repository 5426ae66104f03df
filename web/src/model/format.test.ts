import { describe, expect, it } from 'vitest';
import {
  addDays,
  elapsedSeconds,
  formatClock,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatSeconds,
  isValidTimeZone,
  localDate,
} from './format.js';

describe('formatDuration', () => {
  it('shows m:ss under an hour and h:mm:ss from an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(599)).toBe('9:59');
    expect(formatDuration(600)).toBe('10:00');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(90061)).toBe('25:01:01');
  });
  it('truncates fractions and clamps negatives and non-finite values to 0:00', () => {
    expect(formatDuration(59.99)).toBe('0:59');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('elapsedSeconds', () => {
  it('counts whole seconds, so a 10-minute pause reaches 600 exactly at 10:00', () => {
    const since = Date.UTC(2026, 0, 1, 9, 0, 0);
    expect(elapsedSeconds(since, since + 599_999)).toBe(599);
    expect(elapsedSeconds(since, since + 600_000)).toBe(600);
    expect(elapsedSeconds(since, since - 2000)).toBe(0);
  });
});

describe('formatPercent and formatSeconds', () => {
  it('formats fractions as percent and null as a dash', () => {
    expect(formatPercent(0.8333)).toBe('83%');
    expect(formatPercent(0.0456, 1)).toBe('4.6%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });
  it('rounds seconds to a clock', () => {
    expect(formatSeconds(12.6)).toBe('0:13');
    expect(formatSeconds(null)).toBe('—');
  });
});

describe('time zones', () => {
  const instant = Date.UTC(2026, 0, 1, 16, 30, 5); // 2026-01-01 16:30:05Z
  it('formats a clock in the chosen zone', () => {
    expect(formatClock(instant, 'Asia/Taipei', 'en')).toBe('00:30:05');
    expect(formatClock(instant, 'UTC', 'en', false)).toBe('16:30');
    expect(formatClock(instant, 'America/New_York', 'zh-TW')).toBe('11:30:05');
  });
  it('formats date and 24-hour time the same in every language (audit page: no AM/PM)', () => {
    for (const locale of ['en', 'en-US', 'zh-TW', 'zh-CN']) {
      expect(formatDateTime(instant, 'UTC', locale)).toBe('2026-01-01 16:30:05');
      expect(formatDateTime(instant, 'Asia/Taipei', locale)).toBe('2026-01-02 00:30:05');
      expect(formatDateTime(instant, 'America/New_York', locale, false)).toBe('2026-01-01 11:30');
    }
  });
  it('gives the local calendar date', () => {
    expect(localDate(instant, 'Asia/Taipei')).toBe('2026-01-02');
    expect(localDate(instant, 'UTC')).toBe('2026-01-01');
  });
  it('adds days across month and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(() => addDays('2026/01/01', 1)).toThrow(/YYYY-MM-DD/);
  });
  it('knows valid IANA zones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
