/**
 * Asterisk Manager Interface (AMI) wire format: packet parsing and action serialisation.
 *
 * The protocol (docs.asterisk.org "Asterisk Manager Interface (AMI)", "AMI v2 Specification"):
 * after the TCP connect the server writes one banner line `Asterisk Call Manager/<version>`; then
 * every packet is a block of `Key: Value` lines ended by an empty line. Lines end with CRLF on the
 * wire; captures and some proxies use LF, so both are accepted. A packet is an action (client →
 * server, `Action:` first), a response (`Response:`) or an event (`Event:`).
 *
 * `Response: Follows` (the `Command` action on Asterisk ≤ 13) carries raw, non-`Key: Value` output
 * lines that end with a line `--END COMMAND--`; those lines are collected into {@link AmiPacket.body}.
 *
 * Robustness: a line that is neither `Key: Value` nor inside a Follows body is skipped and counted
 * (garbage between packets). Packet captures contain marks such as
 * `[218 bytes missing in capture file]` glued to the next real line; the mark is stripped and the
 * rest of the line is read normally.
 */

/** One `Key: Value` header of a packet, in wire order (keys may repeat, e.g. `Variable:`). */
export interface AmiHeader {
  readonly key: string;
  readonly value: string;
}

/** A parsed AMI packet. */
export interface AmiPacket {
  /** `event`, `response`, `action` (captures include the client's actions), or `banner`. */
  readonly type: 'event' | 'response' | 'action' | 'banner';
  /** Event name (`Event:`), response status (`Response:`), action name (`Action:`) or banner version. */
  readonly name: string;
  /** Every header in wire order, the first (type) header included. */
  readonly headers: readonly AmiHeader[];
  /** Output lines of a `Response: Follows` packet (without `--END COMMAND--`); empty otherwise. */
  readonly body: readonly string[];
}

/**
 * Value of the first header named `key` (AMI keys are case-insensitive in practice: Asterisk 11
 * writes `Holdtime`, 12+ `HoldTime`), or `null` when absent.
 */
export function amiField(packet: AmiPacket, key: string): string | null {
  // Exact spelling first (the common case), then case-insensitive.
  for (const header of packet.headers) {
    if (header.key === key) return header.value;
  }
  const wanted = key.toLowerCase();
  for (const header of packet.headers) {
    if (header.key.length === key.length && header.key.toLowerCase() === wanted) {
      return header.value;
    }
  }
  return null;
}

/** Like {@link amiField} but tries several keys in order (dialect variants), first non-empty wins. */
export function amiFieldAny(packet: AmiPacket, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = amiField(packet, key);
    if (value !== null && value !== '') return value;
  }
  return null;
}

const BANNER = /^Asterisk Call Manager\/(\S+)/;
const CAPTURE_GAP = /^\[\d+ bytes missing in capture file\]/;
const END_COMMAND = '--END COMMAND--';
/** Longest line kept while waiting for its end (1 MiB); longer unterminated text is dropped. */
const MAX_LINE = 1 << 20;
/** Headers Asterisk writes before the raw output of a Follows response. */
const FOLLOWS_HEADERS = /^(Privilege|ActionID|Message)$/i;

/**
 * Incremental AMI packet parser. Feed it text chunks in arrival order (split anywhere, even inside
 * a line); it returns each packet once its terminating empty line has arrived.
 *
 * Usage: `const parser = new AmiPacketParser(); for (const p of parser.push(chunk)) …`.
 * Never throws on bad input; {@link skippedLines} counts the lines it ignored.
 */
export class AmiPacketParser {
  private pending = '';
  private headers: AmiHeader[] = [];
  private body: string[] = [];
  private inFollows = false;
  /** Number of garbage lines skipped so far (neither `Key: Value`, banner, nor Follows output). */
  skippedLines = 0;

