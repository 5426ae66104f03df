/**
 * Agent tile colouring and the absence threshold of norm R12 (norms.md): a pause that reaches the
 * threshold (default 600 s = 10 minutes, "at 10:00, not at 9:59") turns red. Sites may give a
 * reason its own allowance (e.g. Lunch 60 minutes).
 */
import { elapsedSeconds } from './format.js';
import type { AgentState, FloorAgent, FloorQueue } from './types.js';

/** Default R12 threshold in seconds. */
export const DEFAULT_PAUSE_THRESHOLD_SECONDS = 600;

/** Threshold settings: a default and per-reason allowances (seconds; reason match ignores case). */
export interface ThresholdSettings {
  pauseThresholdSeconds: number;
  reasonThresholds: Record<string, number>;
}

/** The tone a tile is painted in; `over` is a pause past its threshold (red). */
export type AgentTone =
  'available' | 'ringing' | 'on_call' | 'wrap_up' | 'paused' | 'over' | 'logged_out';

/**
 * The allowance for a pause reason, in seconds.
 * @returns the per-reason allowance when one matches the reason (case-insensitive, trimmed),
 *   else the default threshold
 */
export function thresholdFor(reason: string | null, settings: ThresholdSettings): number {
  const key = (reason ?? '').trim().toLowerCase();
  if (key !== '') {
    for (const [name, seconds] of Object.entries(settings.reasonThresholds)) {
      if (name.trim().toLowerCase() === key) return seconds;
    }
  }
  return settings.pauseThresholdSeconds;
}

/**
 * The tone of an agent's tile now.
 * @param agent the agent (state, reason, `since` epoch ms)
 * @param serverNowMs the server's clock now, epoch ms
 * @returns the state itself, or `over` for a pause whose elapsed whole seconds reached the
 *   allowance of its reason
 */
export function agentTone(
  agent: FloorAgent,
  serverNowMs: number,
  settings: ThresholdSettings,
): AgentTone {
  if (agent.state === 'paused') {
    return elapsedSeconds(agent.since, serverNowMs) >= thresholdFor(agent.reason, settings)
      ? 'over'
      : 'paused';
  }
  return agent.state;
}

/** Counts of agents per tone (each agent once), for the wallboard and the floor summary. */
export function countTones(
  agents: readonly FloorAgent[],
  serverNowMs: number,
  settings: ThresholdSettings,
): Record<AgentTone, number> {
  const counts: Record<AgentTone, number> = {
    available: 0,
    ringing: 0,
    on_call: 0,
    wrap_up: 0,
    paused: 0,
    over: 0,
    logged_out: 0,
  };
  for (const a of agents) counts[agentTone(a, serverNowMs, settings)] += 1;
  return counts;
}

/** Service level against its target: `good` at or above, `warn` within 10 points below, else `bad`. */
export type SlTone = 'good' | 'warn' | 'bad' | 'none';

/**
 * Colours a service level against the queue's target.
 * @param serviceLevel fraction or `null` (nothing offered yet)
 * @param target fraction, e.g. 0.8
 */
export function serviceLevelTone(serviceLevel: number | null, target: number): SlTone {
  if (serviceLevel === null || !Number.isFinite(serviceLevel)) return 'none';
  if (serviceLevel >= target) return 'good';
  if (serviceLevel >= target - 0.1) return 'warn';
  return 'bad';
}

/**
 * Parses per-reason allowances typed as lines `Reason = minutes` (also `Reason: minutes`).
 * @returns reason → seconds; blank lines are skipped
 * @throws Error naming the 1-based line when a line has no reason or no positive number of minutes
 */
export function parseReasonThresholds(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(.+?)\s*[=:]\s*(\d+(?:\.\d+)?)$/.exec(line);
    const minutes = m ? Number(m[2]) : NaN;
    if (!m || !m[1] || !(minutes > 0)) {
      throw new Error(`line ${i + 1}: expected "reason = minutes", got "${line}"`);
    }
    out[m[1].trim()] = Math.round(minutes * 60);
  });
  return out;
}

/** Formats per-reason allowances back to `Reason = minutes` lines. */
export function formatReasonThresholds(thresholds: Record<string, number>): string {
  return Object.entries(thresholds)
    .map(([reason, seconds]) => `${reason} = ${seconds / 60}`)
    .join('\n');
}

/** Agents of a queue tile: sums the per-state counts the server sends. */
export function queueStaffed(queue: FloorQueue): number {
  const a = queue.agents;
  return a.available + a.ringing + a.onCall + a.wrapUp + a.paused;
}

/** CSS modifier class for a state (used by tiles and legends). */
export function stateClass(state: AgentState | AgentTone): string {
  return `tone-${state.replace('_', '-')}`;
}
