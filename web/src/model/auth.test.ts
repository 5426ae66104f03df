import { describe, expect, it } from 'vitest';
import { HUMAN_ROLES, ROLE_PERMISSIONS, type Role } from '../../../src/core/people/access.js';
import { pathOf, routeOf } from '../router.js';
import {
  adminSections,
  authFailureOf,
  canOpen,
  errorKey,
  gateOf,
  homeRoute,
  isWallboardOnly,
  isWrite,
  languageAfterSignIn,
  navRoutes,
  parseAuthState,
  parseMe,
  type Me,
} from './auth.js';

/** `GET /api/auth/me` of a manager (permissions of core/people/access.ts ROLE_PERMISSIONS). */
const MANAGER_BODY = {
  kind: 'session',
  name: 'Chen Yi',
  role: 'manager',
  user: { id: 'm1', name: 'Chen Yi', role: 'manager', teamIds: [], language: 'zh-TW' },
  permissions: [
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
  ],
  csrfToken: 'csrf-1',
  confidentiality: { required: false, version: null },
  mustChangePassword: false,
};

const ADMIN_PERMISSIONS = [
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
];

function me(overrides: Record<string, unknown> = {}): Me {
  return parseMe({ ...MANAGER_BODY, ...overrides });
}

describe('parseMe', () => {
  it('reads the contract shape', () => {
    const m = me();
    expect(m.kind).toBe('session');
    expect(m.name).toBe('Chen Yi');
    expect(m.role).toBe('manager');
    expect(m.user).toEqual({
      id: 'm1',
      name: 'Chen Yi',
      role: 'manager',
      teamIds: [],
      language: 'zh-TW',
    });
    expect(m.permissions.has('reports.view')).toBe(true);
    expect(m.permissions.has('people.manage')).toBe(false);
    expect(m.csrfToken).toBe('csrf-1');
    expect(m.confidentialityVersion).toBeNull();
    expect(m.mustChangePassword).toBe(false);
  });
  it('takes the version only when acceptance is required', () => {
    expect(me({ confidentiality: { required: true, version: 3 } }).confidentialityVersion).toBe(3);
    expect(me({ confidentiality: { required: false, version: 3 } }).confidentialityVersion).toBe(
      null,
    );
  });
  it('a wallboard token session: no user, no csrf, wallboard only', () => {
    const m = parseMe({
      kind: 'token',
      name: 'TV 3F',
      role: 'wallboard',
      user: null,
      permissions: ['wallboard.view'],
      csrfToken: null,
      confidentiality: { required: false, version: null },
      mustChangePassword: false,
    });
    expect(m.kind).toBe('token');
    expect(m.user).toBeNull();
    expect(isWallboardOnly(m)).toBe(true);
    expect(navRoutes(m)).toEqual(['wallboard']);
    expect(canOpen(m, 'floor')).toBe(false);
    expect(canOpen(m, 'reports')).toBe(false);
    expect(canOpen(m, 'account')).toBe(false);
    expect(homeRoute(m)).toBe('wallboard');
  });
  it('falls back to the safe side on missing fields and refuses a body without a role', () => {
    const m = parseMe({ role: 'agent' });
    expect(m.permissions.size).toBe(0);
    expect(m.csrfToken).toBeNull();
    expect(m.mustChangePassword).toBe(false);
    expect(m.user).toBeNull();
    expect(() => parseMe({ error: { code: 'unauthenticated' } })).toThrow(/no role/);
    expect(() => parseMe(null)).toThrow(/no role/);
  });
  it('ignores an unknown language', () => {
    expect(me({ user: { ...MANAGER_BODY.user, language: 'fr' } }).user?.language).toBeNull();
  });
});

describe('parseAuthState', () => {
  it('reads demo accounts', () => {
    expect(
      parseAuthState({
        setupRequired: false,
        demo: true,
        demoUsers: [
          { id: 'demo-manager', name: 'Demo Manager', role: 'manager', password: 'demo-pass' },
          { name: 'no id' },
        ],
      }),
    ).toEqual({
      setupRequired: false,
      demo: true,
      demoUsers: [
        { id: 'demo-manager', name: 'Demo Manager', role: 'manager', password: 'demo-pass' },
      ],
    });
  });
  it('an unknown answer means no setup and no demo', () => {
    expect(parseAuthState('x')).toEqual({ setupRequired: false, demo: false, demoUsers: [] });
  });
});

describe('gateOf', () => {
  it('signed out: setup when required, else login', () => {
    expect(gateOf(null, { setupRequired: true, demo: false, demoUsers: [] })).toBe('setup');
    expect(gateOf(null, { setupRequired: false, demo: false, demoUsers: [] })).toBe('login');
    expect(gateOf(null, null)).toBe('login');
  });
  it('the confidentiality text comes before the password change and the app', () => {
    expect(
      gateOf(
        me({ confidentiality: { required: true, version: 1 }, mustChangePassword: true }),
        null,
      ),
    ).toBe('confidentiality');
    expect(gateOf(me({ mustChangePassword: true }), null)).toBe('password');
    expect(gateOf(me(), null)).toBe('app');
  });
});

