/**
 * Call QA in the server (issue #5, part 4): transcripts arrive (POST /api/transcripts), are read
 * with the CLI's readers, linked to a stored call, scored on arrival with the site QA config and
 * stored; reviewers override checks and fill the manual scorecard; agents acknowledge and appeal;
 * reports group the reviewed results by agent, team, check or period. Critical failures raise a
 * floor alert (rule `qa.critical`) and can become violation records.
 *
 * Times: call times in epoch seconds, bookkeeping (`created_at`, `at`) in epoch ms.
 */
import type { Kysely } from 'kysely';
import type { FloorAlert } from '../../core/floor/alerts.js';
import { agentScope, inScope, type AgentScope, type Principal } from '../../core/people/access.js';
import {
  applyOverrides,
  checkReport,
  compileQaConfig,
  groupReport,
  QaConfigError,
  manualScore,
  RULES,
  scoreTranscript,
  type CheckId,
  type CheckOutcome,
  type CompiledQaConfig,
  type Evidence,
  type ManualItem,
  type QaCallResult,
  type QaCheckRow,
  type QaGroupRow,
  type QaMetrics,
  type ReportEntry,
  type ReviewedResult,
  type Transcript,
  type TranscriptFormat,
} from '../../core/qa/index.js';
import { holdsFromCallStart } from '../../core/stats/holds.js';
import { localFields } from '../../core/stats/time-zone.js';
import type { Database, Db } from '../../db/database.js';
import { callHolds } from '../../db/records.repository.js';
import {
  saveQaConfig,
  callStints,
  getEvaluation,
  getTranscript,
  insertOverride,
  insertTranscriptAndEvaluation,
  insertViolation,
  listAcks,
  listEvaluations,
  listOverrides,
  listScorecards,
  listViolationsOf,
  putAck,
  putScorecardItems,
  transcriptRefs,
  type AckRow,
  type EvaluationRow,
  type OverrideRow,
  type ScorecardRow,
} from '../../db/qa.repository.js';
import {
  parseTranscriptText,
  UnreadableTranscriptError,
} from '../../io/transcripts/read-transcripts.js';
import { AppError } from '../errors.js';

/** Where QA alerts go (the live hub). */
export interface QaAlertSink {
  raiseAlert(alert: FloorAlert): void;
  clearAlert(id: string): void;
}

/** What the service needs. */
export interface QaServiceDeps {
  readonly db: Kysely<Database>;
  /** The site QA config, compiled once (`compileQaConfig`). */
  readonly config: CompiledQaConfig;
  /** The same config as JSON (for the settings editor); `{}` = the built-in defaults. */
  readonly rawConfig?: unknown;
  /** Where it came from: saved in the UI, the `--qa-config` file, or the built-in defaults. */
  readonly configSource?: 'ui' | 'file' | 'defaults';
  /** The team id of an agent (person id or member name), or null (the people directory). */
  readonly teamOf: (agentId: string) => string | null;
  /** The person id of a telephony member name, or the name itself when unmapped (aliases). */
  readonly agentIdOf?: (memberName: string) => string;
  /** Floor alerts for critical failures (null: none). */
  readonly alerts?: QaAlertSink | null;
  /** Time zone of report periods (IANA). */
  readonly timeZone: string;
  /** Epoch ms. */
  readonly now?: () => number;
}

/** Who acts, for the records: the person's id, `token:<id>`, or `admin` (the admin token). */
export function actorOf(principal: Principal | null): string | null {
  if (principal === null) return null;
  return principal.userId ?? (principal.tokenId !== null ? `token:${principal.tokenId}` : 'admin');
}

/** Per-call metadata an uploader may give (JSON fields of a call, or query parameters). */
export interface TranscriptMeta {
  /** The telephony call id (`queue_call.call_id`); the transcript id is tried when absent. */
  readonly callId?: string | undefined;
  /** Person id or member name. */
  readonly agent?: string | undefined;
  readonly queue?: string | undefined;
  /** When the call started, epoch seconds. */
  readonly startedAt?: number | undefined;
}

