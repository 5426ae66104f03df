/**
 * `GET /api/calls` (permission `reports.view`; CSV/XLSX exports also `reports.export`): the closed
 * queue-calls (stored, and closed but not yet committed) with caller numbers, limited to the principal's scope, numbers masked without
 * `customer.numbers`. Audited: `read.customer_data` when unmasked numbers are shown, and
 * `export.calls` for every export.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../core/people/access.js';
import type { StatsSettings } from '../../core/stats/report.js';
import type { Db } from '../../db/database.js';
import type { TeamOf } from '../access/principal-view.js';
import type { LiveRecordSource } from '../reports/report-service.js';
import { AppError } from '../errors.js';
import { callsCsv, callsXlsx, listCalls } from './calls-service.js';

const CallsQuery = z.object({
  from: z.string().optional().describe('ISO date or date-time (in tz); inclusive'),
  to: z.string().optional().describe('ISO date or date-time (in tz); exclusive'),
  tz: z.string().optional().describe('IANA time zone (default: the server’s --tz)'),
  queue: z.string().min(1).optional(),
  agent: z.string().min(1).optional().describe('agent id (person id or member name)'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

/** Registers `GET /api/calls`. */
export function registerCallsRoutes(
  base: FastifyInstance,
  options: {
    readonly db: Db;
    readonly settings: StatsSettings;
    readonly teamOf: TeamOf;
    /** The ingest service (calls closed but not yet committed are listed too), or null. */
    readonly live: LiveRecordSource | null;
  },
): void {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/calls',
    {
      config: { access: 'reports.view' },
      schema: {
        summary: 'Closed queue-calls with caller numbers (JSON, CSV or XLSX), within your scope',
        tags: ['reports'],
        querystring: CallsQuery,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const q = request.query;
      if (q.format !== 'json' && !can(principal, 'reports.export')) {
        throw new AppError('forbidden', 'your role may not export', 'format');
      }
      const list = await listCalls(
        options.db,
        principal,
        q,
        options.settings,
        options.teamOf,
        options.live,
      );
      const filter = {
        from: list.from,
        to: list.to,
        queue: q.queue ?? null,
        agent: q.agent ?? null,
      };
      if (list.customerData) {
        request.audit('read.customer_data', {
          target: 'calls',
          detail: { ...filter, rows: list.calls.length },
        });
      }
      if (q.format === 'json') {
        return { calls: list.calls, truncated: list.truncated };
      }
      request.audit('export.calls', {
        target: 'calls',
        detail: {
          ...filter,
          format: q.format,
          rows: list.calls.length,
          callerNumbers: list.customerData ? 'unmasked' : 'masked',
        },
      });
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="callfloor-calls.csv"')
          .send(callsCsv(list.calls));
      }
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="callfloor-calls.xlsx"')
        .send(await callsXlsx(list.calls));
    },
  );
}
