import { describe, expect, it } from 'vitest';
import { spyOriginateAction, queuePauseAction, queueRemoveAction } from './actions.js';
import { AmiEventMapper } from './mapper.js';
import type { AmiPacket } from './packet.js';

/** Builds an event packet from key/value pairs. */
function ev(name: string, fields: Record<string, string | number>): AmiPacket {
  return {
    type: 'event',
    name,
    headers: [
      { key: 'Event', value: name },
      ...Object.entries(fields).map(([key, value]) => ({ key, value: String(value) })),
    ],
    body: [],
  };
}

describe('AmiEventMapper', () => {
  it('emits an exit by key for a leave with neither abandon nor connect, after the grace time', () => {
    const m = new AmiEventMapper();
    const join = m.map(
      ev('QueueCallerJoin', { Uniqueid: 'u1', Queue: 'q', Position: 2, Timestamp: 100 }),
      1000,
    );
    expect(join).toHaveLength(1);
    expect(
      m.map(
        ev('QueueCallerLeave', { Uniqueid: 'u1', Queue: 'q', Position: 1, Timestamp: 130 }),
        1000,
      ),
    ).toEqual([]);
    expect(m.flush(1001)).toEqual([]);
    expect(m.flush(1002)).toEqual([
      {
        kind: 'EXITWITHKEY',
        time: 130,
        callId: 'u1',
        queue: 'q',
        agent: null,
        key: null,
        position: 1,
        origPosition: 2,
        waitTime: null,
      },
    ]);
    expect(m.flush(1010)).toEqual([]);
  });

  it('a leave followed by a connect is not an exit', () => {
    const m = new AmiEventMapper();
    m.map(ev('QueueCallerJoin', { Uniqueid: 'u1', Queue: 'q', Position: 1 }), 1000);
    m.map(ev('QueueCallerLeave', { Uniqueid: 'u1', Queue: 'q' }), 1001);
    const connect = m.map(
      ev('AgentConnect', { Uniqueid: 'u1', Queue: 'q', MemberName: 'A', HoldTime: 1 }),
      1001,
    );
    expect(connect.map((e) => e.kind)).toEqual(['CONNECT']);
    expect(m.flush(2000)).toEqual([]);
  });

  it('pause state: a repeated status is silent, a new reason while paused is a PAUSE', () => {
    const m = new AmiEventMapper();
    const pause = (paused: number, reason: string, t: number) =>
      m.map(
        ev('QueueMemberPause', {
          Queue: 'q',
          MemberName: 'A',
          Paused: paused,
          PausedReason: reason,
        }),
        t,
      );
    expect(m.map(ev('QueueMemberAdded', { Queue: 'q', MemberName: 'A', Paused: 0 }), 1)).toEqual([
      { kind: 'ADDMEMBER', time: 1, callId: null, queue: 'q', agent: 'A', paused: false },
    ]);
    expect(pause(1, 'lunch', 2)).toEqual([
      { kind: 'PAUSE', time: 2, callId: null, queue: 'q', agent: 'A', reason: 'lunch' },
    ]);
    expect(pause(1, 'lunch', 3)).toEqual([]);
    expect(
      m.map(ev('QueueMemberStatus', { Queue: 'q', MemberName: 'A', Paused: 1, Status: 6 }), 4),
    ).toEqual([]);
    expect(pause(1, 'training', 5).map((e) => [e.kind, 'reason' in e ? e.reason : null])).toEqual([
      ['PAUSE', 'training'],
    ]);
    expect(pause(0, '', 6).map((e) => e.kind)).toEqual(['UNPAUSE']);
    expect(
      m.map(ev('QueueMemberRemoved', { Queue: 'q', MemberName: 'A' }), 7).map((e) => e.kind),
    ).toEqual(['REMOVEMEMBER']);
    expect(m.memberList()).toEqual([]);
  });

  it('ignores a hold outside a queue call, and a repeated hold', () => {
    const m = new AmiEventMapper();
    expect(m.map(ev('Hold', { Uniqueid: 'x' }), 1)).toEqual([]);
    m.map(ev('AgentConnect', { Uniqueid: 'c', Queue: 'q', MemberName: 'A', DestUniqueid: 'a' }), 2);
    expect(m.map(ev('Hold', { Uniqueid: 'c' }), 3).map((e) => e.kind)).toEqual(['HOLD']);
    expect(m.map(ev('Hold', { Uniqueid: 'a' }), 4)).toEqual([]);
    expect(m.map(ev('Unhold', { Uniqueid: 'a' }), 5)).toMatchObject([
      { kind: 'UNHOLD', callId: 'c', time: 5 },
    ]);
  });

  it('rebuild: ENTERQUEUE at now − Wait once; a live join is never suppressed', () => {
    const m = new AmiEventMapper();
    const snapshot = [
      ev('QueueParams', { Queue: 'q' }),
      ev('QueueMember', { Queue: 'q', Name: 'Agent/1', Paused: 1, PausedReason: 'break' }),
      ev('QueueEntry', {
        Queue: 'q',
        Uniqueid: 'u1',
        Position: 1,
        CallerIDNum: '555',
        CallerIDName: 'unknown',
        Wait: 12,
      }),
    ];
    expect(m.rebuild(snapshot, 1000)).toEqual([
      { kind: 'ADDMEMBER', time: 1000, callId: null, queue: 'q', agent: 'Agent/1', paused: true },
      { kind: 'PAUSE', time: 1000, callId: null, queue: 'q', agent: 'Agent/1', reason: 'break' },
      {
        kind: 'ENTERQUEUE',
        time: 988,
        callId: 'u1',
        queue: 'q',
        agent: null,
        url: null,
        callerId: '555',
        position: 1,
        callerName: null,
      },
    ]);
    expect(m.rebuild(snapshot, 1010)).toEqual([]);
    expect(m.waitingCalls()).toEqual([{ callId: 'u1', queue: 'q' }]);
    // The caller left while we were away: dropped without an invented outcome.
    expect(m.rebuild([ev('QueueParams', { Queue: 'q' }), snapshot[1] as AmiPacket], 1020)).toEqual(
      [],
    );
    expect(m.waitingCalls()).toEqual([]);
  });

  it('AgentComplete reason transfer → TRANSFER; unknown reason → COMPLETECALLER', () => {
    const m = new AmiEventMapper();
    const done = (reason: string) =>
      m.map(
        ev('AgentComplete', {
          Uniqueid: 'u',
          Queue: 'q',
          MemberName: 'A',
          HoldTime: 3,
          TalkTime: 9,
          Reason: reason,
        }),
        1,
      );
    expect(done('transfer')[0]).toMatchObject({
      kind: 'TRANSFER',
      holdTime: 3,
      callTime: 9,
      target: null,
    });
    expect(done('')[0]?.kind).toBe('COMPLETECALLER');
  });
});