/** An upload: the text, how to read it, and metadata. */
export interface TranscriptUpload {
  readonly text: string;
  readonly format: TranscriptFormat;
  /** The file name (error messages and `source`), e.g. `api.json`. */
  readonly fileName: string;
  /** Metadata for every call of the upload. */
  readonly meta: TranscriptMeta;
  /** Metadata per call, by index (JSON arrays); wins over `meta`. */
  readonly perCall?: readonly TranscriptMeta[];
  /** Speaker id that is the agent (`--agent-speaker`). */
  readonly agentSpeaker?: string | undefined;
}

/** An evaluation as the list shows it. */
export interface EvaluationSummary {
  readonly id: number;
  readonly transcriptId: number;
  /** The transcript's own id (JSON `id`, session id). */
  readonly externalId: string;
  readonly callId: string | null;
  readonly agent: string | null;
  readonly team: string | null;
  readonly queue: string | null;
  /** Epoch seconds. */
  readonly startedAt: number;
  readonly language: string;
  /** The automatic score. */
  readonly automaticScore: number | null;
  /** The score after overrides. */
  readonly score: number | null;
  /** A critical check fails after overrides. */
  readonly critical: boolean;
  /** Failed checks after overrides. */
  readonly failed: readonly CheckId[];
  readonly manualScore: number | null;
  readonly acknowledged: boolean;
  /** `open`, `accepted`, `rejected` or null. */
  readonly appealStatus: string | null;
}

/** One check in the review view: reviewed and automatic result, evidence. */
export interface ReviewCheckView {
  readonly id: CheckId;
  readonly name: string;
  readonly norm: string;
  readonly critical: boolean;
  readonly result: CheckOutcome;
  readonly automatic: CheckOutcome;
  readonly overridden: boolean;
  readonly evidence: readonly Evidence[];
}

/** A transcript turn in the review view. Times in seconds from the call's start. */
export interface ReviewTurn {
  readonly index: number;
  readonly speaker: string;
  readonly text: string;
  readonly start: number | null;
  readonly end: number | null;
  /** Checks quoting this turn as evidence. */
  readonly evidenceOf: readonly CheckId[];
}

/** The review view of one evaluation (GET /api/qa/evaluations/:id). Instants epoch ms. */
export interface EvaluationDetail extends EvaluationSummary {
  readonly source: string;
  readonly format: string;
  readonly turns: readonly ReviewTurn[];
  readonly holds: readonly { readonly start: number; readonly end: number }[];
  readonly checks: readonly ReviewCheckView[];
  readonly metrics: QaMetrics;
  /** The automatic `callfloor.qa/v1` call result, as stored. */
  readonly automatic: QaCallResult;
  readonly overrides: readonly {
    id: number;
    check: string;
    result: string;
    comment: string;
    by: string | null;
    at: number;
  }[];
  readonly scorecard: readonly {
    item: string;
    score: number | null;
    comment: string;
    by: string | null;
    at: number;
  }[];
  readonly acknowledgedAt: number | null;
  readonly appeal: {
    text: string;
    at: number | null;
    status: string | null;
    decidedBy: string | null;
    decidedAt: number | null;
    comment: string | null;
  } | null;
  readonly violations: readonly {
    id: number;
    norm: string;
    rule: string;
    by: string | null;
    at: number;
    note: string | null;
  }[];
}

/** Filter of the list and the reports. Times epoch seconds (`to` exclusive). */
export interface EvaluationQuery {
  readonly agent?: string | undefined;
  readonly team?: string | undefined;
  /** With `result`: that check has that result; alone: that check failed. */
  readonly check?: CheckId | undefined;
  /** Alone: some check has that result. */
  readonly result?: CheckOutcome | undefined;
  readonly from?: number | null;
  readonly to?: number | null;
  readonly limit?: number | undefined;
}

