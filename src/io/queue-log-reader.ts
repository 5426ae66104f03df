/**
 * Reads queue_log inputs into canonical events, streaming: the raw file of every Asterisk
 * version, realtime-table exports (CSV/TSV), the PBXware export, `.gz` files (detected by their
 * magic bytes) and stdin (`-`). Memory does not grow with the file's size.
 *
 * A malformed line is reported (`FILE:LINE: reason`) and counted; the rest is processed.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { TelephonyEvent } from '../core/telephony/events.js';
import { parseQueueLogLine } from '../core/telephony/queue-log.js';
import { rowLayout, rowLine, type RowLayout } from '../core/telephony/realtime-row.js';
import { parseIsoInZone } from '../core/stats/time-zone.js';

/** A line or row that could not be read. */
export interface MalformedLine {
  /** The file as given (`-` for stdin). */
  readonly file: string;
  /** 1-based line number (for CSV rows: the row's first line). */
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/** Input layouts. `auto` looks at the first line. */
export type QueueLogFormat = 'auto' | 'raw' | 'csv' | 'tsv';

export interface ReadOptions {
  /** Zone for local date-time strings in exports (`--tz`). */
  readonly timeZone: string;
  readonly format?: QueueLogFormat;
  readonly onMalformed: (problem: MalformedLine) => void;
  /** Where `-` reads from (default: the process's stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Called with the bytes read so far (of the file as stored, before decompression). */
  readonly onProgress?: (bytesRead: number) => void;
  /** Bytes read from a file at a time (default 1 MiB). */
  readonly chunkBytes?: number;
}

/** What was read from one input. */
export interface FileSummary {
  readonly file: string;
  /** Non-empty lines (or data rows) read. */
  readonly lines: number;
  readonly malformed: number;
}

/** An input that cannot be opened or decoded. Its message starts with the file name. */
export class UnreadableInputError extends Error {
  override name = 'UnreadableInputError';
}

/**
 * Size of a file in bytes, for progress reporting; `null` for stdin or when unknown.
 */
export async function inputSize(file: string): Promise<number | null> {
  if (file === '-') return null;
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

async function* chunksOf(
  file: string,
  stdin: NodeJS.ReadableStream,
  chunkBytes: number,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  const stream: AsyncIterable<unknown> =
    file === '-' ? stdin : createReadStream(file, { highWaterMark: chunkBytes });
  let read = 0;
  let first = true;
  const raw = (async function* () {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      read += buffer.length;
      onProgress?.(read);
      yield buffer;
    }
  })();
  for await (const buffer of raw) {
    if (first) {
      first = false;
      if (buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
        const gunzip = createGunzip();
        const rest = Readable.from(
          (async function* () {
            yield buffer;
            yield* raw;
          })(),
        );
        yield* rest.pipe(gunzip) as AsyncIterable<Buffer>;
        return;
      }
    }
    yield buffer;
  }
}

function describeError(file: string, error: unknown): UnreadableInputError {
  const e = error as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOENT'
      ? 'no such file'
      : e.code === 'EACCES'
        ? 'permission denied'
        : e.code === 'EISDIR'
          ? 'is a directory'
          : e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR'
            ? `not a valid gzip file (${e.message})`
            : e.message;
  return new UnreadableInputError(`${file}: ${reason}`);
}

/**
 * Reads one input and hands each event to `onEvent` in file order.
 *
 * @param file a path, or `-` for stdin
 * @param onEvent receives each event and its duplicate key (the raw line, or the line a row maps to)
 * @returns counts of lines and malformed lines
 * @throws UnreadableInputError when the input cannot be opened or decompressed, or its header is
 *   not a queue_log layout
 */
export async function readQueueLog(
  file: string,
  options: ReadOptions,
  onEvent: (event: TelephonyEvent, key: string) => void,
): Promise<FileSummary> {
  let malformed = 0;
  const summary = await readQueueLogLines(
    file,
    {
      ...options,
      onMalformed: (problem) => {
        malformed++;
        options.onMalformed(problem);
      },
    },
    (line, lineNo) => {
      const parsed = parseQueueLogLine(line);
      if (parsed.ok) {
        onEvent(parsed.event, line);
      } else {
        malformed++;
        options.onMalformed({ file, line: lineNo, field: parsed.field, reason: parsed.reason });
      }
    },
  );
  return { file, lines: summary.lines, malformed };
}

/**
 * Reads one input as raw queue_log lines, in file order, without parsing them: export rows are
 * converted to the line Asterisk would have written. For pipelines that order lines before
 * parsing them ({@link Reorderer}).
 *
 * @param onLine receives each non-empty line (no terminator) and its 1-based line number
 * @returns counts of lines, and of rows that could not be converted (reported to `onMalformed`)
 * @throws UnreadableInputError when the input cannot be opened or decompressed, or its header is
 *   not a queue_log layout
 */
export async function readQueueLogLines(
  file: string,
  options: ReadOptions,
  onLine: (line: string, lineNo: number) => void,
): Promise<FileSummary> {
  const counts = { lines: 0, malformed: 0 };
  const report = (line: number, field: string, reason: string): void => {
    counts.malformed++;
    options.onMalformed({ file, line, field, reason });
  };
  try {
    const text = textOf(
      chunksOf(
        file,
        options.stdin ?? process.stdin,
        options.chunkBytes ?? 1 << 20,
        options.onProgress,
      ),
    );
    // Look at the first lines to tell a raw log from an export.
    let head = '';
    let next = await text.next();
    while (!next.done) {
      head += next.value;
      if (head.split('\n', SNIFF_LINES + 1).length > SNIFF_LINES || head.length >= 65_536) break;
      next = await text.next();
    }
    const requested = options.format ?? 'auto';
    const mode = requested === 'auto' ? detectFormat(head.split('\n', SNIFF_LINES)) : requested;
    const all = (async function* () {
      if (head.length > 0) yield head;
      if (!next.done) yield* text;
    })();
    if (mode === 'raw') {
      await readLines(all, onLine, counts);
    } else {
      await readRows(file, all, mode === 'tsv' ? '\t' : ',', options, onLine, report, counts);
    }
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw describeError(file, error);
  }
  return { file, lines: counts.lines, malformed: counts.malformed };
}

/**
 * {@link readQueueLogLines} with the lines as bytes, for the byte-level fast path
 * ({@link ByteLineParser}): a raw log is split into lines without decoding it (a UTF-8 byte-order
 * mark at its start is skipped, as decoding would); an export's rows are converted as text and
 * handed over encoded as UTF-8.
 *
 * @param onLine receives each non-empty line — `buf` from `start` to `end`, no terminator, one
 *   trailing `\r` removed; the buffer is not reused, so the line may be kept — its 1-based line
 *   number, and whether the whole buffer is known to be ASCII (checked once per chunk)
 * @returns counts of lines, and of rows that could not be converted (reported to `onMalformed`)
 * @throws UnreadableInputError as {@link readQueueLogLines}
 */
export async function readQueueLogLineBytes(
  file: string,
  options: ReadOptions,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number, ascii: boolean) => void,
): Promise<FileSummary> {
  const counts = { lines: 0 };
  try {
    const chunks = chunksOf(
      file,
      options.stdin ?? process.stdin,
      options.chunkBytes ?? 1 << 20,
      options.onProgress,
    )[Symbol.asyncIterator]();
    // Look at the first lines to tell a raw log from an export.
    const head: Buffer[] = [];
    let headBytes = 0;
    let newlines = 0;
    let next = await chunks.next();
    while (!next.done) {
      head.push(next.value);
      headBytes += next.value.length;
      for (let at = next.value.indexOf(10); at >= 0; at = next.value.indexOf(10, at + 1)) {
        newlines++;
      }
      if (newlines >= SNIFF_LINES || headBytes >= 65_536) break;
      next = await chunks.next();
    }
    const requested = options.format ?? 'auto';
    const mode =
      requested === 'auto'
        ? detectFormat(new TextDecoder().decode(Buffer.concat(head)).split('\n', SNIFF_LINES))
        : requested;
    if (mode !== 'raw') {
      await chunks.return?.(undefined);
      return await readQueueLogLines(file, options, (line, lineNo) => {
        const bytes = Buffer.from(line);
        onLine(bytes, 0, bytes.length, lineNo, false);
      });
    }
    const all = (async function* () {
      yield* head;
      if (!next.done) {
        for (let item = await chunks.next(); !item.done; item = await chunks.next()) {
          yield item.value;
        }
      }
    })();
    await splitLines(all, onLine, counts);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw describeError(file, error);
  }
  return { file, lines: counts.lines, malformed: 0 };
}

