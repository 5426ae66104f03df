/**
 * Live Asterisk source over the Asterisk Manager Interface (TCP, default port 5038).
 *
 * Per connection: read the banner, `Login` (Events: on), then `QueueStatus` to rebuild the live
 * state (members, pauses, waiting callers) as synthetic canonical events, then follow events.
 * Events that arrive while the QueueStatus list is being collected are held and applied after it.
 * Actions are correlated with their responses by `ActionID` (one promise per action, with a
 * timeout); list actions (`QueueStatus`) resolve with their events once the `…Complete` event
 * arrives. A `Ping` every `pingIntervalMs` detects dead connections.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  loginAction,
  pingAction,
  queueStatusAction,
  type AmiAction,
} from '../../core/connectors/ami/actions.js';
import { AmiEventMapper, amiEventLag } from '../../core/connectors/ami/mapper.js';
import {
  AmiPacketParser,
  amiField,
  serializeAmiAction,
  type AmiPacket,
} from '../../core/connectors/ami/packet.js';
import { endpointName, type AmiConfig } from '../../core/connectors/config.js';
import type { LiveMember } from '../../core/connectors/member-table.js';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import { ReconnectingSource, type ReconnectOptions } from './reconnecting-source.js';

/** The outcome of an action: its response packet and, for list actions, the listed events. */
export interface AmiResult {
  readonly response: AmiPacket;
  /** `true` when `Response: Success` (or `Follows`/`Goodbye`). */
  readonly ok: boolean;
  /** The response's `Message`, or `""`. */
  readonly message: string;
  /** Events of an event-list response (without the closing `…Complete` event). */
  readonly events: readonly AmiPacket[];
}

/** Anything that can send an AMI action (an {@link AmiSource}; supervisor actions use it). */
export interface AmiActionSender {
  sendAction(action: AmiAction): Promise<AmiResult>;
}

/** Options of {@link AmiSource}. */
export interface AmiSourceOptions extends ReconnectOptions {
  /** Interval of keep-alive `Ping`s, ms (default 20,000). */
  readonly pingIntervalMs?: number;
  /** Mapper to use (default a new one); exposed for tests. */
  readonly mapper?: AmiEventMapper;
}

interface Pending {
  resolve(result: AmiResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  response: AmiPacket | null;
  events: AmiPacket[];
  name: string;
}

/** Live AMI source (see module doc). Construct with `parseAmiUrl(text)`. */
export class AmiSource extends ReconnectingSource implements AmiActionSender {
  readonly kind = 'ami' as const;
  readonly mapper: AmiEventMapper;
  private readonly pingIntervalMs: number;
  private parser = new AmiPacketParser();
  private decoder = new StringDecoder('utf8');
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private loggedIn = false;
  /** Live events held from connect until the QueueStatus rebuild is applied; `null` afterwards. */
  private held: AmiPacket[] | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** AMI version from the banner of the current connection. */
  amiVersion: string | null = null;

  /**
   * @param config host, port, username, secret (`parseAmiUrl`)
   * @param options backoff, timeouts, logger
   */
  constructor(
    private readonly config: AmiConfig,
    options: AmiSourceOptions = {},
  ) {
    super(config.host, config.port, options);
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.mapper = options.mapper ?? new AmiEventMapper();
  }

  get name(): string {
    return endpointName(this.config);
  }

  /** Current queue membership as known from AMI. */
  members(): LiveMember[] {
    return this.mapper.memberList();
  }

  /** Whether logged in now (actions can be sent). */
  get connected(): boolean {
    return this.loggedIn && this.socket !== null;
  }