/** Report grouping. */
export type QaReportGroup = 'agent' | 'team' | 'check' | 'period';

/** A QA report. */
export type QaReportBody =
  | { readonly groupBy: 'agent' | 'team' | 'period'; readonly rows: readonly QaGroupRow[] }
  | { readonly groupBy: 'check'; readonly rows: readonly QaCheckRow[] };

/** The floor alert id of an evaluation's critical failure. */
export function qaAlertId(evaluationId: number): string {
  return `qa.critical:${evaluationId}`;
}

const META_BY_ID = new Map(RULES.map((r) => [r.id, r.meta]));

/** The first norm id of a check (`E05, R04` → `E05`). */
export function normOfCheck(check: CheckId): string {
  return (META_BY_ID.get(check)?.norm ?? check).split(',')[0]?.trim() ?? check;
}

interface Loaded {
  readonly row: EvaluationRow;
  readonly result: QaCallResult;
  readonly reviewed: ReviewedResult;
  readonly overrides: readonly OverrideRow[];
  readonly scorecard: readonly ScorecardRow[];
  readonly ack: AckRow | undefined;
  readonly transcript: { call_id: string | null; external_id: string };
}

/** The QA service. */
export class QaService {
  private readonly now: () => number;
  private readonly agentIdOf: (memberName: string) => string;

  constructor(private readonly deps: QaServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.agentIdOf = deps.agentIdOf ?? ((name) => name);
    this.current = deps.config;
    this.currentRaw = deps.rawConfig ?? {};
    this.source = deps.configSource ?? 'defaults';
  }

  /** The config in use: the deps' one until {@link setConfig} replaces it. */
  private current: CompiledQaConfig;

  /** The site config in use (phrases, thresholds, weights, critical checks). */
  get config(): CompiledQaConfig {
    return this.current;
  }

  private currentRaw: unknown = {};
  private source: 'ui' | 'file' | 'defaults' = 'defaults';

  /** The site config as JSON, where it came from, and the built-in phrase lists for reference. */
  configView(): { config: unknown; source: 'ui' | 'file' | 'defaults' } {
    return { config: this.currentRaw, source: this.source };
  }

  /**
   * Validates, stores and applies a site config for the evaluations and reviews from now on
   * (stored evaluations keep the results they were scored with).
   * @throws AppError `invalid_request` with the bad key as `field` (`checks.E04.weight`)
   */
  async saveConfig(raw: unknown): Promise<void> {
    let compiled: CompiledQaConfig;
    try {
      compiled = compileQaConfig(raw);
    } catch (error) {
      if (error instanceof QaConfigError) {
        throw new AppError('invalid_request', error.message, `config.${error.key}`);
      }
      throw error;
    }
    await saveQaConfig(this.deps.db, raw);
    this.current = compiled;
    this.currentRaw = raw;
    this.source = 'ui';
  }

