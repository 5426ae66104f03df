/**
 * Every API route × every role (issue #4 "Must show"): allowed where the table says so, 403 where
 * not, 401 without credentials. The table below is written by hand from the policy
 * (docs/security.md); a route missing from it fails the test, so a new route cannot skip this.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../core/people/access.js';
import { defaultStatsSettings } from '../../core/stats/report.js';
import { closeTestApps, startTestApp } from '../../test-support/app.js';
import { createTestUser, signIn, tokenHeaders, type AuthHeaders } from '../../test-support/auth.js';
import type { TestDatabase } from '../../test-support/databases.js';

const ALL: readonly Role[] = [
  'agent',
  'team_lead',
  'qa',
  'manager',
  'admin',
  'wallboard',
  'integration',
];
const PUBLIC = 'public';
const ANY = 'any principal';

/**
 * Who may call each route: `public`, `any principal`, or the roles. Hand-written from the policy.
 */
const EXPECTED: Record<string, typeof PUBLIC | typeof ANY | readonly Role[]> = {
  'GET /healthz': PUBLIC,
  'GET /api/openapi.json': PUBLIC,
  'GET /': PUBLIC,
  'GET /wallboard': PUBLIC,
  'GET /api/auth/state': PUBLIC,
  'POST /api/auth/setup': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'POST /api/auth/logout': ANY,
  'GET /api/auth/me': ANY,
  'POST /api/auth/password': ANY,
  'GET /api/confidentiality': ANY,
  'POST /api/confidentiality/accept': ANY,
  'PUT /api/confidentiality': ['admin'],
  'GET /api/floor': ALL,
  'GET /api/live': ALL,
  'GET /api/live/sse': ALL,
  'POST /api/events': ['admin', 'integration'],
  'GET /api/reports/:kind': ['agent', 'team_lead', 'qa', 'manager', 'integration'],
  'GET /api/calls': ['agent', 'team_lead', 'qa', 'manager', 'integration'],
  'GET /api/audit': ['manager', 'admin'],
  'GET /api/tokens': ['admin'],
  'POST /api/tokens': ['admin'],
  'DELETE /api/tokens/:id': ['admin'],
  'POST /api/transcripts': ['qa', 'admin', 'integration'],
  'GET /api/qa/evaluations': ['agent', 'team_lead', 'qa', 'manager'],
  'GET /api/qa/evaluations/:id': ['agent', 'team_lead', 'qa', 'manager'],
  'POST /api/qa/evaluations/:id/override': ['qa', 'manager'],
  'POST /api/qa/evaluations/:id/scorecard': ['qa', 'manager'],
  'POST /api/qa/evaluations/:id/ack': ['agent', 'team_lead', 'qa', 'manager'],
  'POST /api/qa/evaluations/:id/appeal': ['agent', 'team_lead', 'qa', 'manager'],
  'POST /api/qa/evaluations/:id/appeal/decision': ['qa', 'manager'],
  'POST /api/qa/evaluations/:id/violation': ['qa', 'manager'],
  'GET /api/qa/reports': ['agent', 'team_lead', 'qa', 'manager'],
  'GET /api/qa/config': ['qa', 'manager', 'admin'],
  'PUT /api/qa/config': ['manager', 'admin'],
  'POST /api/agents/:agent/pause': ['team_lead', 'manager'],
  'POST /api/agents/:agent/logoff': ['team_lead', 'manager'],
  'POST /api/agents/:agent/spy': ['team_lead', 'manager'],
  // The people register (docs/people.md): people.view reads, people.manage writes.
  'GET /api/people': ['team_lead', 'qa', 'manager', 'admin'],
  'GET /api/people/:id': ['team_lead', 'qa', 'manager', 'admin'],
  'POST /api/people': ['admin'],
  'PATCH /api/people/:id': ['admin'],
  'PUT /api/people/:id/member-names': ['admin'],
  'GET /api/teams': ['team_lead', 'qa', 'manager', 'admin'],
  'POST /api/teams': ['admin'],
  'PATCH /api/teams/:id': ['admin'],
  'GET /api/sites': ['team_lead', 'qa', 'manager', 'admin'],
  'POST /api/sites': ['admin'],
  'PATCH /api/sites/:id': ['admin'],
  'GET /api/seats': ['team_lead', 'qa', 'manager', 'admin'],
  'POST /api/seats': ['admin'],
  'PATCH /api/seats/:id': ['admin'],
  'POST /api/import/:kind': ['admin'],
};

