/** callfloor's own transcript JSON: `{ "id", "language"?, "turns": [...], "holds"?: [...] }` (qa.md). */
import { z } from 'zod';
import type { ParsedTranscript } from '../speakers.js';
import { TranscriptFormatError } from './errors.js';
import { jsonPath } from './json-path.js';

const turnSchema = z.object({
  speaker: z.string().min(1),
  text: z.string(),
  start: z.number().nonnegative().nullish(),
  end: z.number().nonnegative().nullish(),
});
const callSchema = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  language: z.enum(['zh-Hans', 'zh-Hant', 'en']).nullish(),
  turns: z.array(turnSchema),
  holds: z.array(z.object({ start: z.number(), end: z.number() })).nullish(),
});
/** The schema: one call, or an array of calls. */
export const callfloorJsonSchema = z.union([callSchema, z.array(callSchema)]);

const ROLES = new Set(['agent', 'customer', 'system']);

/**
 * Reads callfloor transcript JSON (already `JSON.parse`d): one call or an array of calls. A turn's
 * `speaker` is `agent`, `customer` or `system`; any other value is a speaker id (roles found by content).
 * @throws TranscriptFormatError with the JSON path of the first bad field
 */
export function parseCallfloorJson(data: unknown): ParsedTranscript[] {
  const items: unknown[] = Array.isArray(data) ? data : [data];
  const calls: z.infer<typeof callSchema>[] = [];
  items.forEach((item, index) => {
    const parsed = callSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = Array.isArray(data) ? [index, ...(issue?.path ?? [])] : (issue?.path ?? []);
      throw new TranscriptFormatError(jsonPath(path), issue?.message ?? 'invalid');
    }
    calls.push(parsed.data);
  });
  return calls.map((call) => ({
    id: call.id === null || call.id === undefined ? null : String(call.id),
    language: call.language ?? undefined,
    holds: call.holds ?? undefined,
    turns: call.turns.map((t) => {
      const lower = t.speaker.toLowerCase();
      return {
        speakerId: t.speaker,
        role: ROLES.has(lower) ? (lower as 'agent' | 'customer' | 'system') : null,
        text: t.text,
        start: t.start ?? undefined,
        end: t.end ?? undefined,
      };
    }),
  }));
}
