/**
 * Authentication, authorization and audit for every route (issue #4, X05).
 *
 * - Who: `request.principal` from `Authorization: Bearer …` (an API token, or the first-start
 *   `CALLFLOOR_ADMIN_TOKEN`) or the `callfloor_session` cookie (a person, or a wallboard token
 *   exchanged for a wallboard-only session).
 * - May they: every route declares `config.access` (`public`, `authenticated`, a permission or a
 *   list of permissions any of which suffices); a route without it stops the app from starting.
 *   401 `unauthenticated` without a principal, 403 `forbidden` without the permission, 403
 *   `confidentiality_required` / `password_change_required` for a person who must first accept
 *   the confidentiality text or change a temporary password. Cookie writes need `x-csrf-token`.
 * - Trace: every write (non-GET) and every `request.audit(…)` call is appended to `audit_log`
 *   before the response is sent; GET exports (`?format=csv|xlsx`) are audited automatically.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ROLES,
  can,
  type Permission,
  type Principal,
  type Role,
} from '../../core/people/access.js';
import type { AuditAction } from '../../core/people/audit-actions.js';
import type { DatabaseHandle } from '../../db/database.js';
import { appendAudit } from '../../db/audit.repository.js';
import {
  findSession,
  findUserForAuth,
  hasAcceptedConfidentiality,
  latestConfidentialityText,
  metaValueOrCreate,
  teamsLedBy,
  touchSession,
} from '../../db/auth.repository.js';
import {
  findActiveTokenByHash,
  findActiveTokenById,
  touchApiToken,
} from '../../db/tokens.repository.js';
import { AppError } from '../errors.js';
import { randomSecret, secretsEqual, sha256Hex } from './secrets.js';

/** What a route requires: see the module comment. */
export type Access = 'public' | 'authenticated' | Permission | readonly Permission[];

/** Optional fields of an audit entry a route adds. */
export interface AuditFields {
  /** What it concerned (a user id, a report kind, an evaluation id…). */
  readonly target?: string | null;
  /** Details (JSON-serialisable; never secrets or passwords). */
  readonly detail?: Record<string, unknown>;
}

/** What the signed-in person still has to do before using the app. */
export interface PendingSteps {
  /** The confidentiality text version to accept, or null. */
  readonly confidentialityVersion: number | null;
  readonly mustChangePassword: boolean;
}