/** Splits raw bytes into lines (the byte twin of {@link readLines}). */
async function splitLines(
  chunks: AsyncIterable<Buffer>,
  onLine: (buf: Buffer, start: number, end: number, lineNo: number, ascii: boolean) => void,
  counts: { lines: number },
): Promise<void> {
  let lineNo = 0;
  let rest: Buffer | null = null;
  let first = true;
  const emit = (buf: Buffer, start: number, nl: number, ascii: boolean): void => {
    lineNo++;
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    if (end > start) {
      counts.lines++;
      onLine(buf, start, end, lineNo, ascii);
    }
  };
  for await (const chunk of chunks) {
    let start = 0;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    if (rest !== null) {
      // The line split across chunks: joined into a buffer of its own.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const joined = Buffer.concat([rest, chunk.subarray(0, nl)]);
      rest = null;
      emit(joined, 0, joined.length, false);
      start = nl + 1;
    }
    // One native check per chunk spares the line reader a per-byte one (the usual case).
    const ascii = isAscii(chunk);
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      emit(chunk, start, nl, ascii);
      start = nl + 1;
    }
    if (start < chunk.length) rest = chunk.subarray(start);
  }
  if (rest !== null) emit(rest, 0, rest.length, false);
}

async function* textOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/** The hot path: raw lines, split chunk by chunk. */
async function readLines(
  text: AsyncIterable<string>,
  onLine: (line: string, lineNo: number) => void,
  counts: { lines: number },
): Promise<void> {
  let lineNo = 0;
  let rest = '';
  for await (const chunk of text) {
    let start = 0;
    if (rest.length > 0) {
      // The line split across chunks; the chunk itself is not copied.
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        rest += chunk;
        continue;
      }
      lineNo++;
      const joined = rest + chunk.slice(0, nl);
      const line = joined.endsWith('\r') ? joined.slice(0, -1) : joined;
      if (line.length > 0) {
        counts.lines++;
        onLine(line, lineNo);
      }
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      lineNo++;
      const end = nl > start && chunk.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) {
        counts.lines++;
        onLine(chunk.slice(start, end), lineNo);
      }
      start = nl + 1;
    }
    rest = chunk.slice(start);
  }
  if (rest.length > 0) {
    lineNo++;
    const line = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    if (line.length > 0) {
      counts.lines++;
      onLine(line, lineNo);
    }
  }
}

