/**
 * Asterisk `queue_log` → canonical {@link TelephonyEvent}.
 *
 * Format (docs.asterisk.org "Queue Logs", app_queue.c): `epoch|callid|queue|agent|EVENT|data1|data2|…`.
 * Field counts vary across versions and options (kpi.md "Field counts vary"): this parser takes the
 * fields present, leaves a missing one `null`, and never shifts fields. Older Asterisk versions write
 * all data in one `|`-joined field, which reads the same as separate fields.
 */
import {
  INFORMATIONAL_VERBS,
  type CallEndEvent,
  type ExitEvent,
  type TelephonyEvent,
} from './events.js';

/** A line or row that could not be turned into an event, with the field at fault. */
export interface ParseFailure {
  readonly ok: false;
  /** Field at fault (`time`, `event`, `holdtime`, …), or `line` for the whole line. */
  readonly field: string;
  /** Human-readable reason, e.g. `field holdtime of CONNECT is not a number: "x"`. */
  readonly reason: string;
}

export interface ParseSuccess {
  readonly ok: true;
  readonly event: TelephonyEvent;
}

export type ParseResult = ParseSuccess | ParseFailure;

function nullIfNone(value: string): string | null {
  return value === 'NONE' || value === '' ? null : value;
}

function fail(field: string, reason: string): ParseFailure {
  return { ok: false, field, reason };
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Read access to a record's data fields: an array (pre-split rows), positions in a raw line so
 * that the hot path creates no substring for fields it only reads as numbers, or a row of a
 * byte-parsed column batch (queue-log-bytes.ts).
 */
export interface DataFields {
  readonly length: number;
  /** The raw text of field `index`, or undefined past the end. */
  text(index: number): string | undefined;
  /** Field `index` as a number; empty or absent → null. @throws FieldError when not a number */
  num(index: number, field: string, verb: string): number | null;
  /** All fields as strings. */
  all(): string[];
}

function parseNumber(raw: string, field: string, verb: string): number | null {
  // Number() ignores surrounding white space and gives 0 for a blank string.
  const value = Number(raw);
  if (value === 0 && raw.trim() === '') return null;
  if (!Number.isFinite(value)) {
    throw new FieldError(field, `field ${field} of ${verb} is not a number: "${raw}"`);
  }
  return value;
}

class ArrayFields implements DataFields {
  constructor(private readonly data: readonly string[]) {}
  get length(): number {
    return this.data.length;
  }
  text(index: number): string | undefined {
    return this.data[index];
  }
  num(index: number, field: string, verb: string): number | null {
    const raw = this.data[index];
    return raw === undefined || raw.length === 0 ? null : parseNumber(raw, field, verb);
  }
  all(): string[] {
    return [...this.data];
  }
}

/** Fields of a raw line: `starts[i]`..`ends[i]` in `line`. Reused across lines (single-threaded). */
class LineFields implements DataFields {
  line = '';
  length = 0;
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  /**
   * Splits `line` from `from` to `end` on `|` into positions; `from` −1 means no data fields.
   * `line` may hold more text after `end` (a batch of lines).
   */
  reset(line: string, from: number, end: number): void {
    this.line = line;
    this.length = 0;
    if (from < 0) return;
    let n = 0;
    let start = from;
    for (;;) {
      let bar = line.indexOf('|', start);
      if (bar >= end) bar = -1;
      this.starts[n] = start;
      this.ends[n] = bar < 0 ? end : bar;
      n++;
      if (bar < 0) break;
      start = bar + 1;
    }
    this.length = n;
  }

  text(index: number): string | undefined {
    return index < this.length ? this.line.slice(this.starts[index], this.ends[index]) : undefined;
  }

  num(index: number, field: string, verb: string): number | null {
    if (index >= this.length) return null;
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    if (start === end) return null;
    // Fast path: plain digits, as Asterisk writes them.
    let value = 0;
    for (let i = start; i < end; i++) {
      const c = this.line.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return parseNumber(this.line.slice(start, end), field, verb);
      value = value * 10 + c;
    }
    return value;
  }

  all(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.line.slice(this.starts[i], this.ends[i]));
    return out;
  }
}

const lineFields = new LineFields();

function num(data: DataFields, index: number, field: string, verb: string): number | null {
  return data.num(index, field, verb);
}

