/**
 * Time-zone arithmetic for reports: intervals and days are cut in an IANA zone and labelled with
 * their UTC offset, so the repeated hour of a DST change stays two buckets (kpi.md "Time").
 * Durations never come from here: they come from epoch seconds.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Checks an IANA zone name.
 * @throws RangeError naming the zone when it is not a known IANA time zone
 */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(
      `unknown time zone "${timeZone}" (expected an IANA name such as Asia/Taipei)`,
    );
  }
}

/** Wall-clock fields of an instant in a zone. */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The local wall-clock fields of `epochSeconds` (whole seconds) in `timeZone`. */
export function localFields(epochSeconds: number, timeZone: string): LocalFields {
  const parts = formatter(timeZone).formatToParts(new Date(Math.floor(epochSeconds) * 1000));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const offsetCache = new Map<string, Map<number, number>>();

/**
 * UTC offset of `timeZone` at `epochSeconds`, in seconds (e.g. +28800 for Asia/Taipei).
 * Cached per 15-minute block: every real zone changes offset on a 15-minute boundary.
 */
export function utcOffsetSeconds(epochSeconds: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const block = Math.floor(epochSeconds / 900);
  let offset = cache.get(block);
  if (offset === undefined) {
    const t = block * 900;
    const f = localFields(t, timeZone);
    offset = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) / 1000 - t;
    if (cache.size > 100_000) cache.clear();
    cache.set(block, offset);
  }
  return offset;
}

/**
 * Start (epoch s) of the `minutes`-long interval holding `epochSeconds`, cut on local wall-clock
 * boundaries of `timeZone`.
 */
export function intervalStart(epochSeconds: number, minutes: number, timeZone: string): number {
  const offset = utcOffsetSeconds(epochSeconds, timeZone);
  const local = Math.floor(epochSeconds) + offset;
  const size = minutes * 60;
  return local - (((local % size) + size) % size) - offset;
}

/** Start (epoch s) of the local day holding `epochSeconds` in `timeZone`. */
export function dayStart(epochSeconds: number, timeZone: string): number {
  return intervalStart(epochSeconds, 24 * 60, timeZone);
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** ISO 8601 local time with its offset, e.g. `2026-01-01T09:00:00+08:00`. */
export function formatLocalIso(epochSeconds: number, timeZone: string): string {
  const offset = utcOffsetSeconds(epochSeconds, timeZone);
  const d = new Date((Math.floor(epochSeconds) + offset) * 1000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`
  );
}

/**
 * Epoch seconds of a local wall-clock time in `timeZone`. In a DST gap the later offset is used;
 * in a repeated hour, the first occurrence.
 */
export function fromLocal(fields: LocalFields, timeZone: string): number {
  const asUtc = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  const guess = asUtc / 1000;
  const offsets = new Set([
    utcOffsetSeconds(guess - 86_400, timeZone),
    utcOffsetSeconds(guess, timeZone),
    utcOffsetSeconds(guess + 86_400, timeZone),
  ]);
  const valid = [...offsets]
    .map((o) => guess - o)
    .filter((c) => utcOffsetSeconds(c, timeZone) === guess - c)
    .sort((a, b) => a - b);
  // No valid instant: the time falls in a DST gap; the pre-gap offset lands after the gap.
  return valid[0] ?? guess - utcOffsetSeconds(guess - 86_400, timeZone);
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const OFFSET_PATTERN = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses an ISO 8601 date or date-time. One with an offset (`Z`, `+08:00`) is absolute; one
 * without is read as wall-clock time in `timeZone` (kpi.md "Time").
 * @returns epoch seconds
 * @throws RangeError when the text is not an ISO date or date-time
 */
export function parseIsoInZone(text: string, timeZone: string): number {
  const trimmed = text.trim();
  if (OFFSET_PATTERN.test(trimmed) && /^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isNaN(ms)) throw new RangeError(`not an ISO date-time: "${text}"`);
    return ms / 1000;
  }
  const m = LOCAL_PATTERN.exec(trimmed);
  if (m === null) {
    throw new RangeError(
      `not an ISO date or date-time: "${text}" (e.g. 2026-01-05 or 2026-01-05T09:00)`,
    );
  }
  const fields: LocalFields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  if (
    fields.month < 1 ||
    fields.month > 12 ||
    fields.day < 1 ||
    fields.day > 31 ||
    fields.hour > 23
  ) {
    throw new RangeError(`not a valid date-time: "${text}"`);
  }
  return fromLocal(fields, timeZone);
}