/** Lines looked at to tell a raw log from an export. */
const SNIFF_LINES = 20;

/**
 * Raw when any of the first lines is a raw queue_log line (`epoch|…`): a malformed first line
 * must not turn a raw log into a rejected "export" (the rest of the file is good). Otherwise an
 * export, TSV or CSV by the header's separators.
 */
function detectFormat(lines: readonly string[]): 'raw' | 'csv' | 'tsv' {
  if (lines.some((line) => /^\s*\d+(\.\d+)?\|/.test(line))) return 'raw';
  const firstLine = lines[0] ?? '';
  const tabs = firstLine.split('\t').length;
  const commas = firstLine.split(',').length;
  return tabs > commas ? 'tsv' : 'csv';
}

async function readRows(
  file: string,
  text: AsyncIterable<string>,
  delimiter: string,
  options: ReadOptions,
  onLine: (line: string, lineNo: number) => void,
  report: (line: number, field: string, reason: string) => void,
  counts: { lines: number },
): Promise<void> {
  // Loaded here: most inputs are raw logs, and the reader thread starts faster without it.
  const { parse: parseCsv } = await import('csv-parse');
  const parser = Readable.from(text).pipe(
    parseCsv({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      skip_empty_lines: true,
    }),
  );
  let layout: RowLayout | null = null;
  const localTime = (t: string): number => parseIsoInZone(t, options.timeZone);
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { record, info } = item;
    if (layout === null) {
      const found = rowLayout(record);
      if ('error' in found) throw new UnreadableInputError(`${file}: ${found.error}`);
      layout = found;
      continue;
    }
    counts.lines++;
    const converted = rowLine(layout, record, localTime);
    if (converted.ok) onLine(converted.line, info.lines);
    else report(info.lines, converted.field, converted.reason);
  }
}

/** The display name of an input in reports (`-` stays `-`). */
export function inputName(file: string): string {
  return file === '-' ? '-' : basename(file);
}
