/**
 * The signed-in principal as the UI sees it (issue #4, X05): the answers of `GET /api/auth/me` and
 * `GET /api/auth/state`, which page a visitor must see first, which pages the role may open, and
 * the translation key of each API error code. Pure: no fetch, no DOM.
 *
 * The server enforces every permission (src/server/auth/auth-plugin.ts); the UI only hides what
 * the role may not use, so a hidden page is a courtesy, never a protection.
 */
import type { Route } from '../router.js';
import type { UiLanguage } from './language.js';

/** The signed-in principal (`GET /api/auth/me`). */
export interface Me {
  /** `session` (a person), `token` (an API or wallboard token), `admin_token`. */
  kind: 'session' | 'token' | 'admin_token';
  /** Display name (the person's, or the token's). */
  name: string;
  /** Role id (`agent`, `team_lead`, `qa`, `manager`, `admin`, `wallboard`, `integration`). */
  role: string;
  /** The person, null for tokens. */
  user: {
    id: string;
    name: string;
    role: string;
    teamIds: string[];
    /** The person's UI language, or null (the browser's then). */
    language: UiLanguage | null;
  } | null;
  /** Permissions of the role (core/people/access.ts `PERMISSIONS`). */
  permissions: ReadonlySet<string>;
  /** The `x-csrf-token` header value for writes; null for bearer principals. */
  csrfToken: string | null;
  /** The confidentiality text version the person must accept first, or null. */
  confidentialityVersion: number | null;
  /** A temporary password must be changed before anything else. */
  mustChangePassword: boolean;
}

/** A demo account listed on the sign-in page in demo mode. */
export interface DemoAccount {
  id: string;
  name: string;
  role: string;
  /** The demo password (demo mode only), or null when the server does not list it. */
  password: string | null;
}

