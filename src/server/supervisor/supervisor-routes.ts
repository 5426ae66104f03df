/**
 * Supervisor action endpoints (issue #6 part 2, S4), permission `agents.control` within the
 * principal's agent scope (a team lead: agents of the teams they lead), each audited:
 *
 * - `POST /api/agents/:agent/pause` `{ paused, reason?, queue? }`
 * - `POST /api/agents/:agent/logoff` `{ queue? }`
 * - `POST /api/agents/:agent/spy` `{ mode: listen|whisper|barge, supervisorChannel? }` — rings the
 *   signed-in person's own phone (`phone` in the people register), else `supervisorChannel`.
 *
 * Errors: 404 unknown agent, 403 out of scope, 400 no phone, 409/503 from
 * {@link SupervisorService}. The audit entry (`agent.pause`, `agent.logoff`, `agent.spy`) names the
 * agent and the request; failed attempts are audited too (with their status).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agentScope, inScope } from '../../core/people/access.js';
import { agentPerson, userPhone } from '../../db/agents.repository.js';
import type { DatabaseHandle } from '../../db/database.js';
import { AppError } from '../errors.js';
import { ErrorResponse } from '../schemas.js';
import type { SupervisorService, FloorAgentRef } from './supervisor-service.js';

const AgentParams = z.object({ agent: z.string().min(1).max(200) });

/** Free text sent to the PBX: no control characters (AMI and ESL are line protocols). */
const pbxText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

const PauseBody = z.object({
  paused: z.boolean(),
  reason: pbxText(80).optional().describe('pause reason (Asterisk only; e.g. Lunch)'),
  queue: pbxText(128).optional().describe('one queue; omitted = every queue of the agent'),
});
const LogoffBody = z.object({
  queue: pbxText(128).optional().describe('one queue; omitted = every queue AMI lists'),
});
const SpyBody = z.object({
  mode: z.enum(['listen', 'whisper', 'barge']),
  supervisorChannel: pbxText(128)
    .optional()
    .describe('your phone (PJSIP/2001) when the people register has no phone for you'),
});

const ActionResponse = z.object({
  connector: z.enum(['ami', 'freeswitch']),
  actions: z.array(
    z.object({
      action: z.string(),
      member: z.string(),
      target: z.string(),
      queue: z.string().nullable(),
      message: z.string(),
    }),
  ),
});

const responses = {
  200: ActionResponse,
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  503: ErrorResponse,
};

/** What the routes need. */
export interface SupervisorRouteDeps {
  readonly database: DatabaseHandle;
  readonly service: SupervisorService;
}

/** Registers the three routes. */
export function registerSupervisorRoutes(base: FastifyInstance, deps: SupervisorRouteDeps): void {
  const app = base.withTypeProvider<ZodTypeProvider>();

  /** The agent, checked against the principal's scope. */
  const agentInScope = async (
    principal: Parameters<typeof agentScope>[0] | null,
    agent: string,
  ): Promise<FloorAgentRef> => {
    const ref = deps.service.agent(agent);
    if (principal === null) throw new AppError('unauthenticated', 'sign in first');
    const scope = agentScope(principal);
    if (scope.kind !== 'all') {
      const person = await agentPerson(deps.database.db, ref.agent, ref.memberNames);
      const ok = inScope(scope, {
        id: person?.userId ?? ref.agent,
        teamId: person?.teamId ?? null,
      });
      if (!ok) throw new AppError('forbidden', `agent ${agent} is not in your teams`, 'agent');
    }
    return ref;
  };

  app.post(
    '/api/agents/:agent/pause',
    {
      config: { access: 'agents.control' },
      schema: {
        summary: 'Pause (with a reason) or unpause an agent through AMI or FreeSWITCH',
        params: AgentParams,
        body: PauseBody,
        response: responses,
      },
    },
    async (request) => {
      const { agent } = request.params;
      request.audit('agent.pause', { target: agent, detail: { ...request.body } });
      const ref = await agentInScope(request.principal, agent);
      return deps.service.pause(ref, request.body);
    },
  );

  app.post(
    '/api/agents/:agent/logoff',
    {
      config: { access: 'agents.control' },
      schema: {
        summary: 'Log an agent off (QueueRemove, or mod_callcenter status Logged Out)',
        params: AgentParams,
        body: LogoffBody,
        response: responses,
      },
    },
    async (request) => {
      const { agent } = request.params;
      request.audit('agent.logoff', { target: agent, detail: { ...request.body } });
      const ref = await agentInScope(request.principal, agent);
      return deps.service.logoff(ref, request.body);
    },
  );

  app.post(
    '/api/agents/:agent/spy',
    {
      config: { access: 'agents.control' },
      schema: {
        summary: "Listen, whisper or barge on an agent's call from your own phone (AMI ChanSpy)",
        params: AgentParams,
        body: SpyBody,
        response: responses,
      },
    },
    async (request) => {
      const { agent } = request.params;
      const principal = request.principal;
      const userId = principal?.userId ?? null;
      const phone = userId === null ? null : await userPhone(deps.database.db, userId);
      // The register's phone when it is a dialable channel, else the one given.
      const given = request.body.supervisorChannel ?? null;
      const channel = phone !== null && (phone.includes('/') || given === null) ? phone : given;
      request.audit('agent.spy', {
        target: agent,
        detail: { mode: request.body.mode, supervisorChannel: channel },
      });
      const ref = await agentInScope(principal, agent);
      if (channel === null || !channel.includes('/')) {
        throw new AppError(
          'invalid_request',
          channel === null
            ? 'no phone of yours in the people register: give "supervisorChannel" (e.g. PJSIP/2001)'
            : `your phone "${channel}" is not a dialable channel (e.g. PJSIP/2001)`,
          'supervisorChannel',
        );
      }
      return deps.service.spy(ref, request.body.mode, channel);
    },
  );
}
