/**
 * Amazon Transcribe Call Analytics output (`Transcript[]` with `ParticipantRole` AGENT/CUSTOMER,
 * `BeginOffsetMillis`/`EndOffsetMillis`, `Content`; AWS Transcribe developer guide, "Call
 * Analytics output") and the Post-Call Analytics (PCA) form (`SpeechSegments[]`,
 * `SegmentSpeaker` spk_N, times in seconds; aws-samples/amazon-transcribe-post-call-analytics,
 * output_json_structure.md).
 */
import { z } from 'zod';
import { languageFromCode } from '../language.js';
import type { ParsedTranscript } from '../speakers.js';
import { TranscriptFormatError } from './errors.js';
import { jsonPath } from './json-path.js';

const transcribeSchema = z.object({
  JobName: z.string().optional(),
  LanguageCode: z.string().optional(),
  Transcript: z.array(
    z.object({
      ParticipantRole: z.string(),
      Content: z.string(),
      BeginOffsetMillis: z.number().nonnegative(),
      EndOffsetMillis: z.number().nonnegative(),
    }),
  ),
});

function fail(error: z.ZodError): never {
  const issue = error.issues[0];
  throw new TranscriptFormatError(jsonPath(issue?.path ?? []), issue?.message ?? 'invalid');
}

/**
 * Reads a Transcribe Call Analytics JSON result. Roles come from `ParticipantRole`.
 * @throws TranscriptFormatError with the JSON path of the first bad field
 */
export function parseTranscribeJson(data: unknown): ParsedTranscript[] {
  const parsed = transcribeSchema.safeParse(data);
  if (!parsed.success) fail(parsed.error);
  const d = parsed.data;
  return [
    {
      id: d.JobName ?? null,
      language: languageFromCode(d.LanguageCode),
      turns: d.Transcript.map((t) => {
        const role = t.ParticipantRole.toUpperCase();
        return {
          speakerId: t.ParticipantRole,
          role: role === 'AGENT' ? 'agent' : role === 'CUSTOMER' ? 'customer' : null,
          text: t.Content,
          start: t.BeginOffsetMillis / 1000,
          end: t.EndOffsetMillis / 1000,
        };
      }),
    },
  ];
}

const pcaSchema = z.object({
  ConversationAnalytics: z
    .object({
      LanguageCode: z.string().optional(),
      SpeakerLabels: z.array(z.object({ Speaker: z.string(), DisplayText: z.string() })).optional(),
      SourceInformation: z
        .array(
          z.object({
            TranscribeJobInfo: z.object({ TranscriptionJobName: z.string().optional() }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  SpeechSegments: z.array(
    z.object({
      SegmentStartTime: z.number().nonnegative(),
      SegmentEndTime: z.number().nonnegative(),
      SegmentSpeaker: z.string(),
      DisplayText: z.string().optional(),
      OriginalText: z.string().optional(),
    }),
  ),
});

/**
 * Reads a PCA JSON file: each speech segment one turn. Its speakers are ids (spk_0, spk_1): the
 * label map is kept only as a fallback, since the agent is found by content.
 * @throws TranscriptFormatError with the JSON path of the first bad field
 */
export function parsePcaJson(data: unknown): ParsedTranscript[] {
  const parsed = pcaSchema.safeParse(data);
  if (!parsed.success) fail(parsed.error);
  const d = parsed.data;
  const ca = d.ConversationAnalytics;
  const labels: Record<string, 'agent' | 'customer'> = {};
  for (const l of ca?.SpeakerLabels ?? []) {
    const role = l.DisplayText.toLowerCase();
    if (role === 'agent' || role === 'customer') labels[l.Speaker] = role;
  }
  return [
    {
      id: ca?.SourceInformation?.[0]?.TranscribeJobInfo?.TranscriptionJobName ?? null,
      language: languageFromCode(ca?.LanguageCode),
      labels,
      turns: d.SpeechSegments.map((s) => ({
        speakerId: s.SegmentSpeaker,
        role: null,
        text: s.DisplayText ?? s.OriginalText ?? '',
        start: s.SegmentStartTime,
        end: s.SegmentEndTime,
      })),
    },
  ];
}