describe('navigation by permission', () => {
  it('a manager: floor, wallboard, reports, QA, audit; no admin', () => {
    expect(navRoutes(me())).toEqual(['floor', 'wallboard', 'reports', 'qa', 'audit']);
    expect(canOpen(me(), 'admin')).toBe(false);
    expect(canOpen(me(), 'account')).toBe(true);
  });
  it('an admin: no reports, no QA evaluations (least privilege), every admin section', () => {
    const admin = me({ role: 'admin', permissions: ADMIN_PERMISSIONS });
    expect(navRoutes(admin)).toEqual(['floor', 'wallboard', 'admin', 'audit']);
    expect(canOpen(admin, 'qa')).toBe(false);
    // The QA settings editor is reachable through the admin page (settings.edit).
    expect(adminSections(admin)).toEqual(['people', 'import', 'tokens', 'confidentiality', 'qa']);
  });
  it('every role that may edit the settings reaches the QA settings editor (ROLE_PERMISSIONS)', () => {
    const of = (role: Role) => me({ role, permissions: [...ROLE_PERMISSIONS[role]] });
    expect(ADMIN_PERMISSIONS).toEqual([...ROLE_PERMISSIONS.admin]);
    for (const role of HUMAN_ROLES) {
      const who = of(role);
      // The editor is on the QA page (shown there with settings.edit) and on the admin page.
      const onQaPage = canOpen(who, 'qa') && who.permissions.has('settings.edit');
      const onAdminPage = canOpen(who, 'admin') && adminSections(who).includes('qa');
      expect(onQaPage || onAdminPage, role).toBe(ROLE_PERMISSIONS[role].has('settings.edit'));
    }
    // The IT admin through the admin page only: the QA page stays closed to them.
    expect(canOpen(of('admin'), 'qa')).toBe(false);
    expect(adminSections(of('admin'))).toContain('qa');
    // Nobody else gets the admin page for it.
    expect(canOpen(of('manager'), 'admin')).toBe(false);
    expect(canOpen(of('qa'), 'admin')).toBe(false);
  });
  it('an agent: floor, wallboard, reports, QA (their own evaluations)', () => {
    const agent = me({
      role: 'agent',
      permissions: ['wallboard.view', 'floor.view', 'reports.view', 'qa.view'],
    });
    expect(navRoutes(agent)).toEqual(['floor', 'wallboard', 'reports', 'qa']);
    expect(isWallboardOnly(agent)).toBe(false);
    expect(homeRoute(agent)).toBe('floor');
  });
  it('nothing to open: no home', () => {
    expect(homeRoute(me({ permissions: [] }))).toBeNull();
  });
});

describe('routes', () => {
  it('paths and routes round-trip', () => {
    for (const r of ['floor', 'wallboard', 'reports', 'qa', 'admin', 'audit', 'account'] as const) {
      expect(routeOf(pathOf(r))).toBe(r);
    }
    expect(routeOf('/admin/tokens')).toBe('admin');
    expect(routeOf('/audit/')).toBe('audit');
    expect(routeOf('/qa/12')).toBe('qa');
    expect(routeOf('/administrator')).toBe('floor');
  });
});

describe('errors', () => {
  it('maps codes to translation keys; unknown codes to one key', () => {
    expect(errorKey('invalid_credentials')).toBe('errors.invalid_credentials');
    expect(errorKey('rate_limited')).toBe('errors.rate_limited');
    expect(errorKey('teapot')).toBe('errors.unknown');
  });
  it('a wrong password is not a lost session; other 401s are', () => {
    expect(authFailureOf(401, 'invalid_credentials')).toBe('none');
    expect(authFailureOf(401, 'unauthenticated')).toBe('signed_out');
    expect(authFailureOf(401, null)).toBe('signed_out');
    expect(authFailureOf(403, 'confidentiality_required')).toBe('confidentiality');
    expect(authFailureOf(403, 'password_change_required')).toBe('password');
    expect(authFailureOf(403, 'forbidden')).toBe('none');
    expect(authFailureOf(400, 'invalid_request')).toBe('none');
  });
  it('writes are POST, PUT, PATCH, DELETE', () => {
    expect(['GET', 'HEAD', 'post', 'PUT', 'PATCH', 'DELETE'].map(isWrite)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('languageAfterSignIn', () => {
  it('an explicit choice wins; else the person’s language; else the browser’s', () => {
    expect(languageAfterSignIn(true, 'en', me())).toBe('en');
    expect(languageAfterSignIn(false, 'en', me())).toBe('zh-TW');
    expect(languageAfterSignIn(false, 'zh-CN', me({ user: null }))).toBe('zh-CN');
  });
});
