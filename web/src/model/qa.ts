/**
 * Call QA in the UI: the shapes of `/api/qa/*` (docs/qa.md "In the server") and the requests the
 * QA page makes (through `api()`: session cookie, CSRF token on writes).
 */
import { api } from '../api.js';

/** A check id of the automatic checks, in the order of qa.md's table. */
export const CHECK_IDS = [
  'E01',
  'E13',
  'R04',
  'E11',
  'E12',
  'E05.argue',
  'E05.deescalate',
  'E09',
  'E04',
] as const;
/** A check id. */
export type CheckId = (typeof CHECK_IDS)[number];
/** Manual scorecard items (E02, E03, E06, E07, E10). */
export const MANUAL_ITEMS = ['E02', 'E03', 'E06', 'E07', 'E10'] as const;
/** A manual scorecard item. */
export type ManualItem = (typeof MANUAL_ITEMS)[number];
/** A check outcome. */
export type Outcome = 'pass' | 'fail' | 'na';

/** A row of the evaluation list. `startedAt` epoch seconds. */
export interface EvaluationSummary {
  id: number;
  externalId: string;
  callId: string | null;
  agent: string | null;
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
