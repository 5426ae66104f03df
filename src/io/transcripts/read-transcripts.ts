/**
 * Reads transcript files for QA: file I/O around the pure readers of `src/core/qa/formats`.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  compileQaConfig,
  parseTranscripts,
  resolveSpeakers,
  SpeakerError,
  TranscriptFormatError,
  type CompiledQaConfig,
  type TranscriptFormat,
  type Transcript,
} from '../../core/qa/index.js';

/** A file that cannot be read as transcripts; `message` is `FILE: reason` (with line or JSON path). */
export class UnreadableTranscriptError extends Error {
  override name = 'UnreadableTranscriptError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Options of `readTranscriptFile`. */
export interface ReadTranscriptOptions {
  readonly format?: TranscriptFormat | undefined;
  /** Speaker id to take as the agent (`--agent-speaker`). */
  readonly agentSpeaker?: string | undefined;
  readonly config?: CompiledQaConfig | undefined;
}

/** The calls of one file and the lines skipped (`FILE:LINE: reason`). */
export interface TranscriptFile {
  readonly file: string;
  readonly transcripts: readonly Transcript[];
  readonly warnings: readonly string[];
}

/**
 * Reads one transcript file (UTF-8) and settles its speakers' roles.
 * @param file path
 * @throws UnreadableTranscriptError for a missing or unreadable file, a format error (with line or
 *   JSON path), or an `--agent-speaker` that names no speaker
 */
export async function readTranscriptFile(
  file: string,
  options: ReadTranscriptOptions = {},
): Promise<TranscriptFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnreadableTranscriptError(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error),
    );
  }
  return parseTranscriptText(text, file, options);
}

/**
 * Parses the text of one transcript file (see `readTranscriptFile`).
 * @throws UnreadableTranscriptError naming the file and the line or JSON path at fault
 */
export function parseTranscriptText(
  text: string,
  file: string,
  options: ReadTranscriptOptions = {},
): TranscriptFile {
  const source = basename(file);
  const fallbackId = basename(file, extname(file));
  const config = options.config ?? compileQaConfig();
  try {
    const parsed = parseTranscripts(text, source, options.format ?? 'auto');
    return {
      file,
      transcripts: parsed.transcripts.map((p) =>
        resolveSpeakers(p, { fallbackId, source, agentSpeaker: options.agentSpeaker, config }),
      ),
      warnings: parsed.warnings.map((w) => `${file}:${w.replace(/^line (\d+): /, '$1: ')}`),
    };
  } catch (error) {
    if (error instanceof TranscriptFormatError || error instanceof SpeakerError) {
      throw new UnreadableTranscriptError(file, error.message);
    }
    throw error;
  }
}
