/**
 * Follows a live Asterisk `queue_log` file like `tail -F`: reads lines as they are appended, keeps
 * going across rotation (the path now names a new file) and truncation (the file shrank), and never
 * parses a last line until its newline arrives (Asterisk may be half-way through writing it).
 *
 * Its checkpoint is `{ ino, offset }`: the file's inode and the byte offset just after the last
 * complete line delivered. The ingest pipeline stores it in the same transaction as the batch, so a
 * restart (even after `kill -9`) resumes exactly there: nothing is lost or read twice. When the file
 * was rotated while the server was down, the follower finds the old file by its inode in the same
 * folder (e.g. `queue_log.1`) and reads its remainder first.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TelephonyEvent } from '../core/telephony/events.js';
import { parseQueueLogLine } from '../core/telephony/queue-log.js';
import type { EventBatch, SourceHealth, TelephonySource } from './telephony-source.js';

/** Resume position in a followed file. */
export interface FollowCheckpoint {
  /** Inode of the file the offset belongs to. */
  readonly ino: number;
  /** Byte offset just after the last complete line delivered. */
  readonly offset: number;
}

/** A line that could not be parsed: logged and skipped, never fatal. */
export interface MalformedFollowLine {
  readonly file: string;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
  readonly field: string;
  readonly reason: string;
}

/** Options of {@link QueueLogFollower}. */
export interface QueueLogFollowerOptions {
  /** Path of the live file (`/var/log/asterisk/queue_log`). */
  readonly path: string;
  /** Stored checkpoint (JSON from a previous batch), or `null` to start fresh. */
  readonly checkpoint: string | null;
  /** With no checkpoint: read the existing content (`beginning`, default) or only new lines (`end`). */
  readonly startAt?: 'beginning' | 'end';
  /** Fallback polling interval in ms (default 250); file-system notifications wake it sooner. */
  readonly pollMs?: number;
  /** Largest read per batch, bytes (default 1 MiB). */
  readonly maxBatchBytes?: number;
  /** Receives malformed lines. */
  readonly onMalformed?: (line: MalformedFollowLine) => void;
  /** Receives I/O errors other than "file missing" (the follower keeps trying). */
  readonly onError?: (error: Error) => void;
  /** Clock, epoch ms (tests). */
  readonly now?: () => number;
}

/** Parses a checkpoint string; `null` when absent or not a checkpoint. */
export function parseFollowCheckpoint(text: string | null): FollowCheckpoint | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as FollowCheckpoint).ino === 'number' &&
      typeof (value as FollowCheckpoint).offset === 'number'
    ) {
      return { ino: (value as FollowCheckpoint).ino, offset: (value as FollowCheckpoint).offset };
    }
  } catch {
    // not JSON: start fresh
  }
  return null;
}

interface OpenFile {
  readonly handle: FileHandle;
  readonly ino: number;
  /** The name it was opened under (for messages). */
  readonly name: string;
  offset: number;
}

const NEWLINE = 0x0a;

/** The `queue_log` follower. */
export class QueueLogFollower implements TelephonySource {
  readonly kind = 'queue_log' as const;

