/**
 * Shared TCP life cycle of the live connectors: connect, hand bytes to the protocol, deliver event
 * batches one at a time, and on any drop reconnect after a capped, jittered exponential backoff.
 *
 * An error (refused connection, authentication failure, timeout) is logged once; the same error
 * repeated on the following attempts is not logged again until a connection succeeds, so a wrong
 * password produces one clear log line and a slow, bounded retry — never a flood of logins.
 */
import { connect, type Socket } from 'node:net';
import type { TelephonyEvent } from '../../core/telephony/events.js';
import type { EventBatch, SourceHealth, TelephonySource } from '../telephony-source.js';
import { Backoff, silentLogger, type BackoffOptions, type ConnectorLogger } from './backoff.js';

/** Options shared by the AMI and FreeSWITCH sources. */
export interface ReconnectOptions {
  readonly backoff?: BackoffOptions;
  /** Timeout of one action/command, ms (default 10,000). */
  readonly actionTimeoutMs?: number;
  /** Time allowed from connect to a logged-in session (TCP, greeting, login), ms (default 10,000). */
  readonly connectTimeoutMs?: number;
  readonly logger?: ConnectorLogger;
}

/** Base class of {@link AmiSource} and {@link FreeSwitchSource}. */
export abstract class ReconnectingSource implements TelephonySource {
  abstract readonly kind: SourceHealth['kind'];
  protected socket: Socket | null = null;
  protected readonly logger: ConnectorLogger;
  protected readonly actionTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly backoff: Backoff;
  private onBatch: ((batch: EventBatch) => Promise<void>) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = true;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private ready = false;
  private lastError: string | null = null;
  private lastLoggedError: string | null = null;
  private lastEventAt: number | null = null;
  private lagSeconds: number | null = null;
  /** TCP connection attempts made so far (for tests and diagnostics). */
  connectionAttempts = 0;
  /** Successful logins so far. */
  sessions = 0;

  protected constructor(
    protected readonly host: string,
    protected readonly port: number,
    options: ReconnectOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.actionTimeoutMs = options.actionTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.backoff = new Backoff(options.backoff);
  }

  /** `host:port`, never a secret. */
  abstract get name(): string;
  /** Called with the new socket once TCP is connected; the protocol takes over. */
  protected abstract onConnected(socket: Socket): void;
  /** Called with each received chunk. */
  protected abstract onData(chunk: Buffer): void;
  /** Called when the socket closed (pending actions must be rejected). */
  protected abstract onClosed(): void;

  /** Starts connecting; resolves at once (connection happens in the background). */
  start(onBatch: (batch: EventBatch) => Promise<void>): Promise<void> {
    if (!this.stopped) return Promise.reject(new Error(`${this.kind} source already started`));
    this.onBatch = onBatch;
    this.stopped = false;
    this.connectNow();
    return Promise.resolve();
  }

  /** Closes the connection, cancels reconnects, and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    if (socket) {
      socket.destroy();
      // The close handler ignores a socket that is no longer current: clean up here.
      this.onClosed();
    }
    await this.chain;
  }

  health(): SourceHealth {
    return {
      kind: this.kind,
      name: this.name,
      ok: this.ready,
      lastEventAt: this.lastEventAt,
      lagSeconds: this.lagSeconds,
      error: this.lastError,
    };
  }

  /** Whether stop() was called. */
  protected get isStopped(): boolean {
    return this.stopped;
  }

  /** Marks the session logged in and healthy; resets the backoff. */
  protected markReady(): void {
    this.socket?.setTimeout(0);
    this.ready = true;
    this.lastError = null;
    this.lastLoggedError = null;
    this.sessions++;
    this.backoff.reset();
    this.logger.info(`${this.kind} ${this.name}: connected`);
  }

  /** Records an error (logged once while it repeats) and drops the connection. */
  protected fail(message: string): void {
    this.lastError = message;
    if (message !== this.lastLoggedError) {
      this.logger.error(`${this.kind} ${this.name}: ${message}`);
      this.lastLoggedError = message;
    }
    this.socket?.destroy();
  }

  /** Notes a received event for health: receive time now, lag from the event's own time. */
  protected noteEvent(lagSeconds: number | null): void {
    this.lastEventAt = Date.now();
    if (lagSeconds !== null) this.lagSeconds = lagSeconds;
  }

  /** Queues a batch for delivery (in order, one at a time). */
  protected deliver(events: readonly TelephonyEvent[]): void {
    if (events.length === 0 || this.onBatch === null) return;
    const onBatch = this.onBatch;
    const batch: EventBatch = { events, checkpoint: null };
    this.chain = this.chain
      .then(() => onBatch(batch))
      .catch((error: unknown) => {
        this.logger.error(
          `${this.kind} ${this.name}: delivering a batch failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  /** Resolves when every batch queued so far has been delivered. */
  drained(): Promise<void> {
    return this.chain;
  }

  private connectNow(): void {
    if (this.stopped) return;
    this.connectionAttempts++;
    const socket = connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.connectTimeoutMs);
    // Until the session is ready (TCP connect, greeting, login), silence is a failure.
    socket.on('timeout', () => {
      if (!this.ready) this.fail(`no answer from ${this.name} within ${this.connectTimeoutMs} ms`);
    });
    socket.on('connect', () => this.onConnected(socket));
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.onData(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.fail(`connection to ${this.name} failed: ${error.code ?? error.message}`);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasReady = this.ready;
      this.ready = false;
      this.onClosed();
      if (this.stopped) return;
      if (wasReady && this.lastError === null) this.lastError = 'connection closed by peer';
      if (wasReady) this.logger.warn(`${this.kind} ${this.name}: connection lost, reconnecting`);
      const delay = this.backoff.next();
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connectNow();
      }, delay);
    });
  }
}
