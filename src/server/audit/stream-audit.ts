/**
 * Audit entries for requests whose reply is hijacked (WebSocket upgrades, server-sent event
 * streams): the auth plugin writes `request.audit(…)` entries when a reply is sent, which a
 * stream never does, so these are appended at once with the same fields.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditAction } from '../../core/people/audit-actions.js';
import type { AuditFields } from '../auth/auth-plugin.js';
import { appendAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';

/**
 * Appends an entry for a streaming request now (who, when, from where, what).
 * A failed write is logged, not thrown: the stream is already open.
 * @param status the HTTP status the stream began with (101 WebSocket, 200 SSE)
 */
export async function auditStream(
  db: Db,
  request: FastifyRequest,
  action: AuditAction,
  fields: AuditFields,
  status: number,
  at: number,
): Promise<void> {
  const principal = request.principal;
  try {
    await appendAudit(db, {
      at,
      actor_kind: principal?.kind ?? 'anonymous',
      actor_id: principal?.userId ?? principal?.tokenId ?? null,
      actor_name: principal?.name ?? null,
      role: principal?.role ?? null,
      ip: request.ip,
      action,
      method: request.method,
      path: request.url.split('?')[0] ?? null,
      target: fields.target ?? null,
      status,
      detail: fields.detail === undefined ? null : JSON.stringify(fields.detail),
    });
  } catch (error) {
    request.log.error({ err: error, action }, 'audit entry not written');
  }
}
