import { describe, expect, it } from 'vitest';
import { EslPacketParser, parseCallcenterTable, parseEventPlain, type EslEvent } from './esl.js';
import { CallcenterMapper } from './mapper.js';

const enc = new TextEncoder();

function cc(action: string, fields: Record<string, string | number>): EslEvent {
  return {
    headers: new Map<string, string>([
      ['Event-Name', 'CUSTOM'],
      ['Event-Subclass', 'callcenter::info'],
      ['CC-Action', action],
      ['CC-Queue', 'q@default'],
      ...Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
    ]),
    body: '',
  };
}

describe('EslPacketParser', () => {
  it('splits packets by Content-Length in bytes, across arbitrary chunks', () => {
    const body = 'Event-Name: CUSTOM\nCC-Member-CID-Name: %E5%BC%B5%E4%B8%89\n\n';
    const api = '張三|ok\n+OK\n';
    const wire =
      'Content-Type: auth/request\n\n' +
      `Content-Length: ${enc.encode(body).length}\nContent-Type: text/event-plain\n\n${body}` +
      `Content-Type: api/response\nContent-Length: ${enc.encode(api).length}\n\n${api}`;
    const bytes = enc.encode(wire);
    for (const step of [1, 3, 7, bytes.length]) {
      const parser = new EslPacketParser();
      const packets = [];
      for (let i = 0; i < bytes.length; i += step) {
        packets.push(...parser.push(bytes.subarray(i, i + step)));
      }
      expect(packets.map((p) => p.headers.get('Content-Type'))).toEqual([
        'auth/request',
        'text/event-plain',
        'api/response',
      ]);
      expect(packets[2]?.body).toBe(api);
      expect(parseEventPlain(packets[1]?.body ?? '').headers.get('CC-Member-CID-Name')).toBe(
        '張三',
      );
    }
  });

  it('parseCallcenterTable reads rows by header and refuses -ERR', () => {
    expect(parseCallcenterTable('queue|agent|state\nq|a|Ready\n+OK\n')).toEqual([
      { queue: 'q', agent: 'a', state: 'Ready' },
    ]);
    expect(() => parseCallcenterTable('-ERR Invalid Queue not found!\n')).toThrow(
      'callcenter_config: -ERR',
    );
  });
});

describe('CallcenterMapper', () => {
  const end = (reason: string) =>
    new CallcenterMapper().map(
      cc('member-queue-end', {
        'CC-Cause': 'Cancel',
        'CC-Cancel-Reason': reason,
        'CC-Member-Session-UUID': 'm',
        'CC-Member-Joined-Time': 100,
        'CC-Member-Leaving-Time': 130,
        variable_cc_exit_key: '5',
      }),
      200,
    )[0];

  it('maps each cancel reason of member-queue-end with the wait time', () => {
    expect(end('BREAK_OUT')).toMatchObject({ kind: 'ABANDON', waitTime: 30, key: null, time: 200 });
    expect(end('NONE')?.kind).toBe('ABANDON');
    expect(end('TIMEOUT')?.kind).toBe('EXITWITHTIMEOUT');
    expect(end('NO_AGENT_TIMEOUT')?.kind).toBe('EXITEMPTY');
    expect(end('EXIT_WITH_KEY')).toMatchObject({ kind: 'EXITWITHKEY', key: '5', waitTime: 30 });
  });

  it('a ring cancelled because another agent answered is RINGCANCELED, not a no-answer', () => {
    const m = new CallcenterMapper();
    const fail = (cause: string) =>
      m.map(
        cc('bridge-agent-fail', {
          'CC-Hangup-Cause': cause,
          'CC-Agent': 'a',
          'CC-Member-Session-UUID': 'm',
          'CC-Agent-Called-Time': 10,
          'CC-Agent-Aborted-Time': 14,
        }),
        20,
      )[0];
    expect(fail('ORIGINATOR_CANCEL')).toMatchObject({ kind: 'RINGCANCELED', ringTimeMs: 4000 });
    expect(fail('USER_BUSY')).toMatchObject({ kind: 'RINGNOANSWER', ringTimeMs: 4000 });
  });

  it('agent status without known tiers gives queue-less events; unknown statuses are ignored', () => {
    const m = new CallcenterMapper();
    const status = (s: string) =>
      m.map(cc('agent-status-change', { 'CC-Agent': 'a', 'CC-Agent-Status': s }), 5);
    expect(status('Available')).toEqual([
      { kind: 'ADDMEMBER', time: 5, callId: null, queue: null, agent: 'a', paused: false },
    ]);
    expect(status('On Break')).toEqual([
      { kind: 'PAUSE', time: 5, callId: null, queue: null, agent: 'a', reason: 'On Break' },
    ]);
    expect(status('Dancing')).toEqual([]);
    expect(status('Logged Out').map((e) => e.kind)).toEqual(['REMOVEMEMBER']);
    // Once tiers are known, the queue-less membership gives way to per-queue ones.
    status('Available');
    expect(
      m
        .rebuild([{ queue: 'q1', agent: 'a' }], [{ name: 'a', status: 'Available' }], [], 9)
        .map((e) => `${e.kind} ${e.queue}`),
    ).toEqual(['REMOVEMEMBER null', 'ADDMEMBER q1']);
    // Events from other subclasses are not ours.
    expect(m.map({ headers: new Map([['Event-Name', 'HEARTBEAT']]), body: '' }, 1)).toEqual([]);
  });
});
