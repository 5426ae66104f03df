/**
 * Call QA in the UI: the shapes of `/api/qa/*` (docs/qa.md "In the server") and the requests the
 * QA page makes. Writes send the CSRF token of `GET /api/auth/me` when there is one.
 */

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

/** The signed-in person as the QA page needs it (from `GET /api/auth/me`). */
export interface Me {
  userId: string | null;
  permissions: string[];
  csrfToken: string | null;
}

/** An API error with its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(init.headers ?? {}) },
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const detail =
      typeof body === 'object' && body !== null && 'error' in body
        ? (body as { error?: { message?: unknown } }).error?.message
        : undefined;
    throw new ApiError(res.status, typeof detail === 'string' ? detail : `HTTP ${res.status}`);
  }
  return body as T;
}

/** The signed-in person, or an anonymous one when there is no session. */
export async function fetchMe(): Promise<Me> {
  try {
    const me = await request<{
      user?: { id?: string } | null;
      permissions?: string[];
      csrfToken?: string;
    }>('/api/auth/me');
    return {
      userId: me.user?.id ?? null,
      permissions: me.permissions ?? [],
      csrfToken: me.csrfToken ?? null,
    };
  } catch {
    return { userId: null, permissions: [], csrfToken: null };
  }
}

/** The evaluation list (newest call first). */
export async function fetchEvaluations(
  filter: { agent?: string; check?: string } = {},
): Promise<EvaluationSummary[]> {
  const params = new URLSearchParams({ limit: '200' });
  if (filter.agent) params.set('agent', filter.agent);
  if (filter.check) params.set('check', filter.check);
  const body = await request<{ evaluations: EvaluationSummary[] }>(
    `/api/qa/evaluations?${params.toString()}`,
  );
  return body.evaluations;
}

/** One evaluation. */
export function fetchEvaluation(id: number): Promise<EvaluationDetail> {
  return request<EvaluationDetail>(`/api/qa/evaluations/${id}`);
}

/** A review action on an evaluation (`override`, `scorecard`, `ack`, `appeal`, …). */
export function postAction(
  me: Me,
  id: number,
  action: 'override' | 'scorecard' | 'ack' | 'appeal' | 'appeal/decision' | 'violation',
  body: unknown = {},
): Promise<EvaluationDetail> {
  return request<EvaluationDetail>(`/api/qa/evaluations/${id}/${action}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(me.csrfToken !== null ? { 'x-csrf-token': me.csrfToken } : {}),
    },
    body: JSON.stringify(body),
  });
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
