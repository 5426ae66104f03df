/**
 * Review of automatic QA results (issue #5, part 4): reviewers' overrides applied to a call's
 * `callfloor.qa/v1` result, the manual scorecard items (norms that cannot be detected from the
 * transcript), and QA report rows by agent, team, check or period. Pure: the server loads the
 * stored rows and calls these functions.
 */
import type { BaseCheckOptions } from './rule.js';
import { CHECK_IDS, type CheckId, type CheckOutcome, type QaCallResult } from './types.js';

/**
 * Manual scorecard items (norms.md, the etiquette norms no transcript check detects): E02 lively,
 * warm intonation; E03 clear voice, patient and friendly; E06 no eating, drinking or gum during a
 * call; E07 no other noise reaching the customer; E10 many questions answered patiently, with
 * notes taken (the automatic part of E10 needs wrap-up notes linked to calls).
 */
export const MANUAL_ITEMS = ['E02', 'E03', 'E06', 'E07', 'E10'] as const;
/** A manual scorecard item id. */
export type ManualItem = (typeof MANUAL_ITEMS)[number];

/** Whether a string is a check id of the automatic checks. */
export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}

/** A reviewer's override (the latest per check wins; pass them in creation order). */
export interface CheckOverride {
  readonly check: CheckId;
  readonly result: CheckOutcome;
}

/** One check after review: the effective result, the automatic one, and whether it was overridden. */
export interface ReviewedCheck {
  readonly id: CheckId;
  readonly result: CheckOutcome;
  readonly automatic: CheckOutcome;
  readonly overridden: boolean;
}

/** A call result after review. `score` and `critical` follow the scorer's rules (qa.md "The score"). */
export interface ReviewedResult {
  readonly checks: readonly ReviewedCheck[];
  /** Weighted share of passed applicable checks in [0, 1]; 0 on a critical fail; null when none applies. */
  readonly score: number | null;
  readonly critical: boolean;
  /** The checks that failed and are critical (effective results). */
  readonly criticalFails: readonly CheckId[];
}

/**
 * Applies overrides to a call result and re-scores it with the same rule as `scoreTranscript`:
 * weight of passed applicable checks over the weight of applicable checks; a failed critical
 * check sets the score to 0; `null` when no check applies or the applicable weights are all 0.
 * @param options per-check weight and criticality (`CompiledQaConfig.checkOptions`)
 */
export function applyOverrides(
  result: QaCallResult,
  overrides: readonly CheckOverride[],
  options: Readonly<Record<CheckId, BaseCheckOptions>>,
): ReviewedResult {
  const latest = new Map<CheckId, CheckOutcome>();
  for (const o of overrides) latest.set(o.check, o.result);
  const checks: ReviewedCheck[] = result.checks.map((c) => {
    const over = latest.get(c.id);
    return {
      id: c.id,
      result: over ?? c.result,
      automatic: c.result,
      overridden: over !== undefined && over !== c.result,
    };
  });
  let weighted = 0;
  let weights = 0;
  let applicable = 0;
  const criticalFails: CheckId[] = [];
  for (const c of checks) {
    if (c.result === 'na') continue;
    const o = options[c.id];
    applicable++;
    weights += o.weight;
    if (c.result === 'pass') weighted += o.weight;
    else if (o.critical) criticalFails.push(c.id);
  }
  const critical = criticalFails.length > 0;
  let score: number | null = null;
  if (critical) score = 0;
  else if (applicable > 0) score = weights > 0 ? weighted / weights : null;
  return { checks, score, critical, criticalFails };
}

/** A scorecard item as stored. */
export interface ScorecardItem {
  readonly item: ManualItem;
  /** In [0, 1]; null: not applicable. */
  readonly score: number | null;
}

/** Mean of the applicable manual items' scores, or null when none is scored. */
export function manualScore(items: readonly ScorecardItem[]): number | null {
  const scored = items.filter((i) => i.score !== null);
  if (scored.length === 0) return null;
  return scored.reduce((s, i) => s + (i.score ?? 0), 0) / scored.length;
}

/** One reviewed evaluation as the reports see it. */
export interface ReportEntry {
  readonly agent: string | null;
  /** The agent's team id, or null (no team, or an unmapped member name). */
  readonly team: string | null;
  /** The period key (e.g. `2026-12-04`). */
  readonly period: string;
  readonly reviewed: ReviewedResult;
  readonly manualScore: number | null;
}

/** A report row for `agent`, `team` or `period`. */
export interface QaGroupRow {
  /** The agent id, team id or period (`null`: no agent / no team). */
  readonly key: string | null;
  readonly evaluations: number;
  /** Evaluations with a score (some check applied). */
  readonly scored: number;
  /** Mean reviewed score over scored evaluations, or null. */
  readonly meanScore: number | null;
  /** Evaluations with a critical fail (after review). */
  readonly critical: number;
  /** Failed checks (after review), all evaluations together. */
  readonly failedChecks: number;
  /** Mean manual scorecard score over evaluations that have one, or null. */
  readonly meanManualScore: number | null;
}

/** A report row for `check`. */
export interface QaCheckRow {
  readonly check: CheckId;
  readonly pass: number;
  readonly fail: number;
  readonly na: number;
  /** fail / (pass + fail), or null when the check never applied. */
  readonly failRate: number | null;
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Groups reviewed evaluations by agent, team or period. Rows are sorted by key (null last).
 */
export function groupReport(
  entries: readonly ReportEntry[],
  groupBy: 'agent' | 'team' | 'period',
): QaGroupRow[] {
  const groups = new Map<string | null, ReportEntry[]>();
  for (const e of entries) {
    const key = e[groupBy];
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const rows: QaGroupRow[] = [];
  for (const [key, list] of groups) {
    const scores = list.flatMap((e) => (e.reviewed.score === null ? [] : [e.reviewed.score]));
    const manual = list.flatMap((e) => (e.manualScore === null ? [] : [e.manualScore]));
    rows.push({
      key,
      evaluations: list.length,
      scored: scores.length,
      meanScore: mean(scores),
      critical: list.filter((e) => e.reviewed.critical).length,
      failedChecks: list.reduce(
        (s, e) => s + e.reviewed.checks.filter((c) => c.result === 'fail').length,
        0,
      ),
      meanManualScore: mean(manual),
    });
  }
  return rows.sort((a, b) =>
    a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1,
  );
}

/** Counts each check's reviewed outcomes, in `CHECK_IDS` order. */
export function checkReport(entries: readonly ReportEntry[]): QaCheckRow[] {
  return CHECK_IDS.map((check) => {
    let pass = 0;
    let fail = 0;
    let na = 0;
    for (const e of entries) {
      const r = e.reviewed.checks.find((c) => c.id === check)?.result ?? 'na';
      if (r === 'pass') pass++;
      else if (r === 'fail') fail++;
      else na++;
    }
    return { check, pass, fail, na, failRate: pass + fail === 0 ? null : fail / (pass + fail) };
  });
}
