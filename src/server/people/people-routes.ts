/**
 * People register routes (issue #4; docs/people.md): people, teams, sites, seats, member names and
 * the CSV imports. Thin: zod validation, {@link PeopleService}, presentation. Reads need
 * `people.view` (team leads see their teams), writes and imports `people.manage`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HUMAN_ROLES } from '../../core/people/access.js';
import { errorBody } from '../errors.js';
import { ErrorResponse } from '../schemas.js';
import { ID_PATTERN, ID_REASON, IMPORT_KINDS } from './people-import.js';
import { ImportRejectedError, MIN_PASSWORD_LENGTH, type PeopleService } from './people-service.js';

const Id = z.string().regex(ID_PATTERN, ID_REASON);
const Text = z.string().trim().min(1).max(200);
const Nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** A person in responses (never a password or its hash). */
export const PersonResponse = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(HUMAN_ROLES),
  teamId: z.string().nullable(),
  siteId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  language: z.string().nullable(),
  active: z.boolean(),
  hasPassword: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.number().describe('epoch ms'),
  updatedAt: z.number().describe('epoch ms'),
  memberNames: z.array(z.string()),
});

const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH)
  .max(200)
  .describe('temporary password: the person must change it at the next sign-in');

/** `POST /api/people`. */
export const NewPersonBody = z
  .object({
    id: Id.describe('person id: the agent id on the floor and in reports'),
    name: Text,
    role: z.enum(HUMAN_ROLES),
    teamId: Nullable(Id),
    siteId: Nullable(Id),
    email: Nullable(z.email()),
    phone: Nullable(z.string().max(128)),
    language: Nullable(z.enum(['en', 'zh-TW', 'zh-CN'])),
    memberNames: z.array(z.string()).max(50).optional(),
    password: Password.optional(),
  })
  .strict();

/** `PATCH /api/people/:id`. */
export const PersonPatchBody = z
  .object({
    name: Text.optional(),
    role: z.enum(HUMAN_ROLES).optional(),
    teamId: Nullable(Id),
    siteId: Nullable(Id),
    email: Nullable(z.email()),
    phone: Nullable(z.string().max(128)),
    language: Nullable(z.enum(['en', 'zh-TW', 'zh-CN'])),
    active: z.boolean().optional(),
    password: Password.optional(),
  })
  .strict();

const TeamFields = {
  name: Text,
  siteId: z.string().nullable().optional(),
  leadId: z.string().nullable().optional().describe('the team lead (a team_lead person)'),
};
const SiteFields = {
  name: Text,
  timeZone: z.string().nullable().optional().describe('IANA zone, e.g. Asia/Taipei'),
};
const SeatFields = {
  label: Text,
  siteId: z.string().nullable().optional(),
  ipAddress: z.union([z.ipv4(), z.ipv6()]).nullable().optional().describe("the seat PC's IP"),
  equipment: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  userId: z.string().nullable().optional().describe('who sits there'),
  notes: z.string().max(2000).nullable().optional(),
};
const TeamBody = z.object({ id: Id, ...TeamFields }).strict();
const TeamPatch = z.object(TeamFields).partial().strict();
const SiteBody = z.object({ id: Id, ...SiteFields }).strict();
const SitePatch = z.object(SiteFields).partial().strict();
const SeatBody = z.object({ id: Id, ...SeatFields }).strict();
const SeatPatch = z.object(SeatFields).partial().strict();
const TeamResponse = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  leadId: z.string().nullable(),
});
const SiteResponse = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string().nullable(),
});
const SeatResponse = z.object({
  id: z.string(),
  label: z.string(),
  siteId: z.string().nullable(),
  ipAddress: z.string().nullable(),
  equipment: z.array(z.string()),
  userId: z.string().nullable(),
  notes: z.string().nullable(),
});
const IdParams = z.object({ id: z.string().min(1) });

/** The import problems answer (400). */
export const ImportProblemsResponse = ErrorResponse.extend({
  problems: z.array(z.object({ line: z.number().int(), field: z.string(), reason: z.string() })),
});

/**
 * Registers the routes.
 * @param service the people service (it reloads the people directory after each change)
 */
