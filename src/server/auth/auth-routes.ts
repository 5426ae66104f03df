/**
 * Sign-in routes (issue #4): first-start admin creation, sign-in with lock-out, sign-out, the
 * current principal (`me`, with the CSRF token), password change, the confidentiality text and its
 * acceptance (X05), and the wallboard token exchange (`/wallboard?token=…`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS, can } from '../../core/people/access.js';
import {
  acceptConfidentiality,
  countActiveAdmins,
  deleteSession,
  deleteUserSessions,
  findUserForAuth,
  hasAcceptedConfidentiality,
  insertConfidentialityText,
  insertSession,
  insertUser,
  latestConfidentialityText,
  recordFailedSignIn,
  resetFailedSignIns,
  setPasswordHash,
} from '../../db/auth.repository.js';
import type { DatabaseHandle } from '../../db/database.js';
import { findActiveTokenByHash } from '../../db/tokens.repository.js';
import en from '../../i18n/confidentiality/en.json' with { type: 'json' };
import zhCN from '../../i18n/confidentiality/zh-CN.json' with { type: 'json' };
import zhTW from '../../i18n/confidentiality/zh-TW.json' with { type: 'json' };
import { AppError } from '../errors.js';
import {
  SESSION_IDLE_MS,
  clearSessionCookie,
  personPrincipal,
  setSessionCookie,
} from './auth-plugin.js';
import {
  MIN_PASSWORD_LENGTH,
  hashPassword,
  randomSecret,
  sha256Hex,
  verifyPassword,
} from './secrets.js';

/** A demo account listed on the login page in demo mode. */
export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly password: string;
}

/** Options of {@link registerAuthRoutes}. */
export interface AuthRoutesOptions {
  readonly database: DatabaseHandle;
  readonly adminToken: string | null;
  readonly secureCookies: boolean | 'auto';
  /** Demo accounts (demo mode), or null. */
  readonly demoUsers: readonly DemoUser[] | null;
  /** Sends the UI's index.html (null when the UI is not built). */
  readonly sendIndex: ((reply: FastifyReply) => FastifyReply) | null;
  /** Sign-in attempts per minute and address (default 20). */
  readonly loginRateLimit?: number;
  readonly now: () => number;
}

/** Consecutive failures that lock an account, and for how long (OWASP: lock-out with a delay). */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_OUT_MS = 15 * 60 * 1000;

/** UI languages of the confidentiality text. */
const LANGUAGES = ['en', 'zh-TW', 'zh-CN'] as const;

const UserId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, . _ @ - only');
const Password = z.string().min(MIN_PASSWORD_LENGTH).max(256);
const Texts = z.object({
  en: z.string().trim().min(1).max(20_000),
  'zh-TW': z.string().trim().min(1).max(20_000),
  'zh-CN': z.string().trim().min(1).max(20_000),
});

/** Stores the default confidentiality text (i18n files) as version 1 when there is none. */
export async function ensureConfidentialityText(
  database: DatabaseHandle,
  now: number,
): Promise<void> {
  if ((await latestConfidentialityText(database.db)) !== undefined) return;
  await insertConfidentialityText(database.db, {
    text_en: en.text,
    text_zh_tw: zhTW.text,
    text_zh_cn: zhCN.text,
    created_at: now,
    created_by: null,
  });
}

