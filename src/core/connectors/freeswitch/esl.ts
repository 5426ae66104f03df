/**
 * FreeSWITCH event socket (ESL) wire format (freeswitch.org docs "mod_event_socket").
 *
 * Every packet is a block of `Name: value` header lines (LF) ended by an empty line; when it has a
 * `Content-Length: N` header, exactly N **bytes** of body follow. Packets seen by an inbound client:
 * `Content-Type: auth/request` (the greeting), `command/reply` (with `Reply-Text: +OK …` or
 * `-ERR …`), `api/response` (body = the command's output), `text/event-plain` (body = one event:
 * `Name: value` lines with URL-encoded values, an empty line, then the event's own body when it
 * has `Content-Length`), and `text/disconnect-notice`.
 */

/** One outer ESL packet. */
export interface EslPacket {
  /** Outer headers (not URL-encoded), names as sent. */
  readonly headers: ReadonlyMap<string, string>;
  /** Body (UTF-8 decoded); `""` when none. */
  readonly body: string;
}

/** One event from a `text/event-plain` body. */
export interface EslEvent {
  /** Event headers, values URL-decoded (e.g. `CC-Action`, `Event-Date-Timestamp`). */
  readonly headers: ReadonlyMap<string, string>;
  /** The event's own body (after its headers), or `""`. */
  readonly body: string;
}

const LF = 10;

/**
 * Incremental ESL packet parser over bytes (Content-Length counts bytes, so text decoding happens
 * per packet, never across a chunk boundary). Never throws on bad input: a bad `Content-Length`
 * is read as 0 and counted in {@link badPackets}.
 */
export class EslPacketParser {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly decoder = new TextDecoder('utf-8');
  /** Packets with an unreadable Content-Length. */
  badPackets = 0;

  /**
   * @param chunk bytes as received
   * @returns the packets completed by this chunk, in order
   */
  push(chunk: Uint8Array): EslPacket[] {
    this.buffer = concat(this.buffer, chunk);
    const out: EslPacket[] = [];
    let offset = 0;
    for (;;) {
      // Skip stray blank lines between packets.
      while (
        offset < this.buffer.length &&
        (this.buffer[offset] === LF || this.buffer[offset] === 13)
      ) {
        offset++;
      }
      const end = findBlankLine(this.buffer, offset);
      if (end < 0) break;
      const headerText = this.decoder.decode(this.buffer.subarray(offset, end));
      const headers = parseHeaderLines(headerText, false);
      const bodyStart = end + 2;
      const lengthText = headers.get('Content-Length');
      let length = 0;
      if (lengthText !== undefined) {
        length = /^\d+$/.test(lengthText.trim()) ? Number(lengthText.trim()) : 0;
        if (length === 0 && lengthText.trim() !== '0') this.badPackets++;
      }
      if (this.buffer.length < bodyStart + length) break;
      const body = this.decoder.decode(this.buffer.subarray(bodyStart, bodyStart + length));
      out.push({ headers, body });
      offset = bodyStart + length;
    }
    this.buffer = this.buffer.slice(offset);
    return out;
  }
}

/** Index of the first LF of the first `\n\n` at or after `from`, or -1. */
function findBlankLine(buffer: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buffer.length; i++) {
    if (buffer[i] === LF && buffer[i + 1] === LF) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parses `Name: value` lines; `decode` URL-decodes values (event-plain bodies). */
function parseHeaderLines(text: string, decode: boolean): Map<string, string> {
  const headers = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    headers.set(name, decode ? urlDecode(value) : value);
  }
  return headers;
}

/** URL-decodes a header value as FreeSWITCH's `switch_url_encode` wrote it; bad escapes stay raw. */
export function urlDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Parses the body of a `text/event-plain` packet into one event.
 * @param body the packet body (headers, empty line, optional event body)
 */
export function parseEventPlain(body: string): EslEvent {
  const split = body.indexOf('\n\n');
  const headerText = split < 0 ? body : body.slice(0, split);
  const headers = parseHeaderLines(headerText, true);
  const rest = split < 0 ? '' : body.slice(split + 2);
  const length = Number(headers.get('Content-Length') ?? '0');
  return { headers, body: Number.isFinite(length) && length > 0 ? rest : '' };
}

/** The `Content-Type` of a packet (`auth/request`, `command/reply`, …) or `""`. */
export function eslContentType(packet: EslPacket): string {
  return packet.headers.get('Content-Type') ?? '';
}

/**
 * Parses the `|`-separated table printed by `callcenter_config … list` (mod_callcenter docs,
 * "callcenter_config"): a header row of column names, one row per record, then `+OK`.
 *
 * @returns one object per row keyed by column name
 * @throws Error when the output is an error (`-ERR …`) or has no header row
 */
export function parseCallcenterTable(text: string): Record<string, string>[] {
  const lines = text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '');
  const first = lines[0];
  if (first === undefined) throw new Error('callcenter_config: empty output');
  if (first.startsWith('-ERR')) throw new Error(`callcenter_config: ${first}`);
  const columns = first.split('|');
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('+OK')) break;
    if (line.startsWith('-ERR')) throw new Error(`callcenter_config: ${line}`);
    const cells = line.split('|');
    const row: Record<string, string> = {};
    columns.forEach((column, i) => {
      row[column] = cells[i] ?? '';
    });
    rows.push(row);
  }
  return rows;
}

/** Serialises an ESL command (`auth …`, `event plain …`, `api …`): one line plus an empty line. */
export function eslCommand(command: string): string {
  if (/[\r\n]/.test(command)) {
    throw new Error(`ESL command must not contain a line break: ${JSON.stringify(command)}`);
  }
  return `${command}\n\n`;
}