export async function registerPeopleRoutes(
  root: FastifyInstance,
  service: PeopleService,
): Promise<void> {
  await root.register((scope, _options, done) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    // CSV imports arrive as text/csv (text/plain is parsed as text by Fastify already).
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, next) => {
      next(null, body);
    });

    app.get(
      '/api/people',
      {
        config: { access: 'people.view' },
        schema: {
          summary: 'People of the register (team leads: their teams)',
          response: { 200: z.object({ people: z.array(PersonResponse) }) },
        },
      },
      async (request) => ({ people: await service.listPeople(request.principal) }),
    );

    app.get(
      '/api/people/:id',
      {
        config: { access: 'people.view' },
        schema: {
          summary: 'One person',
          params: IdParams,
          response: { 200: PersonResponse, 404: ErrorResponse },
        },
      },
      (request) => service.getPerson(request.principal, request.params.id),
    );

    app.post(
      '/api/people',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Create a person (only an admin may create an admin)',
          body: NewPersonBody,
          response: {
            201: PersonResponse,
            400: ErrorResponse,
            403: ErrorResponse,
            409: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const { password, ...fields } = request.body;
        const person = await service.createPerson(request.principal, {
          ...fields,
          ...(password !== undefined ? { password } : {}),
        });
        request.audit('people.create', {
          target: person.id,
          detail: { role: person.role, teamId: person.teamId, passwordSet: password !== undefined },
        });
        return reply.code(201).send(person);
      },
    );

    app.patch(
      '/api/people/:id',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Change a person; `password` sets a temporary one; `active: false` deactivates',
          params: IdParams,
          body: PersonPatchBody,
          response: {
            200: PersonResponse,
            400: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
          },
        },
      },
      async (request) => {
        const change = withoutUndefined(request.body);
        const person = await service.updatePerson(request.principal, request.params.id, change);
        // The fields changed, never the password itself.
        request.audit('people.update', {
          target: person.id,
          detail: { fields: Object.keys(change) },
        });
        return person;
      },
    );

    app.put(
      '/api/people/:id/member-names',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Replace the telephony member names a person appears under',
          params: IdParams,
          body: z.object({ memberNames: z.array(z.string()).max(50) }),
          response: {
            200: z.object({ memberNames: z.array(z.string()) }),
            400: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
          },
        },
      },
      async (request) => {
        const memberNames = await service.setMemberNames(
          request.params.id,
          request.body.memberNames,
        );
        request.audit('people.member_names', {
          target: request.params.id,
          detail: { memberNames },
        });
        return { memberNames };
      },
    );

    app.get(
      '/api/teams',
      {
        config: { access: 'people.view' },
        schema: {
          summary: 'Teams (team leads: theirs)',
          response: { 200: z.object({ teams: z.array(TeamResponse) }) },
        },
      },
      async (request) => ({ teams: await service.listTeams(request.principal) }),
    );
    app.post(
      '/api/teams',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Create a team',
          body: TeamBody,
          response: { 201: TeamResponse, 400: ErrorResponse, 409: ErrorResponse },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await service.saveTeam(
              { siteId: null, leadId: null, ...withoutUndefined(request.body) },
              true,
            ),
          ),
    );
    app.patch(
      '/api/teams/:id',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Change a team',
          params: IdParams,
          body: TeamPatch,
          response: { 200: TeamResponse, 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => {
        const current = await service.team(request.params.id);
        return service.saveTeam({ ...current, ...withoutUndefined(request.body) }, false);
      },
    );

    app.get(
      '/api/sites',
      {
        config: { access: 'people.view' },
        schema: { summary: 'Sites', response: { 200: z.object({ sites: z.array(SiteResponse) }) } },
      },
      async () => ({ sites: await service.listSites() }),
    );
    app.post(
      '/api/sites',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Create a site',
          body: SiteBody,
          response: { 201: SiteResponse, 400: ErrorResponse, 409: ErrorResponse },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await service.saveSite({ timeZone: null, ...withoutUndefined(request.body) }, true),
          ),
    );
    app.patch(
      '/api/sites/:id',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Change a site',
          params: IdParams,
          body: SitePatch,
          response: { 200: SiteResponse, 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => {
        const current = (await service.listSites()).find((s) => s.id === request.params.id);
        const base = current ?? { id: request.params.id, name: '', timeZone: null };
        return service.saveSite({ ...base, ...withoutUndefined(request.body) }, false);
      },
    );

    app.get(
      '/api/seats',
      {
        config: { access: 'people.view' },
        schema: {
          summary: 'Seats with their equipment and PC IP address (X03; team leads: their people’s)',
          response: { 200: z.object({ seats: z.array(SeatResponse) }) },
        },
      },
      async (request) => ({ seats: await service.listSeats(request.principal) }),
    );
    app.post(
      '/api/seats',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Create a seat',
          body: SeatBody,
          response: { 201: SeatResponse, 400: ErrorResponse, 409: ErrorResponse },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await service.saveSeat(
            {
              siteId: null,
              ipAddress: null,
              equipment: [],
              userId: null,
              notes: null,
              ...withoutUndefined(request.body),
            },
            true,
          ),
        ),
    );
    app.patch(
      '/api/seats/:id',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Change a seat',
          params: IdParams,
          body: SeatPatch,
          response: { 200: SeatResponse, 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => {
        const current = await service.seat(request.params.id);
        return service.saveSeat({ ...current, ...withoutUndefined(request.body) }, false);
      },
    );

    app.post(
      '/api/import/:kind',
      {
        config: { access: 'people.manage' },
        schema: {
          summary: 'Import people, teams or seats from CSV (text/csv): all rows or none',
          description:
            'Columns — people: id,name,role,team,email,phone,member_names (member names separated by |); ' +
            'teams: id,name,site,lead; seats: id,label,site,ip_address,equipment,user (equipment separated by |). ' +
            'Any bad row: 400 with every problem {line, field, reason} and nothing imported.',
          params: z.object({ kind: z.enum(IMPORT_KINDS) }),
          body: z.string().max(8 * 1024 * 1024),
          response: {
            200: z.object({
              kind: z.enum(IMPORT_KINDS),
              created: z.number().int(),
              updated: z.number().int(),
              sitesCreated: z.number().int(),
            }),
            400: ImportProblemsResponse,
          },
        },
      },
      async (request, reply) => {
        try {
          const result = await service.importCsv(
            request.principal,
            request.params.kind,
            request.body,
          );
          request.audit('people.import', { target: result.kind, detail: { ...result } });
          return result;
        } catch (error) {
          if (!(error instanceof ImportRejectedError)) throw error;
          request.audit('people.import_rejected', {
            target: request.params.kind,
            detail: { problems: error.problems.length },
          });
          return reply.code(400).send({
            ...errorBody('invalid_request', error.message, null),
            problems: error.problems,
          });
        }
      },
    );
    done();
  });
}

/** Drops keys whose value is `undefined` (zod leaves absent optional keys out, but be explicit). */
function withoutUndefined<T extends object>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