/** Registers the routes. */
export async function registerAuthRoutes(
  base: FastifyInstance,
  options: AuthRoutesOptions,
): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { database, now } = options;
  const db = database.db;
  await ensureConfidentialityText(database, now());

  async function setupRequired(): Promise<boolean> {
    return options.adminToken === null && (await countActiveAdmins(db)) === 0;
  }

  async function startSession(
    reply: FastifyReply,
    fields: { userId: string | null; tokenId: string | null; ip: string; userAgent: string | null },
  ): Promise<void> {
    const value = randomSecret();
    const at = now();
    await insertSession(db, {
      id_hash: sha256Hex(value),
      user_id: fields.userId,
      token_id: fields.tokenId,
      created_at: at,
      last_seen_at: at,
      expires_at: at + SESSION_IDLE_MS,
      ip: fields.ip,
      user_agent: fields.userAgent,
    });
    setSessionCookie(reply, value, options.secureCookies, SESSION_IDLE_MS);
  }

  app.get(
    '/api/auth/state',
    {
      config: { access: 'public' },
      schema: { summary: 'Sign-in page facts: first start, demo accounts', tags: ['auth'] },
    },
    async (request) => ({
      setupRequired: await setupRequired(),
      demo: options.demoUsers !== null,
      demoUsers: options.demoUsers ?? [],
      signedIn: request.principal !== null,
    }),
  );

  app.post(
    '/api/auth/setup',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'First start: create the first admin (only while there is none and no admin token)',
        tags: ['auth'],
        body: z.object({ id: UserId, name: z.string().trim().min(1).max(200), password: Password }),
      },
    },
    async (request, reply) => {
      if (!(await setupRequired())) {
        throw new AppError('conflict', 'the first admin already exists; sign in instead');
      }
      const at = now();
      const { id, name, password } = request.body;
      await insertUser(db, {
        id,
        name,
        role: 'admin',
        team_id: null,
        site_id: null,
        email: null,
        phone: null,
        language: null,
        password_hash: await hashPassword(password),
        must_change_password: 0,
        active: 1,
        failed_attempts: 0,
        locked_until: null,
        created_at: at,
        updated_at: at,
      });
      request.principal = await personPrincipal(database, {
        id,
        name,
        role: 'admin',
        team_id: null,
      });
      request.audit('auth.setup', { target: id });
      await startSession(reply, {
        userId: id,
        tokenId: null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      return { id, name, role: 'admin' };
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: { max: options.loginRateLimit ?? 20, timeWindow: '1 minute' },
      },
      schema: {
        summary: 'Sign in with id and password (sets the session cookie)',
        tags: ['auth'],
        body: z.object({ id: z.string().trim().min(1).max(64), password: z.string().max(256) }),
      },
    },
    async (request, reply) => {
      const { id, password } = request.body;
      const at = now();
      const user = await findUserForAuth(db, id);
      const locked = (user?.locked_until ?? null) !== null && (user?.locked_until ?? 0) > at;
      const usable = user !== undefined && user.active === 1 && !locked;
      const ok = await verifyPassword(usable ? user.password_hash : null, password);
      if (!ok || user === undefined) {
        let attempts: number | null = null;
        if (user !== undefined && usable) {
          attempts = await recordFailedSignIn(db, user.id, MAX_FAILED_SIGN_INS, at + LOCK_OUT_MS);
        }
        request.audit('auth.login_failed', {
          target: id,
          detail: {
            reason:
              user === undefined
                ? 'unknown'
                : locked
                  ? 'locked'
                  : !usable
                    ? 'inactive'
                    : 'password',
            ...(attempts !== null ? { attempts } : {}),
          },
        });
        // One generic answer: it does not tell which ids exist or which accounts are locked.
        throw new AppError(
          'invalid_credentials',
          'wrong id or password (after repeated failures the account is locked for 15 minutes)',
        );
      }
      await resetFailedSignIns(db, user.id);
      await startSession(reply, {
        userId: user.id,
        tokenId: null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      // The audit entry names the person who signed in as its actor.
      request.principal = await personPrincipal(database, user);
      request.audit('auth.login', { target: user.id });
      return { id: user.id, name: user.name, role: user.role };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Sign out (ends the session)', tags: ['auth'] },
    },
    async (request, reply) => {
      if (request.sessionIdHash !== null) await deleteSession(db, request.sessionIdHash);
      clearSessionCookie(reply);
      request.audit('auth.logout');
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The signed-in principal, its permissions, pending steps and the CSRF token',
        tags: ['auth'],
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const user =
        principal.userId === null ? undefined : await findUserForAuth(db, principal.userId);
      return {
        kind: principal.kind,
        name: principal.name,
        role: principal.role,
        user:
          user === undefined
            ? null
            : {
                id: user.id,
                name: user.name,
                role: user.role,
                teamIds: principal.teamIds,
                language: user.language,
              },
        permissions: PERMISSIONS.filter((p) => can(principal, p)),
        csrfToken: request.sessionIdHash === null ? null : reply.generateCsrf(),
        confidentiality: {
          required: (request.pending?.confidentialityVersion ?? null) !== null,
          version: request.pending?.confidentialityVersion ?? null,
        },
        mustChangePassword: request.pending?.mustChangePassword ?? false,
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Change one’s own password (signs out one’s other sessions)',
        tags: ['auth'],
        body: z.object({ current: z.string().max(256), next: Password }),
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind !== 'session' || principal.userId === null) {
        throw new AppError('forbidden', 'only a signed-in person has a password');
      }
      const user = await findUserForAuth(db, principal.userId);
      if (user === undefined || !(await verifyPassword(user.password_hash, request.body.current))) {
        request.audit('auth.password_failed', { target: principal.userId });
        throw new AppError('invalid_credentials', 'the current password is wrong', 'current');
      }
      if (request.body.next === request.body.current) {
        throw new AppError(
          'invalid_request',
          'the new password must differ from the current one',
          'next',
        );
      }
      await setPasswordHash(db, user.id, await hashPassword(request.body.next), false, now());
      await deleteUserSessions(db, user.id, request.sessionIdHash);
      request.audit('auth.password_changed', { target: user.id });
      return { ok: true };
    },
  );

  app.get(
    '/api/confidentiality',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The current confidentiality text (X05) and whether the caller accepted it',
        tags: ['auth'],
      },
    },
    async (request) => {
      const text = await latestConfidentialityText(db);
      if (text === undefined) throw new AppError('not_found', 'no confidentiality text');
      const userId = request.principal!.userId;
      return {
        version: text.version,
        texts: { en: text.text_en, 'zh-TW': text.text_zh_tw, 'zh-CN': text.text_zh_cn },
        updatedAt: text.created_at,
        accepted:
          userId === null ? null : await hasAcceptedConfidentiality(db, userId, text.version),
      };
    },
  );

  app.post(
    '/api/confidentiality/accept',
    {
      config: { access: 'authenticated' },
      schema: {
        summary:
          'Accept the current confidentiality text (recorded with time, language and address)',
        tags: ['auth'],
        body: z.object({ version: z.number().int().positive(), language: z.enum(LANGUAGES) }),
      },
    },
    async (request) => {
      const userId = request.principal!.userId;
      if (userId === null) throw new AppError('forbidden', 'only a person accepts the text');
      const text = await latestConfidentialityText(db);
      if (text === undefined || text.version !== request.body.version) {
        throw new AppError('conflict', 'the text changed: read the current version', 'version');
      }
      await acceptConfidentiality(db, {
        userId,
        version: text.version,
        at: now(),
        language: request.body.language,
        ip: request.ip,
      });
      request.audit('confidentiality.accept', {
        target: userId,
        detail: { version: text.version, language: request.body.language },
      });
      return { accepted: true, version: text.version };
    },
  );

  app.put(
    '/api/confidentiality',
    {
      config: { access: 'confidentiality.edit' },
      schema: {
        summary: 'Publish a new version of the confidentiality text (everyone accepts it again)',
        tags: ['auth'],
        body: z.object({ texts: Texts }),
      },
    },
    async (request) => {
      const { texts } = request.body;
      const version = await insertConfidentialityText(db, {
        text_en: texts.en,
        text_zh_tw: texts['zh-TW'],
        text_zh_cn: texts['zh-CN'],
        created_at: now(),
        created_by: request.principal!.userId ?? request.principal!.name,
      });
      request.audit('confidentiality.publish', { target: String(version) });
      return { version };
    },
  );

  app.get(
    '/wallboard',
    {
      config: { access: 'public' },
      schema: {
        summary:
          'The wallboard page; `?token=` (a wallboard token) opens a read-only wallboard session',
        tags: ['auth'],
        querystring: z.object({ token: z.string().max(200).optional() }).passthrough(),
      },
    },
    async (request, reply) => {
      const secret = request.query.token;
      if (secret !== undefined) {
        const token = await findActiveTokenByHash(db, sha256Hex(secret), now());
        if (token === undefined || token.role !== 'wallboard') {
          request.audit('auth.wallboard_token_failed');
          throw new AppError(
            'unauthenticated',
            'unknown, expired or revoked wallboard token',
            'token',
          );
        }
        await startSession(reply, {
          userId: null,
          tokenId: token.id,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        });
        request.audit('auth.wallboard_session', { target: token.id });
        // The secret leaves the address bar (and the browser history).
        return reply.redirect('/wallboard', 303);
      }
      if (options.sendIndex === null) {
        throw new AppError('not_found', 'the UI is not built (npm run build)');
      }
      return options.sendIndex(reply);
    },
  );
}
