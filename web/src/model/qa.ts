/**
 * Call QA in the UI: the shapes of `/api/qa/*` (docs/qa.md "In the server") and the requests the
 * QA page makes (through `api()`: session cookie, CSRF token on writes).
 */
import { api } from '../api.js';

// The check ids and manual items are the server's own (pure core modules, no I/O).
import type { ManualItem } from '../../../src/core/qa/review.js';
import type { CheckId, CheckOutcome as Outcome } from '../../../src/core/qa/types.js';

export { MANUAL_ITEMS, type ManualItem } from '../../../src/core/qa/review.js';
export {
  CHECK_IDS,
  type CheckId,
  type CheckOutcome as Outcome,
} from '../../../src/core/qa/types.js';

/** A row of the evaluation list. `startedAt` epoch seconds. */
export interface EvaluationSummary {
  id: number;
  externalId: string;
  callId: string | null;
  agent: string | null;
  /** The agent's name from the people register (the id when not registered). */
  agentName: string | null;
  team: string | null;
  queue: string | null;
  startedAt: number;
  language: string;
  automaticScore: number | null;
  score: number | null;
  critical: boolean;
  failed: string[];
  manualScore: number | null;
  acknowledged: boolean;
  appealStatus: 'open' | 'accepted' | 'rejected' | null;
}

/** A quoted turn. */
export interface Evidence {
  turn: number;
  start: number | null;
  text: string;
}

/** The review view of one evaluation. Instants (`at`) epoch ms. */
export interface EvaluationDetail extends EvaluationSummary {
  source: string;
  format: string;
  turns: {
    index: number;
    speaker: string;
    text: string;
    start: number | null;
    end: number | null;
    evidenceOf: string[];
  }[];
  checks: {
    id: CheckId;
    name: string;
    norm: string;
    critical: boolean;
    result: Outcome;
    automatic: Outcome;
    overridden: boolean;
    evidence: Evidence[];
  }[];
  overrides: {
    id: number;
    check: string;
    result: Outcome;
    comment: string;
    by: string | null;
    at: number;
  }[];
  scorecard: {
    item: ManualItem;
    score: number | null;
    comment: string;
    by: string | null;
    at: number;
  }[];
  acknowledgedAt: number | null;
  appeal: {
    text: string;
    at: number | null;
    status: 'open' | 'accepted' | 'rejected' | null;
    decidedBy: string | null;
    decidedAt: number | null;
    comment: string | null;
  } | null;
  violations: {
    id: number;
    norm: string;
    rule: string;
    by: string | null;
    at: number;
    note: string | null;
  }[];
}

/** The evaluation list (newest call first). */
export async function fetchEvaluations(
  filter: { agent?: string; check?: string } = {},
): Promise<EvaluationSummary[]> {
  const params = new URLSearchParams({ limit: '200' });
  if (filter.agent) params.set('agent', filter.agent);
  if (filter.check) params.set('check', filter.check);
  const body = (await api(`/api/qa/evaluations?${params.toString()}`)) as {
    evaluations: EvaluationSummary[];
  };
  return body.evaluations;
}

/** One evaluation. */
export async function fetchEvaluation(id: number): Promise<EvaluationDetail> {
  return (await api(`/api/qa/evaluations/${id}`)) as EvaluationDetail;
}

/** A review action on an evaluation (`override`, `scorecard`, `ack`, `appeal`, …); sends the CSRF token. */
export async function postAction(
  id: number,
  action: 'override' | 'scorecard' | 'ack' | 'appeal' | 'appeal/decision' | 'violation',
  body: unknown = {},
): Promise<EvaluationDetail> {
  return (await api(`/api/qa/evaluations/${id}/${action}`, {
    method: 'POST',
    body,
  })) as EvaluationDetail;
}

/** `0.875` → `88`; null → `–`. */
export function scorePercent(score: number | null): string {
  return score === null ? '–' : String(Math.round(score * 100));
}

/** The evaluation id of a `/qa/<id>` path, or null. */
export function evaluationIdOf(pathname: string): number | null {
  const m = /^\/qa\/(\d+)\/?$/.exec(pathname);
  return m ? Number(m[1]) : null;
}
