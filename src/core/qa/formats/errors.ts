/** Errors and warnings of the transcript readers. */

/**
 * A transcript the reader cannot read. `location` is `line N` (text formats) or a JSON path
 * (`$.turns[3].speaker`); the I/O layer prefixes the file name.
 */
export class TranscriptFormatError extends Error {
  override name = 'TranscriptFormatError';
  constructor(
    readonly location: string,
    readonly reason: string,
  ) {
    super(location ? `${location}: ${reason}` : reason);
  }
}

/** A line skipped while the rest of the file was read (`line 12: expected 7 tab-separated fields`). */
export type ParseWarning = string;