  /**
   * Reads, links, scores and stores the calls of an upload (one transaction: all or nothing);
   * raises a floor alert for each critical fail.
   * @returns the stored evaluations (in input order) and the lines skipped (`FILE:LINE: reason`)
   * @throws AppError `invalid_request` naming the file and the line or JSON path at fault
   */
  async ingest(
    upload: TranscriptUpload,
    principal: Principal | null,
  ): Promise<{ evaluations: EvaluationSummary[]; warnings: string[] }> {
    let read;
    try {
      read = parseTranscriptText(upload.text, upload.fileName, {
        format: upload.format,
        agentSpeaker: upload.agentSpeaker,
        config: this.current,
      });
    } catch (error) {
      if (error instanceof UnreadableTranscriptError) {
        throw new AppError('invalid_request', error.message, 'body');
      }
      throw error;
    }
    if (read.transcripts.length === 0) {
      throw new AppError('invalid_request', `${upload.fileName}: no call in the input`, 'body');
    }
    const nowMs = this.now();
    const by = actorOf(principal);
    const stored: Loaded[] = [];
    await this.deps.db.transaction().execute(async (trx) => {
      for (const [index, transcript] of read.transcripts.entries()) {
        const own = upload.perCall?.[index];
        // A call's own field wins; an absent one (undefined) keeps the upload's.
        const meta: TranscriptMeta = {
          callId: own?.callId ?? upload.meta.callId,
          agent: own?.agent ?? upload.meta.agent,
          queue: own?.queue ?? upload.meta.queue,
          startedAt: own?.startedAt ?? upload.meta.startedAt,
        };
        const link = await this.link(trx, transcript, meta, nowMs);
        const call = link.holds === null ? transcript : { ...transcript, holds: link.holds };
        const result = scoreTranscript(call, this.current);
        const evaluation = {
          agent: link.agent,
          queue: link.queue,
          started_at: link.startedAt,
          result: JSON.stringify(result),
          score: result.score,
          critical: result.critical ? 1 : 0,
          created_at: nowMs,
        };
        const ids = await insertTranscriptAndEvaluation(
          trx,
          {
            external_id: transcript.id,
            call_id: link.callId,
            agent: link.agent,
            queue: link.queue,
            language: result.language,
            format: upload.format,
            source: transcript.source,
            started_at: link.startedAt,
            data: JSON.stringify(call),
            uploaded_by: by,
            created_at: nowMs,
          },
          evaluation,
        );
        stored.push(
          this.review(
            { ...evaluation, id: ids.evaluationId, transcript_id: ids.transcriptId },
            result,
            [],
            [],
            undefined,
            { call_id: link.callId, external_id: transcript.id },
          ),
        );
      }
    });
    for (const loaded of stored) this.syncAlert(loaded, false);
    return { evaluations: stored.map((l) => this.summary(l)), warnings: [...read.warnings] };
  }

  /**
   * Links a transcript to a stored call: the call id, and the agent, queue and start time from the
   * call record when the upload does not give them. Holds come from the transcript only (stored
   * hold intervals do not exist yet).
   */
  private async link(
    db: Db,
    transcript: Transcript,
    meta: TranscriptMeta,
    nowMs: number,
  ): Promise<{
    callId: string | null;
    agent: string | null;
    queue: string | null;
    startedAt: number;
    holds: { start: number; end: number }[] | null;
  }> {
    const candidate = meta.callId ?? transcript.id;
    const stints = candidate === '' ? [] : await callStints(db, candidate);
    // The last answered stint: a transferred call's transcript ends with the last agent.
    const answered = stints.filter((s) => s.agent !== null && s.connected_at !== null);
    const stint = answered[answered.length - 1] ?? stints[stints.length - 1];
    const agentName = meta.agent ?? stint?.agent ?? null;
    const first = answered[0] ?? stints[0];
    const startedAt =
      meta.startedAt ??
      first?.connected_at ??
      first?.entered_at ??
      first?.attributed_at ??
      nowMs / 1000;
    // Holds: the transcript's own, else the call's stored HOLD/UNHOLD intervals (live connectors),
    // in seconds from the answer (the recording's start).
    let holds: { start: number; end: number }[] | null = null;
    if (stint !== undefined && (transcript.holds === undefined || transcript.holds.length === 0)) {
      const stored = await callHolds(db, candidate);
      if (stored.length > 0) holds = holdsFromCallStart(stored, first?.connected_at ?? startedAt);
    }
    return {
      callId: stint !== undefined ? candidate : (meta.callId ?? null),
      agent: agentName === null ? null : this.agentIdOf(agentName),
      queue: meta.queue ?? stint?.queue ?? null,
      startedAt,
      holds,
    };
  }

  private review(
    row: EvaluationRow,
    result: QaCallResult,
    overrides: readonly OverrideRow[],
    scorecard: readonly ScorecardRow[],
    ack: AckRow | undefined,
    transcript: Loaded['transcript'],
  ): Loaded {
    const reviewed = applyOverrides(
      result,
      overrides.map((o) => ({ check: o.check_id as CheckId, result: o.result as CheckOutcome })),
      this.current.checkOptions,
    );
    return { row, result, reviewed, overrides, scorecard, ack, transcript };
  }

