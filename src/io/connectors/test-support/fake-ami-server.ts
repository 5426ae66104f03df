/**
 * A small AMI server on 127.0.0.1 for tests: writes the banner, answers `Login` (accepting one
 * user/secret), `QueueStatus` (with a configurable list of events, each followed by the
 * request's ActionID and closed by `QueueStatusComplete`), `Ping`, and any other action with
 * `Response: Success` (or a configured answer). It records every action it receives and can
 * push raw text (events, capture files) to connected clients or drop them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { AmiPacketParser, amiField, type AmiPacket } from '../../../core/connectors/ami/packet.js';

/** Options of {@link FakeAmiServer}. */
export interface FakeAmiOptions {
  readonly username: string;
  readonly secret: string;
  /** Line ending the server writes (default CRLF, as Asterisk). */
  readonly eol?: '\r\n' | '\n';
}

/** One AMI packet as ordered key/value pairs (rendered with the server's line ending). */
export type PacketFields = ReadonlyArray<readonly [string, string | number]>;

/** Renders packets as AMI text. */
export function renderPackets(packets: readonly PacketFields[], eol = '\r\n'): string {
  return packets.map((p) => p.map(([k, v]) => `${k}: ${v}${eol}`).join('') + eol).join('');
}

/** The fake server (see module doc). */
export class FakeAmiServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  /** Actions received, in order, across connections. */
  readonly actions: AmiPacket[] = [];
  /** TCP connections accepted. */
  connections = 0;
  /** `performance.now()` of each accepted connection (to check backoff gaps). */
  readonly connectionTimes: number[] = [];
  /** Logins refused / accepted. */
  loginsRefused = 0;
  loginsAccepted = 0;
  /** Events returned for each QueueStatus (before QueueStatusComplete); may be changed between connections. */
  queueStatus: PacketFields[] = [];
  /**
   * When set, the whole QueueStatus answer as raw text (e.g. a capture), every `ActionID:` line
   * replaced by the request's ActionID; `queueStatus` is then ignored.
   */
  queueStatusRaw: string | null = null;
  /** Raw text written right after a successful login (e.g. a capture replay). */
  afterLogin: ((socket: Socket) => void) | null = null;
  /** Written after the QueueStatusComplete of the Nth QueueStatus (1-based). */
  afterQueueStatus: ((socket: Socket, count: number) => void) | null = null;
  /** Action names the server records but never answers (to test timeouts). */
  readonly silentActions = new Set<string>();
  private queueStatusCount = 0;
  port = 0;

  constructor(private readonly options: FakeAmiOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1 on a free port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    return this.port;
  }

  /** Writes raw text to every connected client. */
  broadcast(text: string): void {
    for (const c of this.clients) c.write(text);
  }

  /** Writes packets to every connected client. */
  sendPackets(packets: readonly PacketFields[]): void {
    this.broadcast(renderPackets(packets, this.eol));
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

  /** Actions received with this name. */
  actionsNamed(name: string): AmiPacket[] {
    return this.actions.filter((a) => a.name === name);
  }

  private get eol(): string {
    return this.options.eol ?? '\r\n';
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.connectionTimes.push(performance.now());
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    const parser = new AmiPacketParser();
    socket.write(`Asterisk Call Manager/5.0.1${this.eol}`);
    socket.on('data', (chunk: string) => {
      for (const packet of parser.push(chunk)) {
        if (packet.type === 'action') this.handle(socket, packet);
      }
    });
  }

  private reply(socket: Socket, fields: PacketFields): void {
    if (!socket.destroyed) socket.write(renderPackets([fields], this.eol));
  }

  private handle(socket: Socket, action: AmiPacket): void {
    this.actions.push(action);
    const id = amiField(action, 'ActionID') ?? '';
    if (this.silentActions.has(action.name)) return;
    switch (action.name) {
      case 'Login': {
        const ok =
          amiField(action, 'Username') === this.options.username &&
          amiField(action, 'Secret') === this.options.secret;
        if (!ok) {
          this.loginsRefused++;
          this.reply(socket, [
            ['Response', 'Error'],
            ['ActionID', id],
            ['Message', 'Authentication failed'],
          ]);
          // Asterisk closes the session after a failed login.
          socket.end();
          return;
        }
        this.loginsAccepted++;
        this.reply(socket, [
          ['Response', 'Success'],
          ['ActionID', id],
          ['Message', 'Authentication accepted'],
        ]);
        this.reply(socket, [
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Status', 'Fully Booted'],
        ]);
        this.afterLogin?.(socket);
        return;
      }
      case 'QueueStatus': {
        this.queueStatusCount++;
        if (this.queueStatusRaw !== null) {
          socket.write(this.queueStatusRaw.replace(/^ActionID: .*$/gm, `ActionID: ${id}`));
          this.afterQueueStatus?.(socket, this.queueStatusCount);
          return;
        }
        const packets: PacketFields[] = [
          [
            ['Response', 'Success'],
            ['ActionID', id],
            ['EventList', 'start'],
            ['Message', 'Queue status will follow'],
          ],
          ...this.queueStatus.map((p): PacketFields => [...p, ['ActionID', id]]),
          [
            ['Event', 'QueueStatusComplete'],
            ['ActionID', id],
            ['EventList', 'Complete'],
            ['ListItems', this.queueStatus.length],
          ],
        ];
        if (!socket.destroyed) socket.write(renderPackets(packets, this.eol));
        this.afterQueueStatus?.(socket, this.queueStatusCount);
        return;
      }
      case 'Ping':
        this.reply(socket, [
          ['Response', 'Success'],
          ['ActionID', id],
          ['Ping', 'Pong'],
          ['Timestamp', (Date.now() / 1000).toFixed(6)],
        ]);
        return;
      case 'Command':
        // Asterisk ≤ 13 answers Command with raw output lines ended by --END COMMAND--.
        if (!socket.destroyed) {
          socket.write(
            `Response: Follows\r\nPrivilege: Command\r\nActionID: ${id}\r\n` +
              `support has 0 calls (max unlimited) in 'ringall' strategy\n   Members: \n      Alice (PJSIP/1001) (Not in use)\n` +
              `--END COMMAND--\r\n\r\n`,
          );
        }
        return;
      case 'QueueRemove':
        this.reply(socket, [
          ['Response', 'Success'],
          ['ActionID', id],
          ['Message', 'Removed interface from queue'],
        ]);
        return;
      case 'Originate':
        this.reply(socket, [
          ['Response', 'Success'],
          ['ActionID', id],
          ['Message', 'Originate successfully queued'],
        ]);
        return;
      default:
        this.reply(socket, [
          ['Response', 'Success'],
          ['ActionID', id],
          ['Message', `${action.name} done`],
        ]);
    }
  }
}