function str(data: DataFields, index: number): string | null {
  const raw = data.text(index);
  return raw === undefined || raw === '' ? null : raw;
}

/**
 * Builds the canonical event from a queue_log record's fields (already split).
 *
 * @param time epoch seconds
 * @param callId raw callid field (`NONE` → null)
 * @param queue raw queue field (`NONE` → null)
 * @param agent raw agent field (`NONE` → null)
 * @param verb the EVENT field
 * @param data the data fields in order (`data1`, `data2`, …)
 * @returns the event, or a failure naming the field at fault. Never throws.
 */
export function queueLogEvent(
  time: number,
  callId: string,
  queue: string,
  agent: string,
  verb: string,
  data: readonly string[],
): ParseResult {
  return queueLogEventFromFields(
    time,
    nullIfNone(callId),
    nullIfNone(queue),
    nullIfNone(agent),
    verb,
    new ArrayFields(data),
  );
}

/**
 * Builds the canonical event from a record's base fields (already `NONE` → null) and its data
 * fields: the one event builder behind every queue_log parser.
 * @returns the event, or a failure naming the field at fault. Never throws for a bad field.
 */
export function queueLogEventFromFields(
  time: number,
  callId: string | null,
  queue: string | null,
  agent: string | null,
  verb: string,
  data: DataFields,
): ParseResult {
  try {
    return { ok: true, event: buildEvent(time, callId, queue, agent, verb, data) };
  } catch (error) {
    if (error instanceof FieldError) return fail(error.field, error.message);
    throw error;
  }
}

// The four base fields are passed one by one: no intermediate object per line (the hot path).
function buildEvent(
  time: number,
  callId: string | null,
  queue: string | null,
  agent: string | null,
  verb: string,
  data: DataFields,
): TelephonyEvent {
  switch (verb) {
    case 'QUEUESTART':
    case 'CONFIGRELOAD':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
      };
    case 'ADDMEMBER':
    case 'AGENTLOGIN':
    case 'AGENTCALLBACKLOGIN':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        paused: (data.text(0) ?? '').trim().toUpperCase() === 'PAUSED',
      };
    case 'REMOVEMEMBER':
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
      };
    case 'PAUSE':
    case 'UNPAUSE':
    case 'PAUSEALL':
    case 'UNPAUSEALL':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        reason: data.text(0) ?? '',
      };
    case 'ENTERQUEUE':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        url: str(data, 0),
        callerId: str(data, 1),
        position: num(data, 2, 'position', verb),
        callerName: str(data, 3),
      };
    case 'RINGNOANSWER':
    case 'RINGCANCELED':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        ringTimeMs: num(data, 0, 'ringtime', verb),
      };
    case 'AGENTDUMP':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
      };
    case 'CONNECT':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        holdTime: num(data, 0, 'holdtime', verb),
        bridgedChannel: str(data, 1),
        ringTime: num(data, 2, 'ringtime', verb),
      };
    case 'ABANDON':
    case 'EXITWITHTIMEOUT':
    case 'EXITEMPTY':
      return exitEvent(time, callId, queue, agent, verb, null, data, 0);
    case 'EXITWITHKEY':
      return exitEvent(time, callId, queue, agent, verb, str(data, 0), data, 1);
    case 'COMPLETEAGENT':
    case 'COMPLETECALLER':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        holdTime: num(data, 0, 'holdtime', verb),
        callTime: num(data, 1, 'calltime', verb),
        origPosition: num(data, 2, 'origposition', verb),
        target: null,
      };
    case 'TRANSFER':
    case 'BLINDTRANSFER':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
        target: transferTarget(data),
        holdTime: num(data, 2, 'holdtime', verb),
        callTime: num(data, 3, 'calltime', verb),
        origPosition: num(data, 4, 'origposition', verb),
      };
    case 'ATTENDEDTRANSFER':
      return attendedTransfer(time, callId, queue, agent, data);
    case 'JOINEMPTY':
    case 'JOINUNAVAIL':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
      };
    case 'HOLD':
    case 'UNHOLD':
    case 'RINGSTART':
      return {
        time,
        callId,
        queue,
        agent,
        kind: verb,
      };
    default:
      return INFORMATIONAL_VERBS.has(verb)
        ? {
            time,
            callId,
            queue,
            agent,
            kind: 'INFORMATIONAL',
            verb,
            data: data.all(),
          }
        : {
            time,
            callId,
            queue,
            agent,
            kind: 'UNKNOWN',
            verb,
            data: data.all(),
          };
  }
}

