/**
 * A small FreeSWITCH event-socket server on 127.0.0.1 for tests: greets with
 * `Content-Type: auth/request`, answers `auth` (one password), `event …` (`+OK`), and `api …`
 * from a table of canned outputs; records every command; pushes `text/event-plain` events with
 * URL-encoded values and byte-exact Content-Length, as mod_event_socket does.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** The fake server (see module doc). */
export class FakeEslServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  /** Commands received (first line of each), in order; `auth` passwords are kept for assertions. */
  readonly commands: string[] = [];
  connections = 0;
  /** `performance.now()` of each accepted connection (to check backoff gaps). */
  readonly connectionTimes: number[] = [];
  /** Outputs of `api <command>` keyed by the command after `api `; missing → `-ERR … Command not found`. */
  readonly apiOutputs = new Map<string, string>();
  port = 0;

  constructor(private readonly password: string) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1 on a free port; resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    return this.port;
  }

  /** Sends one event (headers in order; values are URL-encoded here) to every client. */
  sendEvent(headers: ReadonlyArray<readonly [string, string | number]>): void {
    const body =
      headers.map(([k, v]) => `${k}: ${encodeURIComponent(String(v))}\n`).join('') + '\n';
    const packet = `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`;
    for (const c of this.clients) c.write(packet);
  }

  /** Destroys every client connection (the server keeps listening). */
  dropAll(): void {
    for (const c of this.clients) c.destroy();
    this.clients.clear();
  }

  /** Drops every client and stops listening. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.connectionTimes.push(performance.now());
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    socket.write('Content-Type: auth/request\n\n');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (;;) {
        const end = pending.indexOf('\n\n');
        if (end < 0) break;
        const command = pending.slice(0, end).split('\n')[0] ?? '';
        pending = pending.slice(end + 2);
        this.handle(socket, command.trim());
      }
    });
  }

  private reply(socket: Socket, text: string): void {
    socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
  }

  private handle(socket: Socket, command: string): void {
    this.commands.push(command);
    if (command.startsWith('auth ')) {
      if (command.slice(5) === this.password) {
        this.reply(socket, '+OK accepted');
      } else {
        this.reply(socket, '-ERR invalid');
        socket.write('Content-Type: text/disconnect-notice\nContent-Length: 0\n\n');
        socket.end();
      }
      return;
    }
    if (command.startsWith('event ')) {
      this.reply(socket, '+OK event listener enabled plain');
      return;
    }
    if (command.startsWith('api ')) {
      const output =
        this.apiOutputs.get(command.slice(4)) ??
        `-ERR ${command.slice(4).split(' ')[0]} Command not found!\n`;
      socket.write(
        `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(output)}\n\n${output}`,
      );
      return;
    }
    this.reply(socket, '-ERR command not found');
  }
}
