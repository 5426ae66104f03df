/**
 * View-model of the admin and audit pages: reading the answers of the people, import, token and
 * audit APIs (tolerant of list wrappers), the audit search URL, and the wallboard URL of a new
 * token. Pure: no fetch, no DOM.
 */
import { isAuditAction } from '../../../src/core/people/audit-actions.js';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The list in an API answer: the body itself when it is an array, else the first array among
 * `keys` (e.g. `{people:[…]}`, `{items:[…]}`); empty when there is none.
 */
export function listOf(body: unknown, keys: readonly string[]): unknown[] {
  if (Array.isArray(body)) return body;
  const b = record(body);
  for (const k of [...keys, 'items', 'rows', 'data']) {
    const v = b[k];
    if (Array.isArray(v)) return v;
  }
  return [];
}

/** A person in the admin list (`GET /api/people`). */
export interface PersonRow {
  id: string;
  name: string;
  role: string;
  teamId: string | null;
  email: string | null;
  phone: string | null;
  active: boolean;
}

/** Reads `GET /api/people` (`[…]` or `{people:[…]}`); rows without an id are dropped. */
export function parsePeople(body: unknown): PersonRow[] {
  return listOf(body, ['people', 'users']).flatMap((raw) => {
    const p = record(raw);
    const id = str(p.id);
    if (id === null) return [];
    return [
      {
        id,
        name: str(p.name) ?? id,
        role: str(p.role) ?? '',
        teamId: str(p.teamId ?? p.team_id ?? p.team),
        email: str(p.email),
        phone: str(p.phone),
        active: p.active !== false && p.active !== 0,
      },
    ];
  });
}

/** One refused row of a CSV import: the file's line, the field and why. */
export interface ImportRowError {
  line: number | null;
  field: string | null;
  reason: string;
}

/**
 * The row errors of a refused import (`400 {error:{code,message}, problems:[{line,field,reason}]}`;
 * `rows` also read), sorted by line; an answer without them gives none.
 */
