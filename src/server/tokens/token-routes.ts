/**
 * `GET/POST/DELETE /api/tokens` (permission `tokens.manage`): API and wallboard tokens. The secret
 * is in the creation's answer only. Creation and revocation are audited (`tokens.create`,
 * `tokens.revoke`).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../core/people/access.js';
import type { Db } from '../../db/database.js';
import { createToken, listTokens, revokeToken } from './token-service.js';

const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES as [string, ...string[]]),
  createdBy: z.string().nullable(),
  createdAt: z.number().describe('epoch ms'),
  lastUsedAt: z.number().nullable().describe('epoch ms'),
  expiresAt: z.number().nullable().describe('epoch ms'),
  revokedAt: z.number().nullable().describe('epoch ms'),
  status: z.enum(['active', 'expired', 'revoked']),
});

/** Registers the token routes. */
export function registerTokenRoutes(
  base: FastifyInstance,
  options: { readonly db: Db; readonly now: () => number },
): void {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now } = options;

  app.get(
    '/api/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        summary: 'API and wallboard tokens (never their secrets)',
        tags: ['tokens'],
        response: { 200: z.object({ tokens: z.array(TokenInfoSchema) }) },
      },
    },
    async () => ({ tokens: await listTokens(db, now()) }),
  );

  app.post(
    '/api/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        summary: 'Create a token; the answer carries its secret, shown this once only',
        tags: ['tokens'],
        body: z.object({
          name: z.string().trim().min(1).max(100),
          role: z.enum(ROLES as [string, ...string[]]),
          expiresAt: z.number().int().positive().nullable().optional().describe('epoch ms'),
        }),
        response: {
          201: z.object({
            token: TokenInfoSchema,
            secret: z.string().describe('`Authorization: Bearer <secret>`; not shown again'),
            wallboardPath: z
              .string()
              .nullable()
              .describe('wallboard tokens: the path that opens the wallboard'),
          }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await createToken(
        db,
        request.principal!,
        {
          name: body.name,
          role: body.role as (typeof ROLES)[number],
          expiresAt: body.expiresAt ?? null,
        },
        now(),
      );
      request.audit('tokens.create', {
        target: created.token.id,
        detail: { name: body.name, role: body.role, expiresAt: body.expiresAt ?? null },
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { access: 'tokens.manage' },
      schema: {
        summary: 'Revoke a token (it stops working at once; the record stays)',
        tags: ['tokens'],
        params: z.object({ id: z.string().min(1).max(200) }),
      },
    },
    async (request, reply) => {
      await revokeToken(db, request.params.id, now());
      request.audit('tokens.revoke', { target: request.params.id });
      return reply.code(204).send();
    },
  );
}
