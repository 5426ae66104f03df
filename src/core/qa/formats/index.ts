/**
 * Transcript readers: pure string → parsed calls, for every format of qa.md, with format
 * detection. File reading lives in `src/io/transcripts`.
 */
import type { ParsedTranscript } from '../speakers.js';
import { parsePcaJson, parseTranscribeJson } from './aws.js';
import { parseCallfloorJson } from './callfloor-json.js';
import { parseChatTsv } from './chat-tsv.js';
import { TranscriptFormatError, type ParseWarning } from './errors.js';
import { jsonErrorOffset } from './json-path.js';
import { parseSubtitles } from './subtitles.js';
import { parseTextTranscript } from './text.js';

export { TranscriptFormatError, type ParseWarning } from './errors.js';

/** The formats `--format` accepts. */
export const TRANSCRIPT_FORMATS = [
  'auto',
  'json',
  'text',
  'vtt',
  'srt',
  'transcribe',
  'pca',
  'chat-tsv',
] as const;

/** One transcript format, or `auto`. */
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** The calls read from one file, and the lines skipped. */
export interface ParseResult {
  readonly format: Exclude<TranscriptFormat, 'auto'>;
  readonly transcripts: readonly ParsedTranscript[];
  readonly warnings: readonly ParseWarning[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(text);
    if (offset >= 0) {
      const line = text.slice(0, offset).split('\n').length;
      throw new TranscriptFormatError(`line ${line}`, `invalid JSON: ${message.split('\n')[0]}`);
    }
    throw new TranscriptFormatError('', `invalid JSON: ${message}`);
  }
}

/** Detects the format of a file from its name and its first characters. */
export function detectFormat(
  fileName: string,
  text: string,
): Exclude<TranscriptFormat, 'auto' | 'json' | 'transcribe' | 'pca'> | 'json-any' {
  const lower = fileName.toLowerCase();
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (lower.endsWith('.json') || head.startsWith('{') || /^\[\s*[{\]]/.test(head)) {
    return 'json-any';
  }
  if (lower.endsWith('.vtt') || head.startsWith('WEBVTT')) return 'vtt';
  if (lower.endsWith('.srt') || /^\d+\r?\n[\d:,. ]+-->/.test(head)) return 'srt';
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (lower.endsWith('.tsv') || /^[^\t]+\t[^\t]*\t[01]\t[^\t]*\t[^\t]*\t[^\t]*\t/.test(firstLine)) {
    return 'chat-tsv';
  }
  return 'text';
}

function jsonFormat(data: unknown): 'json' | 'transcribe' | 'pca' {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    if ('SpeechSegments' in data) return 'pca';
    if ('Transcript' in data) return 'transcribe';
  }
  return 'json';
}

/**
 * Reads the calls in a file's text.
 * @param text the file's text
 * @param fileName the file name (for format detection by extension)
 * @param format a format, or `auto` to detect it
 * @throws TranscriptFormatError naming the line or JSON path at fault
 */
export function parseTranscripts(
  text: string,
  fileName: string,
  format: TranscriptFormat = 'auto',
): ParseResult {
  let kind: Exclude<TranscriptFormat, 'auto'>;
  let data: unknown;
  if (format === 'auto') {
    const detected = detectFormat(fileName, text);
    if (detected === 'json-any') {
      data = parseJson(text);
      kind = jsonFormat(data);
    } else {
      kind = detected;
    }
  } else {
    kind = format;
    if (kind === 'json' || kind === 'transcribe' || kind === 'pca') data = parseJson(text);
  }
  switch (kind) {
    case 'json':
      return { format: kind, transcripts: parseCallfloorJson(data), warnings: [] };
    case 'transcribe':
      return { format: kind, transcripts: parseTranscribeJson(data), warnings: [] };
    case 'pca':
      return { format: kind, transcripts: parsePcaJson(data), warnings: [] };
    case 'text':
      return { format: kind, transcripts: parseTextTranscript(text), warnings: [] };
    case 'vtt':
    case 'srt':
      return { format: kind, transcripts: parseSubtitles(text, kind), warnings: [] };
    case 'chat-tsv': {
      const r = parseChatTsv(text);
      return { format: kind, transcripts: r.transcripts, warnings: r.warnings };
    }
  }
}