  /** Raises the floor alert of a critical failure, or clears it when resolved or gone. */
  private syncAlert(loaded: Loaded, resolved: boolean): void {
    const sink = this.deps.alerts;
    if (!sink) return;
    const id = qaAlertId(loaded.row.id);
    const check = loaded.reviewed.criticalFails[0];
    if (check === undefined || resolved) {
      sink.clearAlert(id);
      return;
    }
    sink.raiseAlert({
      id,
      norm: normOfCheck(check),
      rule: 'qa.critical',
      severity: 'critical',
      agent: loaded.row.agent,
      queue: loaded.row.queue,
      since: loaded.row.created_at,
      params: {
        check,
        call: loaded.transcript.call_id ?? loaded.transcript.external_id,
        evaluation: loaded.row.id,
      },
    });
  }

  private summary(loaded: Loaded): EvaluationSummary {
    const { row, reviewed } = loaded;
    return {
      id: row.id,
      transcriptId: row.transcript_id,
      externalId: loaded.transcript.external_id,
      callId: loaded.transcript.call_id,
      agent: row.agent,
      team: row.agent === null ? null : this.deps.teamOf(row.agent),
      queue: row.queue,
      startedAt: row.started_at,
      language: loaded.result.language,
      automaticScore: row.score,
      score: reviewed.score,
      critical: reviewed.critical,
      failed: reviewed.checks.filter((c) => c.result === 'fail').map((c) => c.id),
      manualScore: manualScore(
        loaded.scorecard.map((s) => ({ item: s.item as ManualItem, score: s.score })),
      ),
      acknowledged: loaded.ack !== undefined && loaded.ack.acknowledged_at !== null,
      appealStatus: loaded.ack?.appeal_status ?? null,
    };
  }

  /** Loads evaluations with their reviews (in the given order). */
  private async loadMany(rows: readonly EvaluationRow[]): Promise<Loaded[]> {
    const ids = rows.map((r) => r.id);
    const overrides = await listOverrides(this.deps.db, ids);
    const scorecards = await listScorecards(this.deps.db, ids);
    const acks = await listAcks(this.deps.db, ids);
    const group = <T extends { evaluation_id: number }>(list: readonly T[]) => {
      const map = new Map<number, T[]>();
      for (const item of list) {
        const key = Number(item.evaluation_id);
        const l = map.get(key);
        if (l) l.push(item);
        else map.set(key, [item]);
      }
      return map;
    };
    const o = group(overrides);
    const s = group(scorecards);
    const a = group(acks);
    const transcripts = await transcriptRefs(
      this.deps.db,
      rows.map((r) => r.transcript_id),
    );
    return rows.map((row) =>
      this.review(
        row,
        JSON.parse(row.result) as QaCallResult,
        o.get(row.id) ?? [],
        s.get(row.id) ?? [],
        a.get(row.id)?.[0],
        transcripts.get(row.transcript_id) ?? { call_id: null, external_id: '' },
      ),
    );
  }

  private teamOfRow(row: EvaluationRow): string | null {
    return row.agent === null ? null : this.deps.teamOf(row.agent);
  }

  private inScope(scope: AgentScope, row: EvaluationRow): boolean {
    if (scope.kind === 'all') return true;
    return row.agent !== null && inScope(scope, { id: row.agent, teamId: this.teamOfRow(row) });
  }