/** Routes that stream forever once allowed: only their refusals are requested. */
const STREAMS = new Set(['GET /api/live', 'GET /api/live/sse']);
/** Requests that change the session of the caller (run last, or not at all in the loop). */
const SESSION_CHANGING = new Set(['POST /api/auth/logout', 'POST /api/auth/password']);

const SAMPLE_PARAMS: Record<string, string> = {
  kind: 'queues',
  id: 'no-such-id',
  agent: 'no-such-agent',
};

function urlOf(pattern: string): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');
}

let app: FastifyInstance;
let db: TestDatabase;
const credentials = new Map<Role, AuthHeaders>();

beforeAll(async () => {
  ({ app, db } = await startTestApp({
    settings: { ...defaultStatsSettings(), timeZone: 'UTC' },
    reorderWindow: 0,
    restore: false,
    app: { rateLimit: { perMinute: 100_000 } },
  }));
  await db.db
    .insertInto('team')
    .values({ id: 'A', name: 'Team A', site_id: null, lead_id: 'lead' })
    .execute();
  for (const role of ['agent', 'team_lead', 'qa', 'manager', 'admin'] as const) {
    const id = role === 'team_lead' ? 'lead' : role;
    await createTestUser(db.db, { id, role, teamId: role === 'agent' ? 'A' : null });
    credentials.set(role, await signIn(app, id));
  }
  credentials.set('wallboard', await tokenHeaders(db.db, 'wallboard'));
  credentials.set('integration', await tokenHeaders(db.db, 'integration'));
});

afterAll(closeTestApps);

describe('every route × every role', () => {
  it('every route of the app is in the table (and the table has no stale rows)', () => {
    const routes = app.routeAccess.map((r) => `${r.method} ${r.url}`);
    expect([...new Set(routes)].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers 401 without credentials on every non-public route, and never 401/403 on public ones', async () => {
    for (const route of app.routeAccess) {
      const key = `${route.method} ${route.url}`;
      const expected = EXPECTED[key];
      if (expected === PUBLIC) {
        if (route.method === 'POST') continue; // setup/login answer 400/401 on an empty body
        const res = await app.inject({ method: route.method as 'GET', url: urlOf(route.url) });
        expect([401, 403], key).not.toContain(res.statusCode);
        continue;
      }
      const res = await app.inject({ method: route.method as 'GET', url: urlOf(route.url) });
      expect(res.statusCode, key).toBe(401);
      expect(res.json(), key).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  for (const role of ALL) {
    it(`${role}: allowed routes answer neither 401 nor 403; the others 403 with no data`, async () => {
      const headers = credentials.get(role)!;
      for (const route of app.routeAccess) {
        const key = `${route.method} ${route.url}`;
        const expected = EXPECTED[key];
        if (expected === PUBLIC || SESSION_CHANGING.has(key)) continue;
        const allowed = expected === ANY || (expected ?? []).includes(role);
        if (allowed && STREAMS.has(key)) continue;
        const res = await app.inject({
          method: route.method as 'GET',
          url: urlOf(route.url),
          headers,
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        if (allowed) {
          expect([401, 403], `${role} ${key} → ${res.statusCode} ${res.body}`).not.toContain(
            res.statusCode,
          );
        } else {
          expect(res.statusCode, `${role} ${key}`).toBe(403);
          // The refusal carries the error only: no data of the route.
          expect(Object.keys(res.json<object>()), `${role} ${key}`).toEqual(['error']);
          expect(res.json(), `${role} ${key}`).toMatchObject({ error: { code: 'forbidden' } });
        }
      }
    });
  }
});