/** A route and who may call it (the route x role test walks this list). */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after the auth hook, with its declared access. */
    routeAccess: readonly RouteAccess[];
  }
  interface FastifyContextConfig {
    /** Who may call the route (required on every route). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The authenticated caller, or null. */
    principal: Principal | null;
    /** The session's id hash when the principal came from the session cookie, else null. */
    sessionIdHash: string | null;
    /** Steps the session person must take first (null for tokens). */
    pending: PendingSteps | null;
    /** Audit entries this request adds (written before the response is sent). */
    auditEntries: { action: string; fields: AuditFields }[];
    /**
     * Adds an audit entry for this request (reads of customer data, exports, sign-in…). The
     * action is a key of `AUDIT_ACTIONS` (src/core/people/audit-actions.ts), which the audit page
     * translates.
     */
    audit(action: AuditAction, fields?: AuditFields): void;
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'callfloor_session';
/** Session lifetime after the last request: a long shift (12 h), sliding. */
export const SESSION_IDLE_MS = 12 * 3600 * 1000;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes from plugins that serve no data of ours (UI files, API docs). */
const PLUGIN_ROUTES = [/^\/\*$/, /^\/api\/docs(\/|$)/];

/** Options of {@link installAuth}. */
export interface AuthOptions {
  readonly database: DatabaseHandle;
  /** `CALLFLOOR_ADMIN_TOKEN`: accepted as an admin bearer token; null = none. */
  readonly adminToken: string | null;
  /** Mark cookies `Secure`: `auto` = when the request came over HTTPS. */
  readonly secureCookies: boolean | 'auto';
  readonly now: () => number;
}

/** Whether a string is a role. */
function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Sets the session cookie (HTTP-only, SameSite=Lax, Secure over HTTPS). */
export function setSessionCookie(
  reply: FastifyReply,
  value: string,
  secure: boolean | 'auto',
  maxAgeMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'auto' ? reply.request.protocol === 'https' : secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The principal of an API or wallboard token: its role, no person, no team scope. */
function tokenPrincipal(id: string, name: string, role: Role): Principal {
  return { kind: 'token', role, userId: null, name, teamIds: [], tokenId: id };
}

/** The principal of a person (scope: the teams they lead, or their own team). */
export async function personPrincipal(
  database: DatabaseHandle,
  user: { id: string; name: string; role: string; team_id: string | null },
): Promise<Principal | null> {
  if (!isRole(user.role)) return null;
  const teamIds =
    user.role === 'team_lead'
      ? await teamsLedBy(database.db, user.id)
      : user.team_id !== null
        ? [user.team_id]
        : [];
  return {
    kind: 'session',
    role: user.role,
    userId: user.id,
    name: user.name,
    teamIds,
    tokenId: null,
  };
}

/**
 * Installs cookies, CSRF protection, principal resolution, the access check and the audit hook on
 * the root instance. Call before registering routes.
 * @throws at route registration when a route has no `config.access`
 */
export async function installAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const { database, now } = options;
  const routeAccess: RouteAccess[] = [];
  const cookieSecret = await metaValueOrCreate(database.db, 'cookie_secret', () => randomSecret());
  await app.register(fastifyCookie, { secret: cookieSecret });
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true },
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('sessionIdHash', null);
  app.decorateRequest('pending', null);
  app.decorateRequest('auditEntries', null as unknown as { action: string; fields: AuditFields }[]);
  app.decorateRequest(
    'audit',
    function (this: FastifyRequest, action: AuditAction, fields?: AuditFields) {
      this.auditEntries.push({ action, fields: fields ?? {} });
    },
  );

  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.access !== undefined) {
      for (const method of methods) {
        if (method !== 'HEAD') {
          routeAccess.push({ method, url: route.url, access: route.config.access });
        }
      }
      return;
    }
    if (PLUGIN_ROUTES.some((pattern) => pattern.test(route.url))) return;
    throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
  });

  /** Records when a token was last used (at most once a minute: the token list shows it). */
  async function touchToken(
    token: { id: string; last_used_at: number | null },
    at: number,
  ): Promise<void> {
    if (token.last_used_at === null || at - token.last_used_at > 60_000) {
      await touchApiToken(database.db, token.id, at);
    }
  }

  async function resolve(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (header !== undefined && header !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (match === null) {
        throw new AppError('unauthenticated', 'Authorization must be "Bearer <token>"');
      }
      const secret = match[1] as string;
      if (options.adminToken !== null && secretsEqual(secret, options.adminToken)) {
        request.principal = {
          kind: 'admin_token',
          role: 'admin',
          userId: null,
          name: 'CALLFLOOR_ADMIN_TOKEN',
          teamIds: [],
          tokenId: null,
        };
        return;
      }
      const at = now();
      const token = await findActiveTokenByHash(database.db, sha256Hex(secret), at);
      if (token === undefined || !isRole(token.role)) {
        throw new AppError('unauthenticated', 'unknown, expired or revoked token');
      }
      await touchToken(token, at);
      request.principal = tokenPrincipal(token.id, token.name, token.role);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie === undefined || cookie === '') return;
    const idHash = sha256Hex(cookie);
    const at = now();
    const session = await findSession(database.db, idHash, at);
    if (session === undefined) return;
    if (session.token_id !== null) {
      const token = await findActiveTokenById(database.db, session.token_id, at);
      if (token === undefined || !isRole(token.role)) return;
      await touchToken(token, at);
      request.principal = tokenPrincipal(token.id, token.name, token.role);
    } else if (session.user_id !== null) {
      const user = await findUserForAuth(database.db, session.user_id);
      if (user === undefined || user.active !== 1) return;
      const principal = await personPrincipal(database, user);
      if (principal === null) return;
      request.principal = principal;
      const text = await latestConfidentialityText(database.db);
      const accepted =
        text === undefined ||
        (await hasAcceptedConfidentiality(database.db, user.id, text.version));
      request.pending = {
        confidentialityVersion: accepted || text === undefined ? null : text.version,
        mustChangePassword: user.must_change_password === 1,
      };
    } else {
      return;
    }
    request.sessionIdHash = idHash;
    // Slide the expiry at most once a minute.
    if (at - session.last_seen_at > 60_000) {
      await touchSession(database.db, idHash, at, at + SESSION_IDLE_MS);
    }
  }

  app.addHook('onRequest', async (request) => {
    request.auditEntries = [];
    const access = request.routeOptions.config.access;
    await resolve(request);
    if (access === undefined || access === 'public') return;
    const principal = request.principal;
    if (principal === null) throw new AppError('unauthenticated', 'sign in first');
    if (access === 'authenticated') return;
    const needed: readonly Permission[] = typeof access === 'string' ? [access] : access;
    if (!needed.some((permission) => can(principal, permission))) {
      throw new AppError('forbidden', 'your role may not do this');
    }
    if ((request.pending?.confidentialityVersion ?? null) !== null) {
      throw new AppError(
        'confidentiality_required',
        'accept the confidentiality text first (GET /api/confidentiality)',
      );
    }
    if (request.pending?.mustChangePassword === true) {
      throw new AppError('password_change_required', 'change your temporary password first');
    }
  });

  // CSRF: cookie-authenticated writes carry the token from GET /api/auth/me (`x-csrf-token`).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.sessionIdHash !== null && UNSAFE_METHODS.has(request.method)) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entries = request.auditEntries ?? [];
    const isWrite = UNSAFE_METHODS.has(request.method);
    const format = (request.query as Record<string, unknown> | undefined)?.format;
    const isExport = request.method === 'GET' && (format === 'csv' || format === 'xlsx');
    if (entries.length === 0 && !isWrite && !isExport) return payload;
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    if (entries.length === 0) {
      entries.push({
        action: isExport ? `export ${route}` : `${request.method} ${route}`,
        fields: {},
      });
    }
    const principal = request.principal;
    for (const entry of entries) {
      await appendAudit(database.db, {
        at: now(),
        actor_kind: principal?.kind ?? 'anonymous',
        actor_id: principal?.userId ?? principal?.tokenId ?? null,
        actor_name: principal?.name ?? null,
        role: principal?.role ?? null,
        ip: request.ip,
        action: entry.action,
        method: request.method,
        path: request.url.split('?')[0] ?? null,
        target:
          entry.fields.target ??
          (Object.keys(request.params ?? {}).length > 0 ? JSON.stringify(request.params) : null),
        status: reply.statusCode,
        detail: entry.fields.detail === undefined ? null : JSON.stringify(entry.fields.detail),
      });
    }
    return payload;
  });
}

/** Whether a request error is a CSRF failure of `@fastify/csrf-protection`. */
export function isCsrfError(error: { code?: string }): boolean {
  return error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN';
}
