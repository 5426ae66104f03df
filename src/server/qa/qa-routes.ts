/**
 * Call QA routes (issue #5, part 4): POST /api/transcripts, the review API under /api/qa and the
 * QA reports. Thin: zod validation, the `QaService`, presentation. Registered as an encapsulated
 * plugin so that its text content-type parsers apply to these routes only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Principal } from '../../core/people/access.js';
import { agentDisplayName, type AgentNames } from '../live/floor-presenter.js';
import {
  CHECK_IDS,
  MANUAL_ITEMS,
  TRANSCRIPT_FORMATS,
  type QaCheckRow,
  type QaGroupRow,
} from '../../core/qa/index.js';
import { AppError } from '../errors.js';
import { reportSettings } from '../reports/report-service.js';
import { toCsv, toXlsx } from '../reports/report-format.js';
import type { StatsSettings } from '../../core/stats/report.js';
import type { QaService, TranscriptMeta } from './qa-service.js';

/** Largest transcript upload, bytes (10 MB: a day of chat TSV of a mid-size centre). */
export const TRANSCRIPT_BODY_LIMIT = 10 * 1024 * 1024;

const TranscriptQuery = z.object({
  format: z.enum(TRANSCRIPT_FORMATS).default('auto'),
  callId: z.string().min(1).optional().describe('queue_call.call_id of the call'),
  agent: z.string().min(1).optional().describe('person id or member name'),
  queue: z.string().min(1).optional(),
  startedAt: z.coerce.number().nonnegative().optional().describe('call start, epoch seconds'),
  agentSpeaker: z.string().min(1).optional().describe('speaker id that is the agent'),
  name: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('file name (error messages, `source`, format detection by extension)'),
});

const IdParams = z.object({ id: z.coerce.number().int().positive() });

const EvaluationsQuery = z.object({
  agent: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  check: z.enum(CHECK_IDS).optional(),
  result: z.enum(['pass', 'fail', 'na']).optional(),
  from: z.string().optional().describe('ISO date or date-time; without offset read in tz'),
  to: z.string().optional().describe('ISO date or date-time; exclusive'),
  tz: z.string().optional(),
  limit: z.coerce.number().int().positive().max(10_000).default(500),
});