/** Sign-in page facts (`GET /api/auth/state`, public). */
export interface AuthState {
  /** No admin exists and no admin token is set: the first visit creates the admin. */
  setupRequired: boolean;
  demo: boolean;
  demoUsers: DemoAccount[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function uiLanguage(value: unknown): UiLanguage | null {
  return value === 'en' || value === 'zh-TW' || value === 'zh-CN' ? value : null;
}

/**
 * Reads the body of `GET /api/auth/me` (contract: `{kind, name, role, user:{id,name,role,teamIds,
 * language}|null, permissions[], csrfToken, confidentiality:{required,version},
 * mustChangePassword}`). Missing fields fall back to the safe side: no permissions, no steps.
 * @throws Error when the body has neither a role nor a user (not a `me` answer)
 */
export function parseMe(body: unknown): Me {
  const b = record(body);
  const u = b.user === null || b.user === undefined ? null : record(b.user);
  const role = str(b.role) ?? (u ? str(u.role) : null);
  if (role === null) throw new Error('GET /api/auth/me: no role in the answer');
  const name = str(b.name) ?? (u ? str(u.name) : null) ?? '';
  const kind = b.kind === 'token' || b.kind === 'admin_token' ? b.kind : 'session';
  const conf = record(b.confidentiality);
  const version = typeof conf.version === 'number' ? conf.version : null;
  const permissions = Array.isArray(b.permissions)
    ? b.permissions.filter((p): p is string => typeof p === 'string')
    : [];
  return {
    kind,
    name,
    role,
    user:
      u === null
        ? null
        : {
            id: str(u.id) ?? '',
            name: str(u.name) ?? name,
            role: str(u.role) ?? role,
            teamIds: Array.isArray(u.teamIds)
              ? u.teamIds.filter((x): x is string => typeof x === 'string')
              : [],
            language: uiLanguage(u.language),
          },
    permissions: new Set(permissions),
    csrfToken: str(b.csrfToken),
    confidentialityVersion: conf.required === true ? version : null,
    mustChangePassword: b.mustChangePassword === true,
  };
}

/** Reads the body of `GET /api/auth/state`; unknown shapes mean "no setup, no demo". */
export function parseAuthState(body: unknown): AuthState {
  const b = record(body);
  const users = Array.isArray(b.demoUsers) ? b.demoUsers : [];
  return {
    setupRequired: b.setupRequired === true,
    demo: b.demo === true,
    demoUsers: users.flatMap((raw) => {
      const u = record(raw);
      const id = str(u.id);
      if (id === null) return [];
      return [{ id, name: str(u.name) ?? id, role: str(u.role) ?? '', password: str(u.password) }];
    }),
  };
}

/**
 * What the visitor sees instead of the app, in order: the first-admin form (nobody signed in and
 * `setupRequired`), the sign-in form, the confidentiality text (X05: before anything else), the
 * password change (temporary password), else the app.
 */
export type Gate = 'setup' | 'login' | 'confidentiality' | 'password' | 'app';

/**
 * The gate for a visitor.
 * @param me the principal, or null when `GET /api/auth/me` answered 401
 * @param state the sign-in facts (only read when `me` is null; null = not known yet → login)
 */
export function gateOf(me: Me | null, state: AuthState | null): Gate {
  if (me === null) return state?.setupRequired === true ? 'setup' : 'login';
  if (me.confidentialityVersion !== null) return 'confidentiality';
  if (me.mustChangePassword) return 'password';
  return 'app';
}

/**
 * The permissions that open each page (any of them). The account page (own password) is open to
 * every person.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<Route, readonly string[]>> = {
  floor: ['floor.view'],
  wallboard: ['wallboard.view'],
  reports: ['reports.view'],
  qa: ['qa.view'],
  admin: ['people.manage', 'tokens.manage', 'confidentiality.edit'],
  audit: ['audit.view'],
  account: [],
};

/** Whether the principal may open a page (`account`: people only, not tokens). */
export function canOpen(me: Me, route: Route): boolean {
  if (route === 'account') return me.kind === 'session' && me.user !== null;
  return ROUTE_PERMISSIONS[route].some((p) => me.permissions.has(p));
}

/** The pages of the navigation, in order, that the principal may open. */
export function navRoutes(me: Me): Route[] {
  const order: Route[] = ['floor', 'wallboard', 'reports', 'qa', 'admin', 'audit'];
  return order.filter((r) => canOpen(me, r));
}

/**
 * A wallboard-only principal (the wallboard token's session): the app shows the wallboard and no
 * navigation at all.
 */
export function isWallboardOnly(me: Me): boolean {
  return me.permissions.has('wallboard.view') && !me.permissions.has('floor.view');
}

/**
 * The page to land on when the requested one is not allowed: the floor, else the wallboard, else
 * null (nothing to show).
 */
export function homeRoute(me: Me): Route | null {
  if (canOpen(me, 'floor')) return 'floor';
  if (canOpen(me, 'wallboard')) return 'wallboard';
  return null;
}

/**
 * The sections of the admin page and the permission each needs. `qa` is the site's QA settings
 * editor (`GET/PUT /api/qa/config`, `settings.edit`), also on the QA page: here for the IT admin,
 * who may not open the QA page (`qa.view`: evaluations and transcripts are personal data). A
 * manager, who has no other admin section, edits them on the QA page.
 */
export const ADMIN_SECTIONS = [
  { id: 'people', permission: 'people.manage' },
  { id: 'import', permission: 'people.manage' },
  { id: 'tokens', permission: 'tokens.manage' },
  { id: 'confidentiality', permission: 'confidentiality.edit' },
  { id: 'qa', permission: 'settings.edit' },
] as const;
/** A section of the admin page. */
export type AdminSection = (typeof ADMIN_SECTIONS)[number]['id'];

/** The admin sections the principal may use, in order. */
export function adminSections(me: Me): AdminSection[] {
  return ADMIN_SECTIONS.filter((s) => me.permissions.has(s.permission)).map((s) => s.id);
}

/** Error codes of the API (`{error:{code}}`, src/server/errors.ts) with their own message. */
const KNOWN_CODES = new Set([
  'invalid_request',
  'unauthorized',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'csrf',
  'confidentiality_required',
  'password_change_required',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'network',
]);

/**
 * The translation key (`errors.*`) of an API error code; unknown codes get `errors.unknown`.
 * Wrong id and wrong password share `invalid_credentials`: one generic message that tells no one
 * which ids exist or which accounts are locked.
 */
export function errorKey(code: string): string {
  return KNOWN_CODES.has(code) ? `errors.${code}` : 'errors.unknown';
}

/** HTTP methods that change something: they carry `x-csrf-token`. */
export function isWrite(method: string): boolean {
  return ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method.toUpperCase());
}

/**
 * What a failed API answer means for the whole app (not just the request):
 * `signed_out` (401 other than a wrong password: the session ended), `confidentiality` and
 * `password` (the person must take that step first), or `none` (the page shows the error).
 */
export type AuthFailure = 'signed_out' | 'confidentiality' | 'password' | 'none';

/** Classifies a failed answer by status and error code (see {@link AuthFailure}). */
export function authFailureOf(status: number, code: string | null): AuthFailure {
  if (status === 401 && code !== 'invalid_credentials') return 'signed_out';
  if (status === 403 && code === 'confidentiality_required') return 'confidentiality';
  if (status === 403 && code === 'password_change_required') return 'password';
  return 'none';
}

/**
 * The UI language to start in: an explicit choice in this browser wins, then the person's
 * language from the server, then the browser's (already in `current`).
 */
export function languageAfterSignIn(
  explicitChoice: boolean,
  current: UiLanguage,
  me: Me,
): UiLanguage {
  if (explicitChoice) return current;
  return me.user?.language ?? current;
}