export function parseImportErrors(body: unknown): ImportRowError[] {
  return listOf(body, ['rows', 'problems', 'errors'])
    .map((raw) => {
      const r = record(raw);
      return {
        line: num(r.line),
        field: str(r.field),
        reason: str(r.reason) ?? str(r.message) ?? '',
      };
    })
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** An API or wallboard token in the admin list (`GET /api/tokens`); never its secret. */
export interface TokenRow {
  id: string;
  name: string;
  role: string;
  /** Epoch ms, or null. */
  createdAt: number | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** Reads `GET /api/tokens` (`[…]` or `{tokens:[…]}`). */
export function parseTokens(body: unknown): TokenRow[] {
  return listOf(body, ['tokens']).flatMap((raw) => {
    const t = record(raw);
    const id = str(t.id);
    if (id === null) return [];
    return [
      {
        id,
        name: str(t.name) ?? id,
        role: str(t.role) ?? '',
        createdAt: num(t.createdAt ?? t.created_at),
        lastUsedAt: num(t.lastUsedAt ?? t.last_used_at),
        expiresAt: num(t.expiresAt ?? t.expires_at),
        revokedAt: num(t.revokedAt ?? t.revoked_at),
      },
    ];
  });
}

/**
 * What `POST /api/tokens` returns once (`{token, secret, wallboardPath}`): the secret and, for a
 * wallboard token, its absolute URL.
 */
export interface CreatedToken {
  id: string;
  name: string;
  role: string;
  secret: string;
  /** The absolute wallboard URL (`/wallboard?token=…`), or null for other roles. */
  wallboardUrl: string | null;
}

/**
 * Reads `POST /api/tokens` (`{token:{id,name,role}, secret, wallboardPath | wallboardUrl}`), made
 * absolute against `origin`. When the server gives none for a wallboard token, it is built.
 * @throws Error when the answer has no secret
 */
export function parseCreatedToken(body: unknown, origin: string): CreatedToken {
  const b = record(body);
  const t = record(b.token);
  const secret = str(b.secret);
  if (secret === null) throw new Error('POST /api/tokens: no secret in the answer');
  const role = str(t.role) ?? str(b.role) ?? '';
  const given = str(b.wallboardUrl) ?? str(b.wallboardPath);
  return {
    id: str(t.id) ?? str(b.id) ?? '',
    name: str(t.name) ?? str(b.name) ?? '',
    role,
    secret,
    wallboardUrl:
      given !== null
        ? new URL(given, origin).href
        : role === 'wallboard'
          ? wallboardUrl(origin, secret)
          : null,
  };
}

/** The URL that opens a read-only wallboard with a wallboard token's secret. */
export function wallboardUrl(origin: string, secret: string): string {
  return `${origin.replace(/\/+$/, '')}/wallboard?token=${encodeURIComponent(secret)}`;
}

/** The audit search form. Dates are calendar days `YYYY-MM-DD` (empty = open). */
export interface AuditQuery {
  fromDate: string;
  toDate: string;
  actor: string;
  action: string;
}

/**
 * The audit search URL (`GET /api/audit?from&to&tz&actor&action[&before][&format=csv]`): whole
 * days in `timeZone`, `from` inclusive and `to` the day after `toDate` (exclusive, as the API
 * reads it); empty fields are left out. `action` may end with `*` for a prefix (`export.*`).
 * @param before the `next` of the previous page (keyset paging), or null
 */
export function auditUrl(
  query: AuditQuery,
  timeZone: string,
  format: 'json' | 'csv' = 'json',
  before: number | null = null,
): string {
  const params = new URLSearchParams();
  if (query.fromDate) params.set('from', query.fromDate);
  if (query.toDate) params.set('to', nextDay(query.toDate));
  if (query.fromDate || query.toDate) params.set('tz', timeZone);
  if (query.actor.trim()) params.set('actor', query.actor.trim());
  if (query.action.trim()) params.set('action', query.action.trim());
  if (before !== null) params.set('before', String(before));
  if (format !== 'json') params.set('format', format);
  const qs = params.toString();
  return qs ? `/api/audit?${qs}` : '/api/audit';
}

/** The keyset cursor of the next audit page (`next`), or null on the last page. */
export function auditNext(body: unknown): number | null {
  return num(record(body).next);
}

/** The calendar day after `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return next.toISOString().slice(0, 10);
}

/** One audit entry (`GET /api/audit`). */
export interface AuditRow {
  id: string;
  /** Epoch ms. */
  at: number;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  target: string | null;
  status: number | null;
}

/**
 * The translation key of an audit action's label (`audit.actions.<action>`), or null for an action
 * that is not one of the server's keys (`AUDIT_ACTIONS`, e.g. the plugin's `POST /api/…` entries),
 * which the page shows as it is.
 */
export function auditActionKey(action: string): string | null {
  return isAuditAction(action) ? `audit.actions.${action}` : null;
}

/** Reads `GET /api/audit` (`[…]` or `{entries:[…]}`), camelCase or column names. */
export function parseAudit(body: unknown): AuditRow[] {
  return listOf(body, ['entries', 'audit']).flatMap((raw, i) => {
    const e = record(raw);
    const at = num(e.at);
    const action = str(e.action);
    if (at === null || action === null) return [];
    return [
      {
        id: str(e.id) ?? String(i),
        at,
        actorKind: str(e.actorKind ?? e.actor_kind) ?? '',
        actorId: str(e.actorId ?? e.actor_id),
        actorName: str(e.actorName ?? e.actor_name),
        role: str(e.role),
        ip: str(e.ip),
        action,
        target: str(e.target),
        status: num(e.status),
      },
    ];
  });
}

/** The three texts of the confidentiality editor and reader (`GET /api/confidentiality`). */
export interface ConfidentialityTexts {
  version: number;
  texts: { en: string; 'zh-TW': string; 'zh-CN': string };
}

/** Reads `GET /api/confidentiality` (`{version, texts:{en,'zh-TW','zh-CN'}}`). */
export function parseConfidentiality(body: unknown): ConfidentialityTexts {
  const b = record(body);
  const t = record(b.texts);
  return {
    version: num(b.version) ?? 0,
    texts: { en: str(t.en) ?? '', 'zh-TW': str(t['zh-TW']) ?? '', 'zh-CN': str(t['zh-CN']) ?? '' },
  };
}