const ReportsQuery = EvaluationsQuery.omit({ limit: true }).extend({
  groupBy: z.enum(['agent', 'team', 'check', 'period']).default('agent'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

const OverrideBody = z.object({
  check: z.enum(CHECK_IDS),
  result: z.enum(['pass', 'fail', 'na']),
  comment: z.string().trim().min(1).max(2000),
});

const ScorecardBody = z.object({
  items: z
    .array(
      z.object({
        item: z.enum(MANUAL_ITEMS),
        score: z.number().min(0).max(1).nullable(),
        comment: z.string().max(2000).default(''),
      }),
    )
    .min(1)
    .max(MANUAL_ITEMS.length),
});

const AppealBody = z.object({ text: z.string().trim().min(1).max(4000) });
const DecisionBody = z.object({
  decision: z.enum(['accepted', 'rejected']),
  comment: z.string().trim().max(2000).default(''),
});
const ViolationBody = z.object({
  check: z.enum(CHECK_IDS).optional(),
  note: z.string().max(2000).optional(),
});

/** What the routes need. */
export interface QaRoutesDeps {
  readonly qa: QaService;
  /** The server's KPI settings (time zone of `from`/`to`). */
  readonly settings: StatsSettings;
  /** The people directory: evaluations name their agent as the floor does (none: the id). */
  readonly people?: AgentNames | null;
}

/** An evaluation with its agent's display name (`agentName`, null without an agent). */
function named<T extends { readonly agent: string | null }>(
  evaluation: T,
  people: AgentNames | null,
): T & { agentName: string | null } {
  return {
    ...evaluation,
    agentName: evaluation.agent === null ? null : agentDisplayName(evaluation.agent, people),
  };
}

/** The request's principal (the auth plugin has checked the route's access). */
function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (principal === null) throw new AppError('unauthenticated', 'sign in first');
  return principal;
}

/** Per-call metadata of a JSON body (`callId`, `agent`, `queue`, `startedAt` of each call). */
function metaOfJson(body: unknown): TranscriptMeta[] {
  const items: unknown[] = Array.isArray(body) ? body : [body];
  return items.map((item) => {
    if (typeof item !== 'object' || item === null) return {};
    const o = item as Record<string, unknown>;
    const text = (v: unknown) =>
      typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
    return {
      callId: text(o.callId),
      agent: text(o.agent),
      queue: text(o.queue),
      startedAt: typeof o.startedAt === 'number' ? o.startedAt : undefined,
    };
  });
}

/** Registers the QA routes (call with `app.register`). */
export function qaRoutes(deps: QaRoutesDeps) {
  return async function plugin(base: FastifyInstance): Promise<void> {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const { qa } = deps;

    const period = (query: { from?: string; to?: string; tz?: string }) => {
      const s = reportSettings(deps.settings, {
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.tz !== undefined ? { tz: query.tz } : {}),
      });
      return { from: s.from, to: s.to };
    };

    // The upload route reads every body as text (JSON too): the transcript readers report the
    // line of a JSON syntax error, which Fastify's own JSON parser would not.
    await app.register((child: FastifyInstance) => {
      const upload = child.withTypeProvider<ZodTypeProvider>();
      upload.removeAllContentTypeParsers();
      upload.addContentTypeParser(
        '*',
        { parseAs: 'string', bodyLimit: TRANSCRIPT_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      upload.post(
        '/api/transcripts',
        {
          config: { access: 'transcripts.ingest' },
          bodyLimit: TRANSCRIPT_BODY_LIMIT,
          schema: {
            summary:
              'Upload a transcript (callfloor JSON body, or text/VTT/SRT/TSV with ?format=); scored on arrival',
            querystring: TranscriptQuery,
          },
        },
        async (request, reply) => {
          const query = request.query;
          const text = typeof request.body === 'string' ? request.body : '';
          if (text.trim() === '') {
            throw new AppError('invalid_request', 'the body is empty: send a transcript', 'body');
          }
          const isJson = /json/i.test(request.headers['content-type'] ?? '');
          let perCall: TranscriptMeta[] | undefined;
          if (isJson) {
            try {
              perCall = metaOfJson(JSON.parse(text));
            } catch {
              // The reader reports the syntax error with its line.
            }
          }
          const result = await qa.ingest(
            {
              text,
              format: query.format,
              fileName: query.name ?? (isJson ? 'upload.json' : 'upload.txt'),
              meta: {
                callId: query.callId,
                agent: query.agent,
                queue: query.queue,
                startedAt: query.startedAt,
              },
              ...(perCall !== undefined ? { perCall } : {}),
              agentSpeaker: query.agentSpeaker,
            },
            principalOf(request),
          );
          request.audit('transcripts.ingest', {
            detail: { evaluations: result.evaluations.map((e) => e.id), format: query.format },
          });
          return reply.code(201).send(result);
        },
      );

      return Promise.resolve();
    });

    app.get(
      '/api/qa/evaluations',
      {
        config: { access: 'qa.view' },
        schema: {
          summary: 'QA evaluations (agents: their own; team leads: their teams), newest first',
          querystring: EvaluationsQuery,
        },
      },
      async (request) => {
        const q = request.query;
        const evaluations = await qa.list(principalOf(request), {
          agent: q.agent,
          team: q.team,
          check: q.check,
          result: q.result,
          ...period(q),
          limit: q.limit,
        });
        return { evaluations: evaluations.map((e) => named(e, deps.people ?? null)) };
      },
    );

    app.get(
      '/api/qa/evaluations/:id',
      {
        config: { access: 'qa.view' },
        schema: {
          summary: 'One evaluation: transcript with evidence, checks, overrides, scorecard, appeal',
          params: IdParams,
        },
      },
      async (request) => {
        const detail = await qa.detail(principalOf(request), request.params.id);
        request.audit('read.customer_data', {
          target: `qa_evaluation:${detail.id}`,
          detail: { transcript: detail.transcriptId },
        });
        return named(detail, deps.people ?? null);
      },
    );

    app.get(
      '/api/qa/config',
      {
        config: { access: ['settings.edit', 'qa.review'] },
        schema: {
          summary:
            'The site QA config in use (phrase lists, thresholds, weights, critical checks) and its source',
        },
      },
      () => qa.configView(),
    );

    app.put(
      '/api/qa/config',
      {
        config: { access: 'settings.edit' },
        schema: {
          summary:
            'Replace the site QA config (docs/qa.md keys); applies to transcripts scored from now on',
          body: z.object({ config: z.record(z.string(), z.unknown()) }),
        },
      },
      async (request) => {
        await qa.saveConfig(request.body.config);
        request.audit('qa.config', { detail: { keys: Object.keys(request.body.config) } });
        return qa.configView();
      },
    );

    app.post(
      '/api/qa/evaluations/:id/override',
      {
        config: { access: 'qa.review' },
        schema: {
          summary: 'Override one check’s result, with a comment',
          params: IdParams,
          body: OverrideBody,
        },
      },
      (request) => {
        request.audit('qa.override', {
          target: `qa_evaluation:${request.params.id}`,
          detail: { check: request.body.check, result: request.body.result },
        });
        return qa.override(principalOf(request), request.params.id, request.body);
      },
    );

    app.post(
      '/api/qa/evaluations/:id/scorecard',
      {
        config: { access: 'qa.review' },
        schema: {
          summary: 'Manual scorecard items (E02, E03, E06, E07, E10): score in [0, 1] or null',
          params: IdParams,
          body: ScorecardBody,
        },
      },
      (request) => {
        request.audit('qa.scorecard', { target: `qa_evaluation:${request.params.id}` });
        return qa.scorecard(principalOf(request), request.params.id, request.body.items);
      },
    );

    app.post(
      '/api/qa/evaluations/:id/ack',
      {
        config: { access: 'qa.view' },
        schema: { summary: 'The evaluated agent acknowledges the evaluation', params: IdParams },
      },
      (request) => {
        request.audit('qa.ack', { target: `qa_evaluation:${request.params.id}` });
        return qa.acknowledge(principalOf(request), request.params.id);
      },
    );

    app.post(
      '/api/qa/evaluations/:id/appeal',
      {
        config: { access: 'qa.view' },
        schema: { summary: 'The evaluated agent appeals', params: IdParams, body: AppealBody },
      },
      (request) => {
        request.audit('qa.appeal', { target: `qa_evaluation:${request.params.id}` });
        return qa.appeal(principalOf(request), request.params.id, request.body.text);
      },
    );

    app.post(
      '/api/qa/evaluations/:id/appeal/decision',
      {
        config: { access: 'qa.review' },
        schema: { summary: 'Decide an open appeal', params: IdParams, body: DecisionBody },
      },
      (request) => {
        request.audit('qa.appeal_decision', {
          target: `qa_evaluation:${request.params.id}`,
          detail: { decision: request.body.decision },
        });
        return qa.decideAppeal(principalOf(request), request.params.id, request.body);
      },
    );

    app.post(
      '/api/qa/evaluations/:id/violation',
      {
        config: { access: 'qa.review' },
        schema: {
          summary: 'Record a critical failure as a violation (closes its floor alert)',
          params: IdParams,
          body: ViolationBody,
        },
      },
      (request) => {
        request.audit('qa.violation', { target: `qa_evaluation:${request.params.id}` });
        return qa.violation(principalOf(request), request.params.id, request.body);
      },
    );

    app.get(
      '/api/qa/reports',
      {
        config: { access: 'qa.view' },
        schema: {
          summary: 'QA report by agent, team, check or period (day), JSON, CSV or XLSX',
          querystring: ReportsQuery,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const q = request.query;
        if (q.format !== 'json' && !can(principal, 'reports.export')) {
          throw new AppError('forbidden', 'exports need the reports.export permission', 'format');
        }
        const report = await qa.report(principal, q.groupBy, {
          agent: q.agent,
          team: q.team,
          check: q.check,
          result: q.result,
          ...period(q),
        });
        if (q.format === 'json') return report;
        const rows: readonly (QaGroupRow | QaCheckRow)[] = report.rows;
        const keyColumn = q.groupBy === 'check' ? 'check' : 'key';
        const flat = rows.map((r) =>
          'key' in r
            ? {
                [q.groupBy]: r.key,
                ...Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'key')),
              }
            : r,
        );
        const fallback = [q.groupBy === 'check' ? keyColumn : q.groupBy];
        request.audit('export.qa_report', { detail: { groupBy: q.groupBy, format: q.format } });
        const name = `callfloor-qa-${q.groupBy}`;
        if (q.format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}.csv"`)
            .send(toCsv(flat, fallback));
        }
        const bytes = await toXlsx(flat, `qa-${q.groupBy}`, fallback);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(bytes);
      },
    );
  };
}
