/**
 * The action keys of the audit log (docs/security.md "The audit log"): what a route names its
 * entry with `request.audit(action, …)`. The list is the contract between the server, which may
 * only write these keys (the type of `request.audit` is {@link AuditAction}), and the audit page,
 * which shows each with a translated label (`auditAction.<key>` in the web i18n files; a test
 * checks every key has one in all three languages).
 *
 * Entries the auth plugin writes by itself for writes and exports without a route key are
 * `<METHOD> <route>` / `export <route>` (e.g. `POST /api/people`) and are not listed here: the audit
 * page shows them as they are.
 */
export const AUDIT_ACTIONS = [
  'agent.logoff',
  'agent.pause',
  'agent.spy',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.password_failed',
  'auth.setup',
  'auth.wallboard_session',
  'auth.wallboard_token_failed',
  'confidentiality.accept',
  'confidentiality.publish',
  'export.audit',
  'export.calls',
  'export.qa_report',
  'export.reports',
  'people.create',
  'people.import',
  'people.import_rejected',
  'people.member_names',
  'people.update',
  'qa.ack',
  'qa.appeal',
  'qa.appeal_decision',
  'qa.config',
  'qa.override',
  'qa.scorecard',
  'qa.violation',
  'read.customer_data',
  'tokens.create',
  'tokens.revoke',
  'transcripts.ingest',
] as const;

/** An audit action key of {@link AUDIT_ACTIONS}. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** Whether `action` is one of the listed keys (false for `POST /api/…` fallback entries). */
export function isAuditAction(action: string): action is AuditAction {
  return KNOWN.has(action);
}
