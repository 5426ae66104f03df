/**
 * `GET /api/audit` (permission `audit.view`): search the audit log, newest first, one keyset page
 * at a time (`next` → `?before=`), or export the matching entries as CSV or XLSX. An export is
 * itself audited (`export.audit`).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StatsSettings } from '../../core/stats/report.js';
import { AUDIT_MAX_LIMIT, searchAudit, type AuditRecord } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { toCsv, toXlsx } from '../reports/report-format.js';
import { reportSettings } from '../reports/report-service.js';

/** An audit entry as the API shows it (`detail` parsed back to an object). `at` epoch ms. */
export interface AuditEntryPayload {
  readonly id: number;
  readonly at: number;
  readonly actorKind: string;
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly role: string | null;
  readonly ip: string | null;
  readonly action: string;
  readonly method: string | null;
  readonly path: string | null;
  readonly target: string | null;
  readonly status: number | null;
  readonly detail: unknown;
}

/** Presents a stored entry (a `detail` that is not JSON is shown as the text). */
export function presentAuditEntry(record: AuditRecord): AuditEntryPayload {
  let detail: unknown = null;
  if (record.detail !== null) {
    try {
      detail = JSON.parse(record.detail) as unknown;
    } catch {
      detail = record.detail;
    }
  }
  return {
    id: record.id,
    at: record.at,
    actorKind: record.actor_kind,
    actorId: record.actor_id,
    actorName: record.actor_name,
    role: record.role,
    ip: record.ip,
    action: record.action,
    method: record.method,
    path: record.path,
    target: record.target,
    status: record.status,
    detail,
  };
}

const AUDIT_COLUMNS = [
  'id',
  'at',
  'actorKind',
  'actorId',
  'actorName',
  'role',
  'ip',
  'action',
  'method',
  'path',
  'target',
  'status',
  'detail',
];

const AuditQuery = z.object({
  from: z.string().optional().describe('ISO date or date-time (in tz); inclusive'),
  to: z.string().optional().describe('ISO date or date-time (in tz); exclusive'),
  tz: z.string().optional().describe('IANA time zone of from/to (default: the server’s --tz)'),
  actor: z.string().min(1).max(200).optional().describe('actor id or name, exactly'),
  action: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('action, exactly, or a prefix ending with * (export.*)'),
  target: z.string().min(1).max(500).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(AUDIT_MAX_LIMIT)
    .optional()
    .describe(`page size (default 100; exports ${AUDIT_MAX_LIMIT})`),
  before: z.coerce.number().int().positive().optional().describe('`next` of the previous page'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

/** Registers `GET /api/audit`. */
export function registerAuditRoutes(
  base: FastifyInstance,
  options: { readonly db: Db; readonly settings: StatsSettings },
): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = options;

  app.get(
    '/api/audit',
    {
      config: { access: 'audit.view' },
      schema: {
        summary: 'Search the audit log (newest first, keyset pages) or export it (CSV, XLSX)',
        tags: ['audit'],
        querystring: AuditQuery,
      },
    },
    async (request, reply) => {
      const q = request.query;
      const range = reportSettings(options.settings, { from: q.from, to: q.to, tz: q.tz });
      const exporting = q.format !== 'json';
      const page = await searchAudit(db, {
        from: range.from === null ? undefined : range.from * 1000,
        to: range.to === null ? undefined : range.to * 1000,
        actor: q.actor,
        action: q.action,
        target: q.target,
        before: q.before,
        limit: q.limit ?? (exporting ? AUDIT_MAX_LIMIT : 100),
      });
      const entries = page.entries.map(presentAuditEntry);
      if (!exporting) return { entries, next: page.next };
      request.audit('export.audit', {
        detail: {
          format: q.format,
          rows: entries.length,
          filter: {
            from: q.from ?? null,
            to: q.to ?? null,
            actor: q.actor ?? null,
            action: q.action ?? null,
            target: q.target ?? null,
          },
        },
      });
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="callfloor-audit.csv"')
          .send(toCsv(entries, AUDIT_COLUMNS));
      }
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="callfloor-audit.xlsx"')
        .send(await toXlsx(entries, 'audit', AUDIT_COLUMNS));
    },
  );
}
