/**
 * Typed fixtures in the shapes of floor-api.md, for the model tests.
 */
import type { FloorAgent, FloorQueue, FloorSnapshot, QueueKpis } from './types.js';

/** Zero KPIs (kpi.md: counts 0, means and ratios null). */
export const ZERO_KPIS: QueueKpis = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  shortAbandoned: 0,
  timedOut: 0,
  exitedWithKey: 0,
  exitedEmpty: 0,
  lost: 0,
  stillWaiting: 0,
  rejected: 0,
  transferred: 0,
  answeredWithinThreshold: 0,
  abandonedWithinThreshold: 0,
  serviceLevel: null,
  abandonRate: null,
  asa: null,
  avgTalk: null,
  aht: null,
  maxWait: null,
  avgAbandonWait: null,
};

/** 2026-01-01T00:00:00Z in epoch ms. */
export const T0 = 1767225600000;

/** An agent, with overrides. */
export function agent(over: Partial<FloorAgent> & { agent: string }): FloorAgent {
  return {
    name: over.agent,
    team: null,
    state: 'available',
    reason: null,
    since: T0,
    queues: ['sales'],
    callId: null,
    ...over,
  };
}

/** A queue, with overrides. */
export function queue(over: Partial<FloorQueue> & { queue: string }): FloorQueue {
  return {
    waiting: 0,
    longestWait: 0,
    waitingCalls: [],
    agents: { available: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: 0, loggedOut: 0 },
    serviceLevelTarget: 0.8,
    today: ZERO_KPIS,
    ...over,
  };
}

/** A snapshot taken at T0 with two agents and one queue. */
export function snapshot(over: Partial<FloorSnapshot> = {}): FloorSnapshot {
  return {
    at: T0,
    agents: [
      agent({ agent: 'PJSIP/1002', name: 'Wang Wei', team: 'B', state: 'on_call', callId: 'c1' }),
      agent({
        agent: 'PJSIP/1001',
        name: 'Lin Mei',
        team: 'A',
        state: 'paused',
        reason: 'Lunch',
        since: T0 - 60_000,
      }),
    ],
    queues: [queue({ queue: 'support' }), queue({ queue: 'sales', waiting: 1, longestWait: 12 })],
    alerts: [],
    ...over,
  };
}
