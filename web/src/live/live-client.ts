/**
 * The live floor channel: WebSocket `/api/live` with reconnect (each connect brings a new
 * snapshot, floor-api.md), falling back to server-sent events at `/api/live/sse` when WebSockets
 * keep failing before ever opening (proxies that block them).
 */
import { parseLiveMessage } from '../model/floor-state.js';
import type { LiveMessage } from '../model/types.js';

/** Connection status shown by the banner. */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting';
/** Transport in use. */
export type LiveTransport = 'websocket' | 'sse';

/** Callbacks of {@link LiveClient}. */
export interface LiveHandlers {
  onMessage(message: LiveMessage): void;
  onStatus(status: LiveStatus, transport: LiveTransport): void;
}

/** WebSocket attempts that never opened before switching to SSE. */
const WS_FAILURES_BEFORE_SSE = 3;
/** Reconnect delay bounds, ms (doubling). */
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): 500 ms doubling, at most 10 s.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.max(0, attempt));
}

/** Keeps one live connection open until {@link LiveClient.close}. */
export class LiveClient {
  private ws: WebSocket | null = null;
  private sse: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private wsFailuresNeverOpened = 0;
  private everOpenedWs = false;
  private closed = false;
  private transport: LiveTransport = 'websocket';

  /**
   * @param base origin + path prefix, e.g. `location.origin`
   * @param handlers message and status callbacks
   */
  /**
   * @param view `wallboard`: the whole floor with customer numbers masked, whoever is signed in;
   *   `console`: the agents of the signed-in person's scope
   */
  constructor(
    private readonly base: string,
    private readonly handlers: LiveHandlers,
    private readonly view: 'console' | 'wallboard' = 'console',
  ) {}

  /** Opens the channel. */
  start(): void {
    this.handlers.onStatus('connecting', this.transport);
    this.connect();
  }

  /** Closes the channel for good. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.ws?.close();
    this.sse?.close();
  }

  /** The channel's URL, with `?view=wallboard` for the wallboard (the whole floor, masked). */
  private url(path: string): URL {
    const url = new URL(path, this.base);
    if (this.view === 'wallboard') url.searchParams.set('view', 'wallboard');
    return url;
  }

  private connect(): void {
    if (this.closed) return;
    if (this.transport === 'sse') {
      this.connectSse();
      return;
    }
    const url = this.url('/api/live');
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let opened = false;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.everOpenedWs = true;
      this.attempt = 0;
      this.handlers.onStatus('open', 'websocket');
    };
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      const msg = parseLiveMessage(event.data);
      if (msg) this.handlers.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      if (!opened && !this.everOpenedWs) this.wsFailuresNeverOpened += 1;
      if (this.wsFailuresNeverOpened >= WS_FAILURES_BEFORE_SSE) this.transport = 'sse';
      this.scheduleReconnect();
    };
  }

  private connectSse(): void {
    const es = new EventSource(this.url('/api/live/sse'));
    this.sse = es;
    es.onopen = () => {
      this.attempt = 0;
      this.handlers.onStatus('open', 'sse');
    };
    es.onmessage = (event: MessageEvent<string>) => {
      const msg = parseLiveMessage(event.data);
      if (msg) this.handlers.onMessage(msg);
    };
    let opened = false;
    es.addEventListener('open', () => {
      opened = true;
    });
    es.onerror = () => {
      // EventSource retries by itself; we replace it to bound the delay and show the banner.
      es.close();
      if (this.sse !== es || this.closed) return;
      this.sse = null;
      if (!opened) {
        // SSE did not work either (server down, or no SSE endpoint): try WebSockets again.
        this.transport = 'websocket';
        this.wsFailuresNeverOpened = 0;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.handlers.onStatus('reconnecting', this.transport);
    const delay = reconnectDelayMs(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}
