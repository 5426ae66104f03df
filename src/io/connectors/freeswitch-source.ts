/**
 * Live FreeSWITCH source over the inbound event socket (mod_event_socket, default port 8021) for
 * mod_callcenter queues.
 *
 * Per connection: wait for `Content-Type: auth/request`, send `auth <password>`, subscribe with
 * `event plain CUSTOM callcenter::info` plus `CHANNEL_HOLD CHANNEL_UNHOLD` (for HOLD/UNHOLD), then
 * rebuild state with `api callcenter_config tier list`, `api callcenter_config agent list`,
 * `api callcenter_config queue list` and `api callcenter_config queue list members <queue>` per
 * queue (mod_callcenter docs, "callcenter_config"); events arriving meanwhile are held and applied
 * after the rebuild. Replies to commands arrive in order (`command/reply`, `api/response`), so
 * commands are correlated first-in first-out.
 */
import type { Socket } from 'node:net';
import { endpointName, type EslConfig } from '../../core/connectors/config.js';
import {
  EslPacketParser,
  eslCommand,
  eslContentType,
  parseCallcenterTable,
  parseEventPlain,
  type EslEvent,
  type EslPacket,
} from '../../core/connectors/freeswitch/esl.js';
import { CallcenterMapper, fsEventTime } from '../../core/connectors/freeswitch/mapper.js';
import type { LiveMember } from '../../core/connectors/member-table.js';
import { ReconnectingSource, type ReconnectOptions } from './reconnecting-source.js';

/** Anything that can run an ESL `api` command (a {@link FreeSwitchSource}). */
export interface EslApiSender {
  /**
   * Runs `api <command>` and resolves with its output text.
   * @throws Error when not connected, on timeout, or when the output starts with `-ERR`
   */
  api(command: string): Promise<string>;
}

interface PendingCommand {
  resolve(packet: EslPacket): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  command: string;
}

/** The event subscription sent after `auth`. */
export const ESL_SUBSCRIPTION = 'event plain CHANNEL_HOLD CHANNEL_UNHOLD CUSTOM callcenter::info';

/** Live FreeSWITCH mod_callcenter source (see module doc). Construct with `parseEslUrl(text)`. */
export class FreeSwitchSource extends ReconnectingSource implements EslApiSender {
  readonly kind = 'freeswitch' as const;
  readonly mapper = new CallcenterMapper();
  private parser = new EslPacketParser();
  private readonly queue: PendingCommand[] = [];
  private authed = false;
  private held: EslEvent[] | null = null;

  /**
   * @param config host, port, password (`parseEslUrl`)
   * @param options backoff, timeouts, logger
   */
  constructor(
    private readonly config: EslConfig,
    options: ReconnectOptions = {},
  ) {
    super(config.host, config.port, options);
  }

  get name(): string {
    return endpointName(this.config);
  }

  /** Current membership as known from mod_callcenter (queue `null` → tiers unknown). */
  members(): LiveMember[] {
    return this.mapper.memberList();
  }

  /** Whether authenticated and subscribed now (api commands can be sent). */
  get connected(): boolean {
    return this.authed && this.socket !== null;
  }

  async api(command: string): Promise<string> {
    if (!this.authed) throw new Error(`FreeSWITCH ${this.name}: not connected`);
    const packet = await this.command(`api ${command}`);
    if (packet.body.startsWith('-ERR')) {
      throw new Error(
        `FreeSWITCH ${this.name}: api ${command.split(' ')[0] ?? ''}: ${packet.body.trim()}`,
      );
    }
    return packet.body;
  }

  private command(text: string): Promise<EslPacket> {
    const socket = this.socket;
    if (socket === null) return Promise.reject(new Error(`FreeSWITCH ${this.name}: not connected`));
    const line = eslCommand(text);
    const label = text.startsWith('auth ') ? 'auth' : text;
    return new Promise<EslPacket>((resolve, reject) => {
      const pending: PendingCommand = {
        resolve,
        reject,
        command: label,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(pending);
          if (i >= 0) this.queue.splice(i, 1);
          reject(
            new Error(
              `FreeSWITCH ${this.name}: "${label}" timed out after ${this.actionTimeoutMs} ms`,
            ),
          );
          // Replies are matched in order: after a lost reply the stream is out of step.
          socket.destroy();
        }, this.actionTimeoutMs),
      };
      this.queue.push(pending);
      socket.write(line);
    });
  }

  protected onConnected(_socket: Socket): void {
    this.parser = new EslPacketParser();
    this.authed = false;
    // Events are held from the start of the session until the state rebuild is applied.
    this.held = [];
  }

  protected onData(chunk: Buffer): void {
    for (const packet of this.parser.push(chunk)) this.onPacket(packet);
  }

  protected onClosed(): void {
    this.authed = false;
    this.held = null;
    for (const p of this.queue.splice(0)) {
      clearTimeout(p.timer);
      p.reject(
        new Error(`FreeSWITCH ${this.name}: connection closed before the reply to "${p.command}"`),
      );
    }
  }

  private onPacket(packet: EslPacket): void {
    const type = eslContentType(packet);
    if (type === 'auth/request') {
      void this.authenticate();
      return;
    }
    if (type === 'command/reply' || type === 'api/response') {
      const p = this.queue.shift();
      if (p) {
        clearTimeout(p.timer);
        p.resolve(packet);
      }
      return;
    }
    if (type === 'text/event-plain') {
      const event = parseEventPlain(packet.body);
      if (this.held !== null) this.held.push(event);
      else this.liveEvent(event);
    }
    // text/disconnect-notice and others: the close follows.
  }

  private liveEvent(event: EslEvent): void {
    const now = Date.now() / 1000;
    const own = fsEventTime(event);
    this.noteEvent(own === null ? null : now - own);
    this.deliver(this.mapper.map(event, now));
  }

  private async authenticate(): Promise<void> {
    const socket = this.socket;
    try {
      const reply = await this.command(`auth ${this.config.password}`);
      const text = reply.headers.get('Reply-Text') ?? '';
      if (!text.startsWith('+OK')) {
        this.fail(`authentication failed at ${this.name}: ${text || 'no reply text'}`);
        return;
      }
      this.authed = true;
      const sub = await this.command(ESL_SUBSCRIPTION);
      const subText = sub.headers.get('Reply-Text') ?? '';
      if (!subText.startsWith('+OK')) {
        this.fail(`event subscription refused at ${this.name}: ${subText}`);
        return;
      }
      this.markReady();
      await this.rebuild(socket);
    } catch (error) {
      if (this.socket === socket) this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private async rebuild(socket: Socket | null): Promise<void> {
    this.held ??= [];
    try {
      const tiers = parseCallcenterTable(await this.api('callcenter_config tier list'));
      const agents = parseCallcenterTable(await this.api('callcenter_config agent list'));
      const queues = parseCallcenterTable(await this.api('callcenter_config queue list'));
      const callers: Record<string, string>[] = [];
      for (const q of queues) {
        if (!q.name) continue;
        const rows = parseCallcenterTable(
          await this.api(`callcenter_config queue list members ${q.name}`),
        );
        for (const row of rows) callers.push({ queue: q.name, ...row });
      }
      if (this.socket !== socket) return;
      this.deliver(this.mapper.rebuild(tiers, agents, callers, Date.now() / 1000));
    } catch (error) {
      if (this.socket !== socket) return;
      this.logger.warn(
        `FreeSWITCH ${this.name}: state rebuild skipped: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.liveEvent(event);
  }
}
