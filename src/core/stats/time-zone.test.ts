import { describe, expect, it } from 'vitest';
import {
  assertTimeZone,
  formatLocalIso,
  intervalStart,
  parseIsoInZone,
  utcOffsetSeconds,
} from './time-zone.js';

describe('time zones', () => {
  it('reads ISO times without an offset in the zone, with one as absolute', () => {
    expect(parseIsoInZone('2026-01-01T09:00', 'Asia/Taipei')).toBe(Date.UTC(2026, 0, 1, 1) / 1000);
    expect(parseIsoInZone('2026-01-01', 'Asia/Taipei')).toBe(Date.UTC(2025, 11, 31, 16) / 1000);
    expect(parseIsoInZone('2026-01-01T09:00:00Z', 'Asia/Taipei')).toBe(
      Date.UTC(2026, 0, 1, 9) / 1000,
    );
    expect(parseIsoInZone('2026-01-01T09:00:00+02:00', 'UTC')).toBe(Date.UTC(2026, 0, 1, 7) / 1000);
    expect(() => parseIsoInZone('yesterday', 'UTC')).toThrow(RangeError);
  });

  it('handles DST: the repeated hour maps to its first occurrence, the gap moves forward', () => {
    // New York 2026-11-01 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(parseIsoInZone('2026-11-01T01:30', 'America/New_York')).toBe(
      Date.UTC(2026, 10, 1, 5, 30) / 1000,
    );
    // 2026-03-08 02:30 does not exist; read with the pre-gap offset (-5 h) it is 07:30Z = 03:30 EDT.
    expect(parseIsoInZone('2026-03-08T02:30', 'America/New_York')).toBe(
      Date.UTC(2026, 2, 8, 7, 30) / 1000,
    );
    expect(utcOffsetSeconds(Date.UTC(2026, 6, 1) / 1000, 'America/New_York')).toBe(-4 * 3600);
  });

  it('cuts intervals on local boundaries, also in half-hour zones', () => {
    const t = Date.UTC(2026, 0, 1, 4, 50) / 1000; // 10:20 in Kolkata (+05:30)
    expect(formatLocalIso(intervalStart(t, 30, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(
      '2026-01-01T10:00:00+05:30',
    );
    expect(formatLocalIso(intervalStart(t, 15, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(
      '2026-01-01T10:15:00+05:30',
    );
  });

  it('rejects unknown zones', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});