  /** The evaluations a scope may see under the filter, loaded, newest first. */
  private async select(scope: AgentScope, query: EvaluationQuery): Promise<Loaded[]> {
    let agents: string[] | null = scope.kind === 'self' ? [scope.userId] : null;
    if (query.agent !== undefined) {
      agents = agents === null ? [query.agent] : agents.filter((a) => a === query.agent);
    }
    const rows = await listEvaluations(this.deps.db, {
      agents,
      from: query.from ?? null,
      to: query.to ?? null,
    });
    const visible = rows.filter(
      (r) =>
        this.inScope(scope, r) && (query.team === undefined || this.teamOfRow(r) === query.team),
    );
    const loaded = await this.loadMany(visible);
    return loaded.filter((l) => {
      if (query.check !== undefined) {
        const r = l.reviewed.checks.find((c) => c.id === query.check)?.result;
        return r === (query.result ?? 'fail');
      }
      if (query.result !== undefined) {
        return l.reviewed.checks.some((c) => c.result === query.result);
      }
      return true;
    });
  }

  /** Evaluations for the list (newest call first), within the principal's scope. */
  async list(principal: Principal, query: EvaluationQuery): Promise<EvaluationSummary[]> {
    const loaded = await this.select(agentScope(principal), query);
    const limited = query.limit !== undefined ? loaded.slice(0, query.limit) : loaded;
    return limited.map((l) => this.summary(l));
  }

  /**
   * Loads one evaluation the principal may see.
   * @throws AppError `not_found` when it does not exist or is outside the principal's scope (the
   *   same answer in both cases, so other teams' ids are not disclosed)
   */
  private async visible(principal: Principal, id: number): Promise<Loaded> {
    const row = await getEvaluation(this.deps.db, id);
    if (row !== undefined && this.inScope(agentScope(principal), row)) {
      const [loaded] = await this.loadMany([row]);
      if (loaded) return loaded;
    }
    throw new AppError('not_found', `no QA evaluation ${id}`, 'id');
  }

  /**
   * The review view: transcript turns with the checks quoting them, each check's reviewed and
   * automatic result, overrides, scorecard, acknowledgement/appeal and violation records.
   * @throws AppError `not_found` (missing or out of scope)
   */
  async detail(principal: Principal, id: number): Promise<EvaluationDetail> {
    return this.present(await this.visible(principal, id));
  }

  private async present(loaded: Loaded): Promise<EvaluationDetail> {
    const { row, result, reviewed } = loaded;
    const t = await getTranscript(this.deps.db, row.transcript_id);
    if (t === undefined) throw new AppError('not_found', `no transcript for evaluation ${row.id}`);
    const transcript = JSON.parse(t.data) as Transcript;
    const evidenceOf = new Map<number, CheckId[]>();
    for (const c of result.checks) {
      for (const e of c.evidence) {
        const list = evidenceOf.get(e.turn);
        if (list === undefined) evidenceOf.set(e.turn, [c.id]);
        else if (!list.includes(c.id)) list.push(c.id);
      }
    }
    const violations = await listViolationsOf(this.deps.db, row.id);
    const ack = loaded.ack;
    return {
      ...this.summary(loaded),
      source: t.source,
      format: t.format,
      turns: transcript.turns.map((turn, index) => ({
        index,
        speaker: turn.speaker,
        text: turn.text,
        start: turn.start ?? null,
        end: turn.end ?? null,
        evidenceOf: evidenceOf.get(index) ?? [],
      })),
      holds: (transcript.holds ?? []).map((h) => ({ start: h.start, end: h.end })),
      checks: reviewed.checks.map((c) => ({
        id: c.id,
        name: META_BY_ID.get(c.id)?.name ?? c.id,
        norm: normOfCheck(c.id),
        critical: this.current.checkOptions[c.id].critical,
        result: c.result,
        automatic: c.automatic,
        overridden: c.overridden,
        evidence: result.checks.find((k) => k.id === c.id)?.evidence ?? [],
      })),
      metrics: result.metrics,
      automatic: result,
      overrides: loaded.overrides.map((o) => ({
        id: o.id,
        check: o.check_id,
        result: o.result,
        comment: o.comment,
        by: o.created_by,
        at: o.created_at,
      })),
      scorecard: loaded.scorecard.map((s) => ({
        item: s.item,
        score: s.score,
        comment: s.comment,
        by: s.created_by,
        at: s.created_at,
      })),
      acknowledgedAt: ack?.acknowledged_at ?? null,
      appeal:
        ack?.appeal_text === null || ack?.appeal_text === undefined
          ? null
          : {
              text: ack.appeal_text,
              at: ack.appeal_at,
              status: ack.appeal_status,
              decidedBy: ack.decided_by,
              decidedAt: ack.decided_at,
              comment: ack.decision_comment,
            },
      violations: violations.map((v) => ({
        id: v.id,
        norm: v.norm,
        rule: v.rule,
        by: v.created_by,
        at: v.created_at,
        note: v.note,
      })),
    };
  }

