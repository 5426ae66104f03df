import { describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '../telephony/queue-log.js';
import { alertLocale, alertMessage } from './alert-message.js';
import {
  diffAlerts,
  evaluateAlerts,
  withinOpeningHours,
  type AlertInput,
  type FloorAlert,
} from './alerts.js';
import { FloorState } from './floor-state.js';

const T = 1767225600;
const ms = (offset: number): number => (T + offset) * 1000;

function floorWith(lines: readonly [number, string][]): FloorState {
  const floor = new FloorState();
  for (const [offset, rest] of lines) {
    const parsed = parseQueueLogLine(`${T + offset}|${rest}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    floor.apply(parsed.event);
  }
  return floor;
}

/** PJSIP/1 paused (Break) at T+100 in sales; PJSIP/2 available. */
const pausedFloor = (reason = 'Break'): FloorState =>
  floorWith([
    [0, 'MANAGER|sales|PJSIP/1|ADDMEMBER|'],
    [0, 'MANAGER|sales|PJSIP/2|ADDMEMBER|'],
    [100, `NONE|sales|PJSIP/1|PAUSE|${reason}`],
  ]);

describe('R12 absence.unapproved', () => {
  it('fires at 10:00 of pause, not at 9:59', () => {
    const floor = pausedFloor();
    expect(evaluateAlerts(floor.view(ms(100 + 599)), ms(100 + 599))).toEqual([]);
    // One millisecond before 10:00 is still 9:59.999.
    expect(evaluateAlerts(floor.view(ms(700) - 1), ms(700) - 1)).toEqual([]);
    const alerts = evaluateAlerts(floor.view(ms(100 + 600)), ms(100 + 600));
    expect(alerts).toEqual([
      {
        id: `absence.unapproved:PJSIP/1:${ms(700)}`,
        norm: 'R12',
        rule: 'absence.unapproved',
        severity: 'warning',
        agent: 'PJSIP/1',
        queue: null,
        since: ms(700),
        params: {
          agent: 'PJSIP/1',
          reason: 'Break',
          minutes: 10,
          thresholdSeconds: 600,
          pausedSince: ms(100),
        },
      },
    ]);
  });

  it('honours a configured threshold (300 s) and a per-reason allowance (Lunch 1800 s)', () => {
    const settings = { absenceThresholdSeconds: 300, absenceByReason: { Lunch: 1800 } };
    const breakFloor = pausedFloor('Break');
    expect(evaluateAlerts(breakFloor.view(ms(399)), ms(399), settings)).toEqual([]);
    expect(evaluateAlerts(breakFloor.view(ms(400)), ms(400), settings)[0]?.rule).toBe(
      'absence.unapproved',
    );
    const lunch = pausedFloor('Lunch');
    expect(evaluateAlerts(lunch.view(ms(1899)), ms(1899), settings)).toEqual([]);
    const [alert] = evaluateAlerts(lunch.view(ms(1900)), ms(1900), settings);
    expect([alert?.rule, alert?.since, alert?.params.minutes]).toEqual([
      'absence.reason_allowance',
      ms(1900),
      30,
    ]);
  });

  it('a pause taken during a call is timed from the call end', () => {
    const floor = floorWith([
      [0, 'MANAGER|sales|PJSIP/1|ADDMEMBER|'],
      [10, 'c1|sales|PJSIP/1|CONNECT|2|b|1'],
      [20, 'NONE|sales|PJSIP/1|PAUSE|Break'],
      [700, 'c1|sales|PJSIP/1|COMPLETEAGENT|2|690|1'],
    ]);
    expect(evaluateAlerts(floor.view(ms(1299)), ms(1299))).toEqual([]);
    expect(evaluateAlerts(floor.view(ms(1300)), ms(1300))[0]?.since).toBe(ms(1300));
  });

  it('keeps the id while the pause lasts, and a new pause gets a new id', () => {
    const floor = pausedFloor();
    const first = evaluateAlerts(floor.view(ms(700)), ms(700));
    const later = evaluateAlerts(floor.view(ms(900)), ms(900), {}, first);
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
    expect(diffAlerts(first, later)).toEqual({ opened: [], cleared: [] });

    // UNPAUSE clears; a new pause at T+1000 reaches 10:00 at T+1600 with a new id.
    const p = parseQueueLogLine(`${T + 950}|NONE|sales|PJSIP/1|UNPAUSE|`);
    const q = parseQueueLogLine(`${T + 1000}|NONE|sales|PJSIP/1|PAUSE|Break`);
    if (!p.ok || !q.ok) throw new Error('bad line');
    floor.apply(p.event);
    const cleared = evaluateAlerts(floor.view(ms(960)), ms(960), {}, later);
    expect(diffAlerts(later, cleared)).toEqual({ opened: [], cleared: [first[0]?.id] });
    floor.apply(q.event);
    const again = evaluateAlerts(floor.view(ms(1600)), ms(1600), {}, cleared);
    expect(again.map((a) => a.id)).toEqual([`absence.unapproved:PJSIP/1:${ms(1600)}`]);
  });

  it('a reason change is a new pause segment with a new id (since restarts)', () => {
    const floor = pausedFloor('Break');
    const first = evaluateAlerts(floor.view(ms(700)), ms(700));
    const q = parseQueueLogLine(`${T + 800}|NONE|sales|PJSIP/1|PAUSE|Coaching`);
    if (!q.ok) throw new Error('bad line');
    floor.apply(q.event);
    expect(evaluateAlerts(floor.view(ms(1399)), ms(1399), {}, first)).toEqual([]);
    expect(evaluateAlerts(floor.view(ms(1400)), ms(1400), {}, first)[0]?.id).toBe(
      `absence.unapproved:PJSIP/1:${ms(1400)}`,
    );
  });
});

describe('S2 queue rules', () => {
  const waitingFloor = (): FloorState =>
    floorWith([
      [0, 'MANAGER|sales|PJSIP/1|ADDMEMBER|'],
      [10, 'c1|sales|NONE|ENTERQUEUE||0912000001|1'],
      [12, 'c1|sales|PJSIP/1|CONNECT|2|b|1'],
      [20, 'c2|sales|NONE|ENTERQUEUE||0912000002|1'],
    ]);

  it('queue.longest_wait at ≥ 60 s (59 s no), with since when the threshold was reached', () => {
    const floor = waitingFloor();
    const rules = (now: number): string[] =>
      evaluateAlerts(floor.view(now), now).map((a) => a.rule);
    // PJSIP/1 is on a call: nobody available while c2 waits → no_agents from the start.
    expect(rules(ms(79))).toEqual(['queue.no_agents']);
    const at80 = evaluateAlerts(floor.view(ms(80)), ms(80));
    expect(at80.map((a) => [a.rule, a.since, a.severity])).toEqual([
      ['queue.longest_wait', ms(80), 'warning'],
      ['queue.no_agents', ms(80), 'critical'],
    ]);
    expect(at80[0]?.params).toEqual({ queue: 'sales', seconds: 60 });
    // The no_agents alert opened at 79 keeps its since when carried over.
    const at79 = evaluateAlerts(floor.view(ms(79)), ms(79));
    const carried = evaluateAlerts(floor.view(ms(80)), ms(80), {}, at79);
    expect(carried.find((a) => a.rule === 'queue.no_agents')?.since).toBe(ms(79));
    expect(rules(ms(50))).toEqual(['queue.no_agents']);
    expect(evaluateAlerts(floor.view(ms(50)), ms(50), { longestWaitSeconds: 30 })[0]?.rule).toBe(
      'queue.longest_wait',
    );
  });

  it('queue.no_agents clears when an agent becomes available', () => {
    const floor = waitingFloor();
    const open = evaluateAlerts(floor.view(ms(30)), ms(30));
    const done = parseQueueLogLine(`${T + 40}|c1|sales|PJSIP/1|COMPLETEAGENT|2|28|1`);
    if (!done.ok) throw new Error('bad line');
    floor.apply(done.event);
    const after = evaluateAlerts(floor.view(ms(41)), ms(41), {}, open);
    expect(after).toEqual([]);
    expect(diffAlerts(open, after).cleared).toEqual([`queue.no_agents:sales:${ms(30)}`]);
  });

  it('queue.service_level below the target (the server passes today’s SL per queue)', () => {
    const base = floorWith([[0, 'MANAGER|sales|PJSIP/1|ADDMEMBER|']]).view(ms(10));
    const withSl = (serviceLevel: number | null, offered: number, target?: number): AlertInput => ({
      agents: base.agents,
      queues: base.queues.map((q) => ({
        ...q,
        today: { serviceLevel, offered },
        ...(target === undefined ? {} : { serviceLevelTarget: target }),
      })),
    });
    expect(evaluateAlerts(withSl(0.8, 50), ms(10))).toEqual([]);
    expect(evaluateAlerts(withSl(null, 0), ms(10))).toEqual([]);
    const [low] = evaluateAlerts(withSl(0.7512, 50), ms(10));
    expect([low?.rule, low?.norm, low?.queue, low?.params]).toEqual([
      'queue.service_level',
      'S2',
      'sales',
      { queue: 'sales', percent: 75, targetPercent: 80 },
    ]);
    // The queue's own target wins over the setting; a minimum of offered calls silences it.
    expect(evaluateAlerts(withSl(0.7512, 50, 0.7), ms(10))).toEqual([]);
    expect(evaluateAlerts(withSl(0.5, 4), ms(10), { serviceLevelMinOffered: 5 })).toEqual([]);
    expect(evaluateAlerts(withSl(0.5, 5), ms(10), { serviceLevelMinOffered: 5 })).toHaveLength(1);
  });
});

describe('alertMessage', () => {
  const absence: FloorAlert = {
    id: 'x',
    norm: 'R12',
    rule: 'absence.unapproved',
    severity: 'warning',
    agent: 'PJSIP/1001',
    queue: null,
    since: 0,
    params: { agent: 'PJSIP/1001', reason: 'Break', minutes: 10, thresholdSeconds: 600 },
  };

  it('renders the absence alert in en, zh-TW (離席) and zh-CN (离席)', () => {
    expect(alertMessage(absence, 'en')).toBe(
      'PJSIP/1001 has been away (paused: Break) for 10 minutes or more',
    );
    expect(alertMessage(absence, 'zh-TW')).toBe('PJSIP/1001 已離席（暫停：Break）達 10 分鐘以上');
    expect(alertMessage(absence, 'zh-CN')).toBe('PJSIP/1001 已离席（暂停：Break）达 10 分钟以上');
    const named = { ...absence, params: { ...absence.params, name: '林美', reason: '' } };
    expect(alertMessage(named, 'zh-TW')).toBe('林美 已離席（暫停）達 10 分鐘以上');
  });

  it('renders queue alerts and falls back by locale tag', () => {
    const noAgents: FloorAlert = {
      ...absence,
      norm: 'S2',
      rule: 'queue.no_agents',
      agent: null,
      queue: 'sales',
      params: { queue: 'sales', waiting: 3 },
    };
    expect(alertMessage(noAgents, 'zh-Hant-HK')).toBe(
      '佇列 sales：3 通來電等候中，沒有可接聽的客服人員',
    );
    expect(alertMessage(noAgents, 'zh')).toBe('队列 sales：3 通来电等待中，没有可接听的坐席');
    expect(alertMessage(noAgents, 'fr-FR')).toBe(
      'Queue sales: 3 callers waiting and no agent available',
    );
    expect(alertMessage({ ...noAgents, params: { queue: 'sales', waiting: 1 } }, 'en')).toBe(
      'Queue sales: 1 caller waiting and no agent available',
    );
    expect([alertLocale('zh-MO'), alertLocale('zh-SG'), alertLocale(undefined)]).toEqual([
      'zh-TW',
      'zh-CN',
      'en',
    ]);
  });

  it('has the same keys in every locale', async () => {
    // Plural forms differ by language (English one/other, Chinese other only): compare the base key.
    const keys = (o: object, prefix = ''): string[] => [
      ...new Set(
        Object.entries(o).flatMap(([k, v]) =>
          typeof v === 'object' && v !== null
            ? keys(v as object, `${prefix}${k}.`)
            : [prefix + k.replace(/_(one|other)$/, '')],
        ),
      ),
    ];
    const en = (await import('../../i18n/alerts/en.json', { with: { type: 'json' } })).default;
    const tw = (await import('../../i18n/alerts/zh-TW.json', { with: { type: 'json' } })).default;
    const cn = (await import('../../i18n/alerts/zh-CN.json', { with: { type: 'json' } })).default;
    expect(keys(tw).sort()).toEqual(keys(en).sort());
    expect(keys(cn).sort()).toEqual(keys(en).sort());
    expect(keys(en)).toContain('queue.service_level');
  });
});

describe('R12 approved absences', () => {
  it('an approval covering now silences the threshold; an overrun fires at the approval end', () => {
    const floor = pausedFloor('Doctor');
    const approved = (now: number): AlertInput => ({
      ...floor.view(now),
      approvedAbsences: [{ agent: 'PJSIP/1', from: ms(90), until: ms(100 + 1800) }],
    });
    expect(evaluateAlerts(approved(ms(700)), ms(700))).toEqual([]);
    expect(evaluateAlerts(approved(ms(1899)), ms(1899))).toEqual([]);
    const [overrun] = evaluateAlerts(approved(ms(1900)), ms(1900));
    expect([overrun?.rule, overrun?.norm, overrun?.since, overrun?.id]).toEqual([
      'absence.overrun',
      'R12',
      ms(1900),
      `absence.overrun:PJSIP/1:${ms(1900)}`,
    ]);
    // Another agent's approval does not cover PJSIP/1.
    const other: AlertInput = {
      ...floor.view(ms(700)),
      approvedAbsences: [{ agent: 'PJSIP/2', from: ms(0), until: ms(5000) }],
    };
    expect(evaluateAlerts(other, ms(700)).map((a) => a.rule)).toEqual(['absence.unapproved']);
    expect(alertMessage(overrun!, 'zh-TW')).toBe('PJSIP/1 核准的離席時間已結束，仍在暫停：Doctor');
  });
});

describe('S2 source.silent', () => {
  const source = { name: 'ami:10.0.0.5:5038', kind: 'ami', quietSince: ms(0) };
  const view = (open = true): AlertInput => ({ agents: [], queues: [], sources: [source], open });

  it('fires at the threshold (300 s by default), not a second before, and is critical', () => {
    expect(evaluateAlerts(view(), ms(299))).toEqual([]);
    const [alert] = evaluateAlerts(view(), ms(300));
    expect(alert).toEqual({
      id: `source.silent:ami:10.0.0.5:5038:${ms(300)}`,
      norm: 'S2',
      rule: 'source.silent',
      severity: 'critical',
      agent: null,
      queue: null,
      source: 'ami:10.0.0.5:5038',
      since: ms(300),
      params: {
        source: 'ami:10.0.0.5:5038',
        kind: 'ami',
        minutes: 5,
        seconds: 300,
        quietSince: ms(0),
      },
    });
    expect(alertMessage(alert as FloorAlert, 'en')).toBe(
      'No events from the telephony source ami:10.0.0.5:5038 for 5 minutes or more: the floor may be out of date',
    );
    expect(alertMessage(alert as FloorAlert, 'zh-TW')).toBe(
      '電話來源 ami:10.0.0.5:5038 已 5 分鐘以上沒有任何事件：現場畫面可能已過時',
    );
    expect(alertMessage(alert as FloorAlert, 'zh-CN')).toBe(
      '话务数据源 ami:10.0.0.5:5038 已 5 分钟以上没有任何事件：现场画面可能已过时',
    );
  });

  it('keeps one alert per source while silent, clears on an event, stays silent when closed', () => {
    const other = { name: 'queue_log:/var/log/asterisk/queue_log', kind: 'queue_log' };
    const input = (quietA: number, quietB: number, open = true): AlertInput => ({
      agents: [],
      queues: [],
      sources: [
        { ...source, quietSince: ms(quietA) },
        { ...other, quietSince: ms(quietB) },
      ],
      open,
    });
    const settings = { sourceSilentSeconds: 60 };
    const first = evaluateAlerts(input(0, 0), ms(60), settings);
    expect(first.map((a) => a.source)).toEqual([
      'ami:10.0.0.5:5038',
      'queue_log:/var/log/asterisk/queue_log',
    ]);
    const later = evaluateAlerts(input(0, 0), ms(90), settings, first);
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
    // An event from the AMI source at T+95: its alert clears, the other stays.
    const resumed = evaluateAlerts(input(95, 0), ms(100), settings, later);
    expect(diffAlerts(later, resumed)).toEqual({
      opened: [],
      cleared: [`source.silent:ami:10.0.0.5:5038:${ms(60)}`],
    });
    // Outside opening hours nothing fires.
    expect(evaluateAlerts(input(0, 0, false), ms(1000), settings)).toEqual([]);
  });

  it('reads opening hours, including ones that span midnight', () => {
    const day = { start: '08:00', end: '22:00' };
    expect(withinOpeningHours(7 * 60 + 59, day)).toBe(false);
    expect(withinOpeningHours(8 * 60, day)).toBe(true);
    expect(withinOpeningHours(21 * 60 + 59, day)).toBe(true);
    expect(withinOpeningHours(22 * 60, day)).toBe(false);
    const night = { start: '22:00', end: '06:00' };
    expect(withinOpeningHours(23 * 60, night)).toBe(true);
    expect(withinOpeningHours(5 * 60 + 59, night)).toBe(true);
    expect(withinOpeningHours(12 * 60, night)).toBe(false);
    expect(withinOpeningHours(0, { start: '00:00', end: '24:00' })).toBe(true);
    expect(withinOpeningHours(3, null)).toBe(true);
  });
});
