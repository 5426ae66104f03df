/**
 * WebVTT (W3C WebVTT, voice spans `<v Agent>`) and SubRip (SRT) transcripts. Each cue is one turn;
 * the speaker comes from the voice tag or from a speaker prefix in the cue text.
 */
import type { ParsedTranscript, ParsedTurn } from '../speakers.js';
import { TranscriptFormatError } from './errors.js';
import { labelRole, splitPrefix } from './speaker-labels.js';

const TIMING =
  /^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;
const VOICE = /<v(?:\.[\w.-]+)?\s+([^>]+)>/;

function seconds(
  h: string | undefined,
  m: string | undefined,
  s: string | undefined,
  ms: string | undefined,
): number {
  return (
    Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number((ms ?? '0').padEnd(3, '0')) / 1000
  );
}

/**
 * Reads WebVTT or SRT text (one call).
 * @param text file text
 * @param kind `vtt` requires the `WEBVTT` header
 * @throws TranscriptFormatError (`line N: …`) for a missing header, a cue without timing, a cue
 *   without a speaker, or a file without cues
 */
export function parseSubtitles(text: string, kind: 'vtt' | 'srt'): ParsedTranscript[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (kind === 'vtt' && !/^WEBVTT/.test(lines[0] ?? '')) {
    throw new TranscriptFormatError('line 1', 'missing WEBVTT header');
  }
  const turns: ParsedTurn[] = [];
  let i = kind === 'vtt' ? 1 : 0;
  while (i < lines.length) {
    // Skip blank lines, then read one block.
    while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && (lines[i] ?? '').trim() !== '') block.push(lines[i++] ?? '');
    const first = block[0] ?? '';
    if (kind === 'vtt' && /^(NOTE|STYLE|REGION)\b/.test(first)) continue;
    const timingIndex = block.findIndex((l) => l.includes('-->'));
    if (timingIndex < 0 || timingIndex > 1) {
      throw new TranscriptFormatError(
        `line ${blockStart + 1}`,
        'cue without a timing line (hh:mm:ss.mmm --> hh:mm:ss.mmm)',
      );
    }
    const timing = TIMING.exec(block[timingIndex] ?? '');
    if (!timing) {
      throw new TranscriptFormatError(
        `line ${blockStart + timingIndex + 1}`,
        'malformed cue timing',
      );
    }
    const start = seconds(timing[1], timing[2], timing[3], timing[4]);
    const end = seconds(timing[5], timing[6], timing[7], timing[8]);
    let body = block.slice(timingIndex + 1).join(' ');
    let label: string | null = null;
    let role: ParsedTurn['role'] = null;
    const voice = VOICE.exec(body);
    if (voice) {
      label = (voice[1] ?? '').trim();
      const r = labelRole(label);
      role = r === undefined ? null : r;
    }
    body = body.replace(/<[^>]*>/g, '').trim();
    if (label === null) {
      const prefixed = splitPrefix(body);
      if (!prefixed) {
        throw new TranscriptFormatError(
          `line ${blockStart + timingIndex + 2}`,
          'cue without a speaker (expected <v Agent> or a prefix like Agent:)',
        );
      }
      label = prefixed.label;
      role = prefixed.role;
      body = prefixed.text;
    }
    turns.push({ speakerId: label, role, text: body, start, end });
  }
  if (turns.length === 0) throw new TranscriptFormatError('', 'no cues');
  return [{ id: null, turns }];
}