  /**
   * Overrides one check's result (qa.review). Raises or clears the floor alert to match the
   * reviewed result (cleared for good once a violation record exists).
   * @throws AppError `not_found`
   */
  async override(
    principal: Principal,
    id: number,
    input: { check: CheckId; result: CheckOutcome; comment: string },
  ): Promise<EvaluationDetail> {
    await this.visible(principal, id);
    await insertOverride(this.deps.db, {
      evaluation_id: id,
      check_id: input.check,
      result: input.result,
      comment: input.comment,
      created_by: actorOf(principal),
      created_at: this.now(),
    });
    const after = await this.visible(principal, id);
    const recorded = (await listViolationsOf(this.deps.db, id)).length > 0;
    this.syncAlert(after, recorded);
    return this.present(after);
  }

  /**
   * Writes manual scorecard items (qa.review); an item given again replaces the stored one.
   * @throws AppError `not_found`
   */
  async scorecard(
    principal: Principal,
    id: number,
    items: readonly { item: ManualItem; score: number | null; comment: string }[],
  ): Promise<EvaluationDetail> {
    await this.visible(principal, id);
    const at = this.now();
    const by = actorOf(principal);
    await this.deps.db.transaction().execute((trx) =>
      putScorecardItems(
        trx,
        items.map((i) => ({
          evaluation_id: id,
          item: i.item,
          score: i.score,
          comment: i.comment,
          created_by: by,
          created_at: at,
        })),
      ),
    );
    return this.present(await this.visible(principal, id));
  }

  /** @throws AppError `forbidden` unless the principal is the evaluation's agent */
  private ownOnly(principal: Principal, loaded: Loaded): void {
    if (principal.userId === null || principal.userId !== loaded.row.agent) {
      throw new AppError('forbidden', 'only the evaluated agent can do this');
    }
  }

  /**
   * The agent acknowledges the evaluation (idempotent: the first time is kept).
   * @throws AppError `not_found`, `forbidden` (not the evaluation's agent)
   */
  async acknowledge(principal: Principal, id: number): Promise<EvaluationDetail> {
    const loaded = await this.visible(principal, id);
    this.ownOnly(principal, loaded);
    if (loaded.ack?.acknowledged_at === null || loaded.ack === undefined) {
      await putAck(this.deps.db, id, {
        acknowledged_at: this.now(),
        acknowledged_by: principal.userId,
      });
    }
    return this.present(await this.visible(principal, id));
  }

  /**
   * The agent appeals (an open appeal is replaced; a decided one cannot be reopened).
   * @throws AppError `not_found`, `forbidden`, `conflict` (already decided)
   */
  async appeal(principal: Principal, id: number, text: string): Promise<EvaluationDetail> {
    const loaded = await this.visible(principal, id);
    this.ownOnly(principal, loaded);
    const status = loaded.ack?.appeal_status ?? null;
    if (status === 'accepted' || status === 'rejected') {
      throw new AppError('conflict', `the appeal was already ${status}`, 'text');
    }
    await putAck(this.deps.db, id, {
      appeal_text: text,
      appeal_at: this.now(),
      appeal_status: 'open',
    });
    return this.present(await this.visible(principal, id));
  }

