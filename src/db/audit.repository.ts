/**
 * The audit log (X05): append-only (the migration's triggers refuse UPDATE and DELETE).
 */
import type { Insertable } from 'kysely';
import type { AuditLogTable, Db } from './database.js';

/** Appends one entry. */
export async function appendAudit(
  db: Db,
  entry: Omit<Insertable<AuditLogTable>, 'id'>,
): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}
