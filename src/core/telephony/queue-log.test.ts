import { describe, expect, it } from 'vitest';
import { parseQueueLogLine } from './queue-log.js';
import type { TelephonyEvent } from './events.js';

function event(line: string): TelephonyEvent {
  const parsed = parseQueueLogLine(line);
  if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.reason}`);
  return parsed.event;
}

describe('parseQueueLogLine', () => {
  it('reads the common fields; NONE becomes null', () => {
    expect(event('1718002800|NONE|NONE|NONE|QUEUESTART|')).toEqual({
      time: 1718002800,
      callId: null,
      queue: null,
      agent: null,
      kind: 'QUEUESTART',
    });
  });

  it('reads CONNECT with and without ringtime (older versions): a missing field is null, not 0', () => {
    expect(
      event('1718160207|1718160200.173|support|PJSIP/362|CONNECT|7|1718160203.174'),
    ).toMatchObject({
      kind: 'CONNECT',
      holdTime: 7,
      bridgedChannel: '1718160203.174',
      ringTime: null,
    });
  });

  it('keeps member names with spaces and the optional caller name of ENTERQUEUE', () => {
    expect(
      event('1718160000|1718160000.171|support|NONE|ENTERQUEUE||5550100171|1|ACME Corp'),
    ).toMatchObject({
      callerId: '5550100171',
      position: 1,
      callerName: 'ACME Corp',
    });
    expect(event('1718160009|1718160000.171|support|Agent 17|CONNECT|9|x|4')).toMatchObject({
      agent: 'Agent 17',
    });
  });

  it('reads EXITWITHKEY key first and the old short form without waittime', () => {
    expect(event('1|c|q|NONE|EXITWITHKEY|1|1')).toMatchObject({
      key: '1',
      position: 1,
      origPosition: null,
      waitTime: null,
    });
    expect(event('1|c|q|NONE|EXITWITHKEY|5|2|1|45')).toMatchObject({
      key: '5',
      position: 2,
      origPosition: 1,
      waitTime: 45,
    });
  });

  it('reads ATTENDEDTRANSFER hold and call times from the end (BRIDGE has 1 method field, LINK 2)', () => {
    expect(event('1|c|q|A|ATTENDEDTRANSFER|BRIDGE|7c1e|5|100|1')).toMatchObject({
      holdTime: 5,
      callTime: 100,
      origPosition: 1,
    });
    expect(
      event('1|c|q|A|ATTENDEDTRANSFER|LINK|Local/2001@x;1|Local/2001@x;2|6|45|1'),
    ).toMatchObject({
      holdTime: 6,
      callTime: 45,
      target: 'LINK',
    });
  });

  it('reads BLINDTRANSFER extension@context, hold and call times', () => {
    expect(event('1|c|q|A|BLINDTRANSFER|2000|from-internal|10|50|1')).toMatchObject({
      target: '2000@from-internal',
      holdTime: 10,
      callTime: 50,
    });
  });

  it('reads RINGNOANSWER ringtime in milliseconds and ADDMEMBER|PAUSED', () => {
    expect(event('1|c|q|A|RINGNOANSWER|15000')).toMatchObject({
      kind: 'RINGNOANSWER',
      ringTimeMs: 15000,
    });
    expect(event('1|c|q|A|RINGNOANSWER|')).toMatchObject({ ringTimeMs: null });
    expect(event('1|MANAGER|q|A|ADDMEMBER|PAUSED')).toMatchObject({
      kind: 'ADDMEMBER',
      paused: true,
    });
    expect(event('1|MANAGER|q|A|ADDMEMBER|')).toMatchObject({ kind: 'ADDMEMBER', paused: false });
  });

  it('keeps informational and unknown verbs with their data', () => {
    expect(event('1|c|q|NONE|INFO|a|b|c|d|e|f')).toMatchObject({
      kind: 'INFORMATIONAL',
      verb: 'INFO',
      data: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
    expect(event('1|c|NONE|Agent/1127|OUTDIAL|881142')).toMatchObject({
      kind: 'UNKNOWN',
      verb: 'OUTDIAL',
      data: ['881142'],
    });
  });

  it('ignores a trailing CR', () => {
    expect(event('5|c|q|A|PAUSE|Lunch\r')).toMatchObject({ kind: 'PAUSE', reason: 'Lunch' });
  });

  it('names the field at fault', () => {
    expect(parseQueueLogLine('abc|c|q|A|PAUSE|x')).toMatchObject({ ok: false, field: 'time' });
    expect(parseQueueLogLine('1|c|q|A')).toMatchObject({ ok: false, field: 'line' });
    expect(parseQueueLogLine('1|c|q|A|pause')).toMatchObject({ ok: false, field: 'event' });
    expect(parseQueueLogLine('1|c|q|A|CONNECT|abc|x|1')).toEqual({
      ok: false,
      field: 'holdtime',
      reason: 'field holdtime of CONNECT is not a number: "abc"',
    });
  });
});