function exitEvent(
  time: number,
  callId: string | null,
  queue: string | null,
  agent: string | null,
  kind: ExitEvent['kind'],
  key: string | null,
  data: DataFields,
  offset: number,
): ExitEvent {
  return {
    time,
    callId,
    queue,
    agent,
    kind,
    key,
    position: num(data, offset, 'position', kind),
    origPosition: num(data, offset + 1, 'origposition', kind),
    waitTime: num(data, offset + 2, 'waittime', kind),
  };
}

function transferTarget(data: DataFields): string | null {
  const extension = str(data, 0);
  const context = str(data, 1);
  if (extension === null) return null;
  return context === null ? extension : `${extension}@${context}`;
}

/**
 * ATTENDEDTRANSFER writes `method|method data…|holdtime|calltime|origposition`: BRIDGE and APP carry
 * one method-data field, LINK two, so hold and call times are read from the end (3rd- and
 * 2nd-to-last), never at fixed positions (app_queue.c log_attended_transfer()).
 */
function attendedTransfer(
  time: number,
  callId: string | null,
  queue: string | null,
  agent: string | null,
  data: DataFields,
): CallEndEvent {
  const verb = 'ATTENDEDTRANSFER';
  const n = data.length;
  const hasTail = n >= 4;
  return {
    time,
    callId,
    queue,
    agent,
    kind: verb,
    target: str(data, 0),
    holdTime: hasTail ? num(data, n - 3, 'holdtime', verb) : null,
    callTime: hasTail ? num(data, n - 2, 'calltime', verb) : null,
    origPosition: hasTail ? num(data, n - 1, 'origposition', verb) : null,
  };
}

const VERB_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const KNOWN_VERBS: ReadonlySet<string> = new Set([
  'QUEUESTART',
  'CONFIGRELOAD',
  'ADDMEMBER',
  'AGENTLOGIN',
  'AGENTCALLBACKLOGIN',
  'REMOVEMEMBER',
  'AGENTLOGOFF',
  'AGENTCALLBACKLOGOFF',
  'PAUSE',
  'UNPAUSE',
  'PAUSEALL',
  'UNPAUSEALL',
  'ENTERQUEUE',
  'RINGNOANSWER',
  'RINGCANCELED',
  'AGENTDUMP',
  'CONNECT',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITWITHKEY',
  'EXITEMPTY',
  'COMPLETEAGENT',
  'COMPLETECALLER',
  'TRANSFER',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
  'JOINEMPTY',
  'JOINUNAVAIL',
  'HOLD',
  'UNHOLD',
  'RINGSTART',
]);

/**
 * Parses an epoch-seconds field: digits with an optional fraction.
 * @returns the number, or `null` when the text is not an epoch.
 */
export function parseEpochSeconds(text: string): number | null {
  if (text.length === 0 || text.length > 20) return null;
  let value = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  if (i === 0) return null;
  if (i === text.length) return value;
  if (text.charCodeAt(i) !== 46 /* . */) return null;
  const fraction = Number(text);
  return Number.isFinite(fraction) ? fraction : null;
}

const FIELD_COUNT_REASON =
  'expected at least 5 |-separated fields (epoch|callid|queue|agent|event)';

/**
 * A raw line's head: the positions of its first five `|` relative to the line's start (`p5` is −1
 * when there are no data fields), its time (epoch s) and its verb.
 */
export interface QueueLogHead {
  p1: number;
  p2: number;
  p3: number;
  p4: number;
  p5: number;
  time: number;
  verb: string;
}

/** The head read last (reused: single-threaded). */
const head: QueueLogHead = { p1: 0, p2: 0, p3: 0, p4: 0, p5: 0, time: 0, verb: '' };

/**
 * Reads a line's time and verb into {@link head} and checks the line's shape.
 * @returns null when fine, else the failure naming the field
 */