  /**
   * Sends an action and resolves with its response (and listed events for list actions).
   * @throws Error when not connected, on timeout (`actionTimeoutMs`), or when the connection drops
   */
  sendAction(action: AmiAction): Promise<AmiResult> {
    const socket = this.socket;
    if (socket === null || (!this.loggedIn && action.action !== 'Login')) {
      return Promise.reject(new Error(`AMI ${this.name}: not connected`));
    }
    const id = `callfloor-${this.nextId++}`;
    const text = serializeAmiAction(action.action, [...action.fields, ['ActionID', id]]);
    return new Promise<AmiResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `AMI ${this.name}: ${action.action} timed out after ${this.actionTimeoutMs} ms`,
          ),
        );
      }, this.actionTimeoutMs);
      this.pending.set(id, {
        resolve,
        reject,
        timer,
        response: null,
        events: [],
        name: action.action,
      });
      socket.write(text);
    });
  }

  protected onConnected(_socket: Socket): void {
    this.parser = new AmiPacketParser();
    this.decoder = new StringDecoder('utf8');
    this.loggedIn = false;
    this.amiVersion = null;
    // Events are held from the start of the session until the QueueStatus rebuild is applied.
    this.held = [];
    // Asterisk writes the banner first; log in when it arrives (see onPacket).
  }

  protected onData(chunk: Buffer): void {
    for (const packet of this.parser.push(this.decoder.write(chunk))) this.onPacket(packet);
  }

  protected onClosed(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.loggedIn = false;
    this.held = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`AMI ${this.name}: connection closed before the ${p.name} response`));
      this.pending.delete(id);
    }
  }

  private onPacket(packet: AmiPacket): void {
    switch (packet.type) {
      case 'banner':
        this.amiVersion = packet.name;
        void this.login();
        return;
      case 'response': {
        const id = amiField(packet, 'ActionID');
        const p = id === null ? undefined : this.pending.get(id);
        if (!p || id === null) return;
        const list =
          /^start$/i.test(amiField(packet, 'EventList') ?? '') ||
          /will follow/i.test(amiField(packet, 'Message') ?? '');
        if (list && /^success$/i.test(packet.name)) {
          p.response = packet;
          return;
        }
        this.settle(id, p, packet);
        return;
      }
      case 'event': {
        const id = amiField(packet, 'ActionID');
        const p = id === null ? undefined : this.pending.get(id);
        if (p && id !== null && p.response !== null) {
          if (
            /Complete$/.test(packet.name) ||
            /^complete$/i.test(amiField(packet, 'EventList') ?? '')
          ) {
            this.settle(id, p, p.response);
          } else {
            p.events.push(packet);
          }
          return;
        }
        if (this.held !== null) {
          this.held.push(packet);
          return;
        }
        this.liveEvent(packet);
        return;
      }
      case 'action':
        return;
    }
  }

  private settle(id: string, p: Pending, response: AmiPacket): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    p.resolve({
      response,
      ok: /^(success|follows|goodbye)$/i.test(response.name),
      message: amiField(response, 'Message') ?? '',
      events: p.events,
    });
  }

  private liveEvent(packet: AmiPacket): void {
    const now = Date.now() / 1000;
    this.noteEvent(amiEventLag(packet, now));
    this.deliver(this.mapper.map(packet, now));
  }

  private async login(): Promise<void> {
    const socket = this.socket;
    let result: AmiResult;
    try {
      result = await this.sendAction(loginAction(this.config.username, this.config.secret));
    } catch (error) {
      if (this.socket === socket) this.fail(errorText(error));
      return;
    }
    if (this.socket !== socket) return;
    if (!result.ok) {
      this.fail(
        `authentication failed for user "${this.config.username}" at ${this.name}: ${result.message || result.response.name}`,
      );
      return;
    }
    this.loggedIn = true;
    this.markReady();
    this.timers.push(
      setInterval(() => {
        this.deliver(this.mapper.flush(Date.now() / 1000));
      }, 1_000),
      setInterval(() => {
        this.sendAction(pingAction()).catch((error: unknown) => {
          if (this.socket === socket) this.fail(`keep-alive failed: ${errorText(error)}`);
        });
      }, this.pingIntervalMs),
    );
    await this.rebuild(socket);
  }

  /** Sends QueueStatus and turns it into synthetic events, then applies the held live events. */
  private async rebuild(socket: Socket | null): Promise<void> {
    this.held ??= [];
    let events: TelephonyEvent[] = [];
    try {
      const result = await this.sendAction(queueStatusAction());
      if (this.socket !== socket) return;
      if (!result.ok) {
        this.logger.warn(`AMI ${this.name}: QueueStatus refused: ${result.message}`);
      } else {
        events = this.mapper.rebuild(result.events, Date.now() / 1000);
      }
    } catch (error) {
      if (this.socket === socket) {
        this.logger.warn(`AMI ${this.name}: QueueStatus failed: ${errorText(error)}`);
      }
    }
    if (this.socket !== socket) return;
    this.deliver(events);
    const held = this.held ?? [];
    this.held = null;
    for (const packet of held) this.liveEvent(packet);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