describe('AMI action builders', () => {
  it('QueuePause / QueueRemove field order and validation', () => {
    expect(queuePauseAction('PJSIP/1', true, { reason: 'r' })).toEqual({
      action: 'QueuePause',
      fields: [
        ['Interface', 'PJSIP/1'],
        ['Paused', 'true'],
        ['Queue', undefined],
        ['Reason', 'r'],
      ],
    });
    expect(() => queueRemoveAction('', 'PJSIP/1')).toThrow('AMI field Queue must not be empty');
  });

  it('ChanSpy options per mode (q quiet, w whisper, B barge)', () => {
    const data = (mode: 'listen' | 'whisper' | 'barge') =>
      spyOriginateAction('PJSIP/2001', 'PJSIP/1001', mode).fields.find(([k]) => k === 'Data')?.[1];
    expect([data('listen'), data('whisper'), data('barge')]).toEqual([
      'PJSIP/1001,q',
      'PJSIP/1001,qw',
      'PJSIP/1001,qB',
    ]);
    expect(() => spyOriginateAction('PJSIP/2001', 'PJSIP/1001,B', 'listen')).toThrow(
      'must not contain',
    );
  });
});

describe('AmiEventMapper.interfaceOf (supervisor actions address members by interface)', () => {
  it('learns it from events and QueueStatus that name the member, the latest winning', () => {
    const mapper = new AmiEventMapper();
    expect(mapper.interfaceOf('Alice')).toBeNull();
    expect(mapper.interfaceOf('PJSIP/1003')).toBe('PJSIP/1003'); // already an interface
    mapper.map(
      ev('QueueMemberAdded', { Queue: 'support', MemberName: 'Alice', Interface: 'PJSIP/1001' }),
      1,
    );
    expect(mapper.interfaceOf('Alice')).toBe('PJSIP/1001');
    mapper.rebuild(
      [
        ev('QueueParams', { Queue: 'support' }),
        ev('QueueMember', { Queue: 'support', Name: 'Alice', Location: 'Local/1001@agents' }),
        ev('QueueMember', { Queue: 'support', Name: 'Bob', Location: 'PJSIP/1002' }),
      ],
      2,
    );
    expect(mapper.interfaceOf('Alice')).toBe('Local/1001@agents');
    expect(mapper.interfaceOf('Bob')).toBe('PJSIP/1002');
  });
});