function readHead(text: string): ParseFailure | null {
  const p1 = text.indexOf('|');
  const p2 = p1 < 0 ? -1 : text.indexOf('|', p1 + 1);
  const p3 = p2 < 0 ? -1 : text.indexOf('|', p2 + 1);
  const p4 = p3 < 0 ? -1 : text.indexOf('|', p3 + 1);
  if (p4 < 0) return fail('line', FIELD_COUNT_REASON);
  const time = epochPrefix(text, p1);
  if (time === null) return fail('time', `field time is not an epoch: "${text.slice(0, p1)}"`);
  const p5 = text.indexOf('|', p4 + 1);
  const verb = p5 < 0 ? text.slice(p4 + 1) : text.slice(p4 + 1, p5);
  if (!KNOWN_VERBS.has(verb) && !VERB_PATTERN.test(verb)) {
    return fail('event', `field event is not a verb: "${verb}"`);
  }
  head.p1 = p1;
  head.p2 = p2;
  head.p3 = p3;
  head.p4 = p4;
  head.p5 = p5;
  head.time = time;
  head.verb = verb;
  return null;
}

/**
 * Parses one raw `queue_log` line (no line terminator; a trailing `\r` is ignored).
 *
 * @returns the event, or a failure naming the field (`line`, `time`, `event`, or a data field).
 * Never throws.
 */
export function parseQueueLogLine(line: string): ParseResult {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const failure = readHead(text);
  if (failure !== null) return failure;
  return parseWithHead(text, 0, text.length, head);
}

/**
 * Reads a raw line's head ({@link QueueLogHead}) and checks the line's shape, as
 * {@link parseQueueLogLine} does first (a trailing `\r` is ignored).
 * @returns the head — one object reused by every call, valid until the next — or the failure
 */
export function readQueueLogHead(line: string): QueueLogHead | ParseFailure {
  return readHead(line.endsWith('\r') ? line.slice(0, -1) : line) ?? head;
}

/**
 * Parses a raw line found in `text` from `start` to `end` whose head was read already
 * ({@link readQueueLogHead}; positions relative to `start`, any trailing `\r` excluded from `end`):
 * the same result as {@link parseQueueLogLine} on that line, without reading the head again.
 * Never throws.
 */
export function parseQueueLogLineAt(
  text: string,
  start: number,
  end: number,
  lineHead: QueueLogHead,
): ParseResult {
  return parseWithHead(text, start, end, lineHead);
}

function parseWithHead(text: string, start: number, end: number, h: QueueLogHead): ParseResult {
  const p1 = start + h.p1;
  const p2 = start + h.p2;
  const p3 = start + h.p3;
  const p4 = start + h.p4;
  lineFields.reset(text, h.p5 < 0 ? -1 : start + h.p5 + 1, end);
  return queueLogEventFromFields(
    h.time,
    nullIfNone(text.slice(p1 + 1, p2)),
    nullIfNone(text.slice(p2 + 1, p3)),
    nullIfNone(text.slice(p3 + 1, p4)),
    h.verb,
    lineFields,
  );
}

/**
 * Verbs with a number, for passing a head between threads: {@link verbCode} gives 1 + the index
 * here, 0 for any other verb.
 */
export const VERB_CODES: readonly string[] = [...KNOWN_VERBS, ...INFORMATIONAL_VERBS];
const CODE_OF_VERB: ReadonlyMap<string, number> = new Map(VERB_CODES.map((v, i) => [v, i + 1]));

/** The number of a verb in {@link VERB_CODES} (1-based), or 0 when it has none. */
export function verbCode(verb: string): number {
  return CODE_OF_VERB.get(verb) ?? 0;
}

/** What ordering a line needs before it is fully parsed: its time and verb. */
export type QueueLogHeader =
  { readonly ok: true; readonly time: number; readonly verb: string } | ParseFailure;

/**
 * Reads only the time and verb of a raw queue_log line and checks the line's shape (at least five
 * fields, an epoch, a verb). Cheap: for putting lines in order before {@link parseQueueLogLine}.
 */
export function parseQueueLogHeader(line: string): QueueLogHeader {
  const failure = readHead(line.endsWith('\r') ? line.slice(0, -1) : line);
  return failure ?? { ok: true, time: head.time, verb: head.verb };
}

/** Whole-second epochs (the common case) straight from the line; else {@link parseEpochSeconds}. */
function epochPrefix(text: string, end: number): number | null {
  if (end === 0 || end > 20) return null;
  let value = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return parseEpochSeconds(text.slice(0, end));
    value = value * 10 + c;
  }
  return value;
}