  /**
   * Parses a chunk of text.
   * @param chunk decoded text (UTF-8 on the wire), any length
   * @returns the packets completed by this chunk, in order
   */
  push(chunk: string): AmiPacket[] {
    const out: AmiPacket[] = [];
    this.pending += chunk;
    let start = 0;
    for (;;) {
      const newline = this.pending.indexOf('\n', start);
      if (newline < 0) break;
      let line = this.pending.slice(start, newline);
      start = newline + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line, out);
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > MAX_LINE) {
      // A "line" this long is not AMI: drop it rather than buffer without bound.
      this.pending = '';
      this.skippedLines++;
    }
    return out;
  }

  /**
   * Flushes a final packet that was not followed by an empty line (end of a capture file).
   * @returns that packet, if any headers were pending
   */
  end(): AmiPacket[] {
    const out: AmiPacket[] = [];
    if (this.pending.length > 0) {
      const rest = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
      this.pending = '';
      this.line(rest, out);
    }
    this.finish(out);
    return out;
  }

  private line(raw: string, out: AmiPacket[]): void {
    let line = raw;
    const gap = line.startsWith('[') ? CAPTURE_GAP.exec(line) : null;
    if (gap) {
      this.skippedLines++;
      line = line.slice(gap[0].length);
    }
    if (this.inFollows) {
      const end = line.indexOf(END_COMMAND);
      if (end >= 0) {
        if (end > 0) this.body.push(line.slice(0, end));
        this.inFollows = false;
        this.follows = false;
      } else {
        this.body.push(line);
      }
      return;
    }
    if (line.length === 0 || line.trim() === '') {
      this.finish(out);
      return;
    }
    const banner =
      this.headers.length === 0 && line.startsWith('Asterisk') ? BANNER.exec(line) : null;
    if (banner) {
      out.push({ type: 'banner', name: banner[1] ?? '', headers: [], body: [] });
      return;
    }
    const colon = line.indexOf(':');
    const isHeader = colon > 0 && isKey(line, colon);
    if (this.follows && (!isHeader || !FOLLOWS_HEADERS.test(line.slice(0, colon)))) {
      // First output line of a `Response: Follows` packet: body mode until `--END COMMAND--`.
      this.inFollows = true;
      this.line(line, out);
      return;
    }
    if (!isHeader) {
      this.skippedLines++;
      return;
    }
    const key = line.slice(0, colon);
    const value = line
      .slice(colon + 1)
      .replace(/^ /, '')
      .trimEnd();
    this.headers.push({ key, value });
    if (this.headers.length === 1 && key.toLowerCase() === 'response' && value === 'Follows') {
      this.follows = true;
    }
  }

  /** Inside the headers of a `Response: Follows` packet (before its output lines). */
  private follows = false;

  private finish(out: AmiPacket[]): void {
    this.follows = false;
    this.inFollows = false;
    const first = this.headers[0];
    if (first === undefined) {
      this.body = [];
      return;
    }
    const type = first.key.toLowerCase();
    const headers = this.headers;
    const body = this.body;
    this.headers = [];
    this.body = [];
    if (type === 'event' || type === 'response' || type === 'action') {
      out.push({ type, name: first.value, headers, body });
      return;
    }
    // A packet whose first header is not Event/Response/Action: look for one further down
    // (a capture gap may have eaten the first line), else it is garbage.
    const typed = headers.find((h) => /^(event|response|action)$/i.test(h.key));
    if (typed) {
      out.push({
        type: typed.key.toLowerCase() as 'event' | 'response' | 'action',
        name: typed.value,
        headers,
        body,
      });
    } else {
      this.skippedLines += headers.length;
    }
  }
}

/**
 * Serialises an AMI action: `Action: <name>` then each field, CRLF line ends, empty line at the end.
 *
 * @param action action name, e.g. `QueuePause`
 * @param fields further fields in order; `undefined`/`null` values are left out
 * @throws Error when a key or value contains CR or LF (it would inject a second packet)
 */
export function serializeAmiAction(
  action: string,
  fields: ReadonlyArray<readonly [string, string | number | boolean | null | undefined]>,
): string {
  const lines = [`Action: ${checkText('Action', action)}`];
  for (const [key, value] of fields) {
    if (value === undefined || value === null) continue;
    lines.push(`${checkText('key', key)}: ${checkText(key, String(value))}`);
  }
  return lines.join('\r\n') + '\r\n\r\n';
}

function checkText(field: string, text: string): string {
  if (/[\r\n]/.test(text)) {
    throw new Error(`AMI field ${field} must not contain a line break: ${JSON.stringify(text)}`);
  }
  return text;
}

/** Whether `line[0, end)` is an AMI key: letters, digits, `_` and `-`. */
function isKey(line: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
    if (!ok) return false;
  }
  return true;
}
