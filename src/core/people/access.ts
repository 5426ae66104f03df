/**
 * Who may do what: roles, permissions, the signed-in principal and its scope (X05 least
 * privilege; R12 "the direct supervisor"). Pure: the server resolves a principal from a session,
 * an API token or the admin token, then asks these functions.
 *
 * One table (`ROLE_PERMISSIONS`) is the whole policy; docs/security.md prints it and the route ×
 * role test checks every route against it.
 */

/** People's roles (issue #4): agent, team lead (floor supervisor), QA, manager, IT admin. */
export const HUMAN_ROLES = ['agent', 'team_lead', 'qa', 'manager', 'admin'] as const;
/** A person's role. */
export type HumanRole = (typeof HUMAN_ROLES)[number];

/**
 * Roles of API tokens that are not people: `wallboard` (read-only wallboard on a TV) and
 * `integration` (telephony/transcript ingest and reports for other systems). API tokens may also
 * carry a human role.
 */
export const MACHINE_ROLES = ['wallboard', 'integration'] as const;
/** A machine role. */
export type MachineRole = (typeof MACHINE_ROLES)[number];

/** Any role a principal can have. */
export type Role = HumanRole | MachineRole;
/** Every role, humans first. */
export const ROLES: readonly Role[] = [...HUMAN_ROLES, ...MACHINE_ROLES];

/** Every permission a route or an action can require. */
export const PERMISSIONS = [
  /** The wallboard: queue tiles and agent states, customer numbers masked. */
  'wallboard.view',
  /** The floor console and its live stream (agent rows limited to the principal's scope). */
  'floor.view',
  /** Customer numbers unmasked (X05). */
  'customer.numbers',
  /** KPI reports (agent rows limited to the scope). */
  'reports.view',
  /** Report and list exports (CSV, XLSX); always audited. */
  'reports.export',
  /** POST /api/events: telephony events from other systems. */
  'events.ingest',
  /** Supervisor actions on agents: pause, log off, listen/whisper/barge (S4), within the scope. */
  'agents.control',
  /** The people register, teams and seats (read, within the scope). */
  'people.view',
  /** Create and change users, teams, seats, member names; CSV imports. */
  'people.manage',
  /** API and wallboard tokens. */
  'tokens.manage',
  /** The audit log: search and export. */
  'audit.view',
  /** Edit the site's confidentiality text. */
  'confidentiality.edit',
  /** Read QA results (agents: their own; team leads: their teams). */
  'qa.view',
  /** Review QA: override automatic results, manual scorecards, decide appeals. */
  'qa.review',
  /** Upload transcripts (POST /api/transcripts). */
  'transcripts.ingest',
  /** Site configuration (alert thresholds, QA phrase lists). */
  'settings.edit',
] as const;
/** A permission. */
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The policy: each role's permissions. Least privilege (X05): the IT admin manages accounts,
 * tokens and settings but does not see customer numbers or reports; agents see themselves.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  agent: new Set(['wallboard.view', 'floor.view', 'reports.view', 'qa.view']),
  team_lead: new Set([
    'wallboard.view',
    'floor.view',
    'customer.numbers',
    'reports.view',
    'reports.export',
    'agents.control',
    'people.view',
    'qa.view',
  ]),
  qa: new Set([
    'wallboard.view',
    'floor.view',
    'customer.numbers',
    'reports.view',
    'reports.export',
    'people.view',
    'qa.view',
    'qa.review',
    'transcripts.ingest',
  ]),
  manager: new Set([
    'wallboard.view',
    'floor.view',
    'customer.numbers',
    'reports.view',
    'reports.export',
    'agents.control',
    'people.view',
    'audit.view',
    'qa.view',
    'qa.review',
    'settings.edit',
  ]),
  admin: new Set([
    'wallboard.view',
    'floor.view',
    'events.ingest',
    'people.view',
    'people.manage',
    'tokens.manage',
    'audit.view',
    'confidentiality.edit',
    'transcripts.ingest',
    'settings.edit',
  ]),
  wallboard: new Set(['wallboard.view']),
  integration: new Set([
    'wallboard.view',
    'floor.view',
    'reports.view',
    'events.ingest',
    'transcripts.ingest',
  ]),
};

/**
 * The authenticated caller of a request.
 * - `session`: a person signed in with a cookie (CSRF-checked on writes);
 * - `token`: an API token (`Authorization: Bearer …`) or a wallboard token exchanged for a
 *   wallboard session;
 * - `admin_token`: the `CALLFLOOR_ADMIN_TOKEN` of the first start.
 */
export interface Principal {
  readonly kind: 'session' | 'token' | 'admin_token';
  readonly role: Role;
  /** The person's id (user id = the agent id on the floor), null for tokens and the admin token. */
  readonly userId: string | null;
  /** Display name (the person's name, or the token's name). */
  readonly name: string;
  /**
   * Team ids in scope: for a team lead the teams they lead; for an agent their own team (if any);
   * empty otherwise.
   */
  readonly teamIds: readonly string[];
  /** The API token id (kind `token`), else null. */
  readonly tokenId: string | null;
}

/** Whether the principal's role grants the permission. */
export function can(principal: Principal, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].has(permission);
}

/**
 * Whether someone holding `granted` permissions may create an API token acting as `role`:
 * machine roles always; a human role only when it holds nothing more than `granted` (no privilege
 * escalation through tokens: an IT admin cannot mint a manager's token that reads customer
 * numbers). The server checks it; the UI offers only these roles.
 */
export function mayGrantRole(granted: ReadonlySet<string>, role: Role): boolean {
  if ((MACHINE_ROLES as readonly string[]).includes(role)) return true;
  for (const permission of ROLE_PERMISSIONS[role]) if (!granted.has(permission)) return false;
  return true;
}

/**
 * Which agents (people on the floor) a principal may see and act on:
 * `all`; the members of some `teams` (team lead); or only `self` (agent).
 */
export type AgentScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'teams'; readonly teamIds: ReadonlySet<string> }
  | { readonly kind: 'self'; readonly userId: string };

/** The principal's agent scope: team leads their teams, agents themselves, the others all. */
export function agentScope(principal: Principal): AgentScope {
  if (principal.role === 'team_lead') return { kind: 'teams', teamIds: new Set(principal.teamIds) };
  if (principal.role === 'agent') return { kind: 'self', userId: principal.userId ?? '' };
  return { kind: 'all' };
}

/**
 * Whether an agent is in scope.
 * @param agent the agent id (person id when mapped, else the member name) and the person's team
 *   (null: no team, or an unmapped member name — visible to `all` scopes only)
 */
export function inScope(scope: AgentScope, agent: { id: string; teamId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'teams':
      return agent.teamId !== null && scope.teamIds.has(agent.teamId);
    case 'self':
      return agent.id === scope.userId;
  }
}

/**
 * Masks a customer number for roles without `customer.numbers` (X05), keeping enough to tell
 * calls apart: 8+ digits keep the first 4 and last 3 (`0912345678` → `0912***678`, the example of
 * floor-api.md); 5–7 keep the first 2 and last 2; shorter numbers and names become `***`.
 * A leading `+` is kept. `null` stays `null`.
 */
export function maskNumber(value: string | null): string | null {
  if (value === null) return null;
  const plus = value.startsWith('+') ? '+' : '';
  const digits = value.slice(plus.length);
  if (!/^\d+$/.test(digits)) return '***';
  if (digits.length >= 8) return `${plus}${digits.slice(0, 4)}***${digits.slice(-3)}`;
  if (digits.length >= 5) return `${plus}${digits.slice(0, 2)}***${digits.slice(-2)}`;
  return '***';
}
