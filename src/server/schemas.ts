/**
 * Zod schemas of the API's requests and responses (the OpenAPI document is generated from them).
 */
import { z } from 'zod';

/** Error body (floor-api.md "Errors"). */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().nullable(),
    }),
  })
  .describe('An error');

/** `GET /healthz`. */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  mode: z.enum(['live', 'demo']),
  sources: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      ok: z.boolean(),
      lastEventAt: z.number().nullable().describe('epoch ms of the last event'),
      lagSeconds: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

/** One canonical event as a queue_log line in JSON (floor-api.md `POST /api/events`). */
export const EventInput = z.object({
  time: z.number().finite().positive().describe('epoch seconds (may be fractional)'),
  callId: z.string().min(1).nullable().optional().describe('caller channel uniqueid; null = NONE'),
  queue: z.string().min(1).nullable().optional().describe('queue name; null = NONE'),
  agent: z.string().min(1).nullable().optional().describe('member name; null = NONE'),
  event: z
    .string()
    .min(1)
    .max(64)
    .describe('queue_log verb (CONNECT, PAUSE, …) or HOLD / UNHOLD / RINGSTART'),
  data: z.array(z.string()).max(32).default([]).describe('data1, data2, … as strings'),
});

/** `POST /api/events` body: at most 10,000 events. */
export const EventsBody = z.array(EventInput).max(10_000);

/** `POST /api/events` response. */
export const EventsResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), field: z.string(), reason: z.string() })),
});

/** Query of the report endpoints. */
export const ReportQuery = z.object({
  from: z
    .string()
    .optional()
    .describe('ISO date or date-time; without offset read in tz; inclusive'),
  to: z.string().optional().describe('ISO date or date-time; exclusive'),
  tz: z.string().optional().describe('IANA time zone (default: the server’s --tz)'),
  interval: z.enum(['15m', '30m', '60m', '15', '30', '60']).optional(),
  queue: z.string().min(1).optional(),
  agent: z.string().min(1).optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

/** Report kinds. */
export const ReportParams = z.object({ kind: z.enum(['queues', 'agents', 'intervals']) });

/** `?lang=` of the floor endpoints: language of alert messages (BCP 47; en, zh-TW, zh-CN). */
export const LangQuery = z.object({
  lang: z.string().min(2).max(35).optional().describe('alert message language, e.g. zh-TW'),
  view: z
    .enum(['console', 'wallboard'])
    .optional()
    .describe(
      'wallboard: the whole floor with customer numbers masked (the TV view), whoever asks; ' +
        'console (default): agents limited to the caller’s scope',
    ),
});
