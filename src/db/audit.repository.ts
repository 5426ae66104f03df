/**
 * The audit log (X05, issue #4): append one entry, search entries newest first with keyset
 * pagination. Append-only: the migration's triggers make the database refuse UPDATE and DELETE on
 * `audit_log`, so this repository offers neither. Kysely only: no business rules here.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { AuditLogTable, Db } from './database.js';

/** An entry to append (the id is assigned by the database). `at` epoch ms; `detail` JSON text. */
export type NewAuditEntry = Omit<Insertable<AuditLogTable>, 'id'>;

/** A stored audit entry as read back: `id` increases with each append; `at` epoch ms. */
export interface AuditRecord extends Omit<Selectable<AuditLogTable>, 'id'> {
  readonly id: number;
}

/**
 * Appends one audit entry.
 * @throws the database error when the insert fails (callers decide whether a failed audit write
 *   must fail the request)
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Largest page `searchAudit` returns. */
export const AUDIT_MAX_LIMIT = 5000;

/**
 * A search of the audit log. Every given field narrows the result (AND).
 * - `from` / `to`: epoch ms, `from <= at < to`;
 * - `actor`: the actor's id or name, exactly;
 * - `action`: exactly, or a prefix when it ends with `*` (`export.*`);
 * - `target`: exactly;
 * - `limit`: page size, 1..`AUDIT_MAX_LIMIT`;
 * - `before`: keyset cursor, only entries with `id < before` (the `next` of the previous page).
 */
export interface AuditFilter {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly target?: string | undefined;
  readonly limit: number;
  readonly before?: number | undefined;
}

/** One page of entries, newest first; `next` is the `before` of the next page (null: last). */
export interface AuditPage {
  readonly entries: AuditRecord[];
  readonly next: number | null;
}

/**
 * Searches the audit log, newest first (by id, i.e. append order), one page at a time.
 * @throws RangeError when `limit` is outside 1..AUDIT_MAX_LIMIT
 */
export async function searchAudit(db: Db, filter: AuditFilter): Promise<AuditPage> {
  if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > AUDIT_MAX_LIMIT) {
    throw new RangeError(`limit must be an integer in 1..${AUDIT_MAX_LIMIT}: ${filter.limit}`);
  }
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  if (filter.target !== undefined) query = query.where('target', '=', filter.target);
  const actor = filter.actor;
  if (actor !== undefined) {
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_name', '=', actor)]));
  }
  const action = filter.action;
  if (action !== undefined) {
    if (action.endsWith('*')) {
      // substr instead of LIKE: exact (no wildcards in the prefix) and case-sensitive on both.
      const prefix = action.slice(0, -1);
      if (prefix !== '') {
        query = query.where(sql<string>`substr(action, 1, ${prefix.length})`, '=', prefix);
      }
    } else {
      query = query.where('action', '=', action);
    }
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  const entries = rows.slice(0, filter.limit).map(toRecord);
  const last = entries.at(-1);
  return { entries, next: more && last !== undefined ? last.id : null };
}

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  // pg returns bigserial (int8) as a string.
  return {
    ...row,
    id: Number(row.id),
    at: Number(row.at),
    status: row.status === null ? null : Number(row.status),
  };
}