  private readonly pollMs: number;
  private readonly maxBatchBytes: number;
  private readonly now: () => number;
  private current: OpenFile | null = null;
  /** An old (rotated) file still to drain before `current`. */
  private draining: OpenFile | null = null;
  private onBatch: ((batch: EventBatch) => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private running = false;
  private pumping: Promise<void> | null = null;
  private again = false;
  private lastEventAt: number | null = null;
  /** Read buffer, reused (its content is copied into strings before a batch is delivered). */
  private buffer: Buffer | null = null;
  private lagSeconds: number | null = null;
  private error: string | null = null;
  private ok = false;
  /** Lines delivered and malformed so far. */
  lines = 0;
  malformed = 0;

  constructor(private readonly options: QueueLogFollowerOptions) {
    this.pollMs = options.pollMs ?? 250;
    this.maxBatchBytes = options.maxBatchBytes ?? 1 << 20;
    this.now = options.now ?? Date.now;
  }

  /** Starts following; the first batch (existing content after the checkpoint) comes at once. */
  async start(onBatch: (batch: EventBatch) => Promise<void>): Promise<void> {
    this.onBatch = onBatch;
    this.running = true;
    await this.openAtCheckpoint();
    try {
      this.watcher = watch(dirname(this.options.path), (_type, name) => {
        if (name === null || name === basename(this.options.path)) this.wake();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null; // polling still works
    }
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.wake();
  }

  /** Stops; resolves after the batch in progress (if any) is handed over. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    if (this.pumping !== null) await this.pumping;
    await this.current?.handle.close();
    await this.draining?.handle.close();
    this.current = null;
    this.draining = null;
  }

  health(): SourceHealth {
    return {
      kind: 'queue_log',
      name: this.options.path,
      ok: this.ok,
      lastEventAt: this.lastEventAt,
      lagSeconds: this.lagSeconds,
      error: this.error,
    };
  }

  /** Asks for a read now (also called by the watcher and the poll timer). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping !== null) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again && this.running) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      for (let rounds = 0; this.running && rounds < 1000; rounds++) {
        const progressed = await this.step();
        if (!progressed) break;
      }
      this.error = null;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.error = err.message;
      this.options.onError?.(err);
    }
  }

  /** One read-and-deliver step. Returns true when it delivered or switched files. */
  private async step(): Promise<boolean> {
    if (this.draining !== null) {
      const delivered = await this.readFrom(this.draining, true);
      if (!delivered) {
        await this.draining.handle.close();
        this.draining = null;
        return true;
      }
      return true;
    }
    const info = await this.statPath();
    if (info === null) {
      this.ok = false;
      return false;
    }
    this.ok = true;
    if (this.current === null || this.current.ino !== info.ino) {
      // Rotated (or first appearance): finish the old file, then read the new one from its start.
      const handle = await open(this.options.path, 'r');
      const fresh: OpenFile = { handle, ino: info.ino, name: this.options.path, offset: 0 };
      if (this.current !== null) this.draining = this.current;
      this.current = fresh;
      return true;
    }
    if (info.size < this.current.offset) {
      // Truncated (copytruncate rotation, or the file was emptied): start over from its beginning.
      this.current.offset = 0;
    }
    if (info.size === this.current.offset) return false;
    return this.readFrom(this.current, false);
  }

  private async statPath(): Promise<{ ino: number; size: number } | null> {
    try {
      const s = await stat(this.options.path);
      return { ino: s.ino, size: s.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Reads complete lines after `file.offset` and delivers them as one batch.
   * @param finished the file will not grow any more (rotated away): a last line without newline is
   *   taken as complete
   * @returns whether anything was consumed
   */
  private async readFrom(file: OpenFile, finished: boolean): Promise<boolean> {
    this.buffer ??= Buffer.allocUnsafe(this.maxBatchBytes);
    const buffer = this.buffer;
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.offset);
    if (bytesRead === 0) return false;
    let end = buffer.lastIndexOf(NEWLINE, bytesRead - 1) + 1;
    if (end === 0) {
      if (finished || bytesRead === buffer.length) {
        end = bytesRead;
      } // a line too long or a cut last line
      else return false; // a partial last line: wait for its newline
    }
    const chunk = buffer.subarray(0, end);
    const events: TelephonyEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      let stop = chunk.indexOf(NEWLINE, start);
      if (stop < 0) stop = chunk.length;
      const lineOffset = file.offset + start;
      const line = chunk.toString('utf8', start, stop).replace(/\r$/, '');
      start = stop + 1;
      if (line.trim() === '') continue;
      this.lines++;
      const result = parseQueueLogLine(line);
      if (result.ok) {
        events.push(result.event);
      } else {
        this.malformed++;
        this.options.onMalformed?.({
          file: file.name,
          offset: lineOffset,
          field: result.field,
          reason: result.reason,
        });
      }
    }
    const nextOffset = file.offset + end;
    // The checkpoint names the file that continues: while draining a rotated file it is that file.
    const checkpoint = JSON.stringify({
      ino: file.ino,
      offset: nextOffset,
    } satisfies FollowCheckpoint);
    if (this.onBatch !== null) await this.onBatch({ events, checkpoint });
    file.offset = nextOffset;
    const last = events[events.length - 1];
    if (last !== undefined) {
      this.lastEventAt = this.now();
      this.lagSeconds = Math.max(0, this.lastEventAt / 1000 - last.time);
    }
    return true;
  }

  /** Opens the file at the stored checkpoint (finding a rotated-away file by its inode). */
  private async openAtCheckpoint(): Promise<void> {
    const checkpoint = parseFollowCheckpoint(this.options.checkpoint);
    const info = await this.statPath();
    if (info === null) return; // appears later: read from its start then
    const handle = await open(this.options.path, 'r');
    if (checkpoint === null) {
      const offset =
        this.options.startAt === 'end' ? await this.lastNewlineEnd(handle, info.size) : 0;
      this.current = { handle, ino: info.ino, name: this.options.path, offset };
      return;
    }
    if (checkpoint.ino === info.ino) {
      const offset = info.size >= checkpoint.offset ? checkpoint.offset : 0;
      this.current = { handle, ino: info.ino, name: this.options.path, offset };
      return;
    }
    // Rotated while we were down: drain the old file from the checkpoint if it is still there.
    this.current = { handle, ino: info.ino, name: this.options.path, offset: 0 };
    const old = await this.findByInode(checkpoint.ino);
    if (old !== null) {
      const oldHandle = await open(old, 'r');
      const size = (await oldHandle.stat()).size;
      this.draining = {
        handle: oldHandle,
        ino: checkpoint.ino,
        name: old,
        offset: size >= checkpoint.offset ? checkpoint.offset : 0,
      };
    }
  }

  private async findByInode(ino: number): Promise<string | null> {
    const dir = dirname(this.options.path);
    const base = basename(this.options.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    for (const name of names) {
      if (!name.startsWith(base) || name === base || name.endsWith('.gz')) continue;
      try {
        if ((await stat(join(dir, name))).ino === ino) return join(dir, name);
      } catch {
        // vanished: skip
      }
    }
    return null;
  }

  private async lastNewlineEnd(handle: FileHandle, size: number): Promise<number> {
    const window = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(window);
    await handle.read(buffer, 0, window, size - window);
    const i = buffer.lastIndexOf(NEWLINE);
    return i < 0 ? size - window : size - window + i + 1;
  }
}