  /**
   * Decides an open appeal (qa.review). Accepting does not change results by itself: the reviewer
   * overrides the checks concerned.
   * @throws AppError `not_found`, `conflict` (no open appeal)
   */
  async decideAppeal(
    principal: Principal,
    id: number,
    input: { decision: 'accepted' | 'rejected'; comment: string },
  ): Promise<EvaluationDetail> {
    const loaded = await this.visible(principal, id);
    if (loaded.ack?.appeal_status !== 'open') {
      throw new AppError('conflict', 'there is no open appeal', 'decision');
    }
    await putAck(this.deps.db, id, {
      appeal_status: input.decision,
      decided_by: actorOf(principal),
      decided_at: this.now(),
      decision_comment: input.comment,
    });
    return this.present(await this.visible(principal, id));
  }

  /**
   * Turns a critical failure into a violation record (qa.review) and closes its floor alert.
   * @param input.check the failed critical check (default: the first one)
   * @throws AppError `not_found`; `conflict` when the check is not a critical fail after review or
   *   the evaluation has no agent
   */
  async violation(
    principal: Principal,
    id: number,
    input: { check?: CheckId | undefined; note?: string | undefined },
  ): Promise<EvaluationDetail> {
    const loaded = await this.visible(principal, id);
    const check = input.check ?? loaded.reviewed.criticalFails[0];
    if (check === undefined || !loaded.reviewed.criticalFails.includes(check)) {
      throw new AppError(
        'conflict',
        check === undefined
          ? 'the evaluation has no critical failure'
          : `${check} is not a critical failure of this evaluation`,
        'check',
      );
    }
    if (loaded.row.agent === null) {
      throw new AppError('conflict', 'the evaluation has no agent', 'check');
    }
    await insertViolation(this.deps.db, {
      agent: loaded.row.agent,
      norm: normOfCheck(check),
      rule: 'qa.critical',
      source: 'qa',
      evaluation_id: id,
      created_by: actorOf(principal),
      created_at: this.now(),
      note: input.note ?? null,
    });
    this.syncAlert(loaded, true);
    return this.present(await this.visible(principal, id));
  }

  /** The period key of a call start (epoch s): the local date `YYYY-MM-DD` in the site's zone. */
  periodOf(startedAt: number): string {
    const f = localFields(startedAt, this.deps.timeZone);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${f.year}-${pad(f.month)}-${pad(f.day)}`;
  }

  /** A QA report of the reviewed evaluations in the principal's scope. */
  async report(
    principal: Principal,
    groupBy: QaReportGroup,
    query: EvaluationQuery,
  ): Promise<QaReportBody> {
    const loaded = await this.select(agentScope(principal), query);
    const entries: ReportEntry[] = loaded.map((l) => ({
      agent: l.row.agent,
      team: this.teamOfRow(l.row),
      period: this.periodOf(l.row.started_at),
      reviewed: l.reviewed,
      manualScore: manualScore(
        l.scorecard.map((s) => ({ item: s.item as ManualItem, score: s.score })),
      ),
    }));
    if (groupBy === 'check') return { groupBy, rows: checkReport(entries) };
    return { groupBy, rows: groupReport(entries, groupBy) };
  }

  /**
   * Re-opens the floor alerts of critical failures not yet resolved (after a restart).
   * @param sinceMs only evaluations stored at or after this epoch ms
   * @returns how many alerts were raised
   */
  async restoreAlerts(sinceMs: number): Promise<number> {
    if (!this.deps.alerts) return 0;
    const rows = (await listEvaluations(this.deps.db, { critical: 1 })).filter(
      (r) => r.created_at >= sinceMs,
    );
    let raised = 0;
    for (const loaded of await this.loadMany(rows)) {
      if (!loaded.reviewed.critical) continue;
      if ((await listViolationsOf(this.deps.db, loaded.row.id)).length > 0) continue;
      this.syncAlert(loaded, false);
      raised++;
    }
    return raised;
  }
}
