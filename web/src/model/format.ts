/**
 * Display formatting for the floor, wallboard and reports. Pure functions; locale-aware parts
 * take the language and IANA time zone explicitly.
 */

/**
 * Formats a duration as a clock: `m:ss` under an hour, `h:mm:ss` from an hour on.
 * @param seconds duration in seconds; negative or non-finite values show as `0:00`,
 *   fractions are truncated
 * @returns e.g. `0:07`, `10:00`, `1:02:03`
 */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Whole seconds elapsed from `sinceMs` to `nowMs` (both epoch ms), never negative.
 * A state that began at 09:00:00.000 has lasted 600 s at 09:10:00.000 exactly (R12: "at 10:00").
 */
export function elapsedSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
}

/**
 * Formats a ratio in [0, 1] as a percentage.
 * @param ratio fraction, or `null` when undefined (kpi.md: nothing to average)
 * @param digits decimals (default 0)
 * @returns e.g. `83%`; `—` for `null`
 */
export function formatPercent(ratio: number | null | undefined, digits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/**
 * Formats seconds that may be unknown (`null`) as a duration clock.
 * @returns `—` for `null`, else {@link formatDuration}
 */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  return formatDuration(Math.round(seconds));
}

/**
 * Formats an instant as a 24-hour clock time in a time zone.
 * @param epochMs instant, epoch ms
 * @param timeZone IANA zone, e.g. `Asia/Taipei`
 * @param locale BCP 47 language tag
 * @param withSeconds include seconds (default true)
 */
export function formatClock(
  epochMs: number,
  timeZone: string,
  locale: string,
  withSeconds = true,
): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).format(new Date(epochMs));
}

/**
 * Formats an instant as its calendar date and 24-hour clock time in a time zone, the way the UI
 * shows times everywhere: `YYYY-MM-DD HH:MM:SS` ({@link localDate} and {@link formatClock}), the
 * same in every language (no AM/PM).
 * @param epochMs instant, epoch ms
 * @param timeZone IANA zone
 * @param locale BCP 47 language tag
 * @param withSeconds include seconds (default true)
 * @returns e.g. `2026-03-05 14:07:09`
 */
export function formatDateTime(
  epochMs: number,
  timeZone: string,
  locale: string,
  withSeconds = true,
): string {
  return `${localDate(epochMs, timeZone)} ${formatClock(epochMs, timeZone, locale, withSeconds)}`;
}

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in a time zone.
 * @param epochMs instant, epoch ms
 * @param timeZone IANA zone
 */
export function localDate(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * Adds days to a `YYYY-MM-DD` calendar date (no time zone involved).
 * @throws Error when `date` is not `YYYY-MM-DD`
 */
export function addDays(date: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`addDays: date must be YYYY-MM-DD, got "${date}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

/** True when the runtime knows the IANA time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
