/**
 * A live telephony source: a followed queue_log file, an Asterisk AMI connection, a FreeSWITCH
 * ESL connection. Each turns its own protocol into canonical events (`src/core/telephony/events.ts`)
 * and hands them to the server's ingest pipeline in order.
 */
import type { TelephonyEvent } from '../core/telephony/events.js';

/** Health of a source, shown on the floor console and in `GET /healthz`. */
export interface SourceHealth {
  /** `queue_log`, `ami` or `freeswitch`. */
  readonly kind: 'queue_log' | 'ami' | 'freeswitch' | 'api';
  /** Human-readable identity of the source (file path, `host:port`). Never contains secrets. */
  readonly name: string;
  /** Connected (sockets) or the file is readable (queue_log). */
  readonly ok: boolean;
  /** Epoch ms of the last event received; `null` before the first one. */
  readonly lastEventAt: number | null;
  /** Seconds between an event's own time and when it was received (last event); `null` when unknown. */
  readonly lagSeconds: number | null;
  /** Last error message (authentication failure, connection refused, …); `null` when healthy. */
  readonly error: string | null;
}

/** Receives a source's events, in the source's order. */
export interface EventBatch {
  readonly events: readonly TelephonyEvent[];
  /**
   * Opaque resume position to persist together with the batch (file offset, …), so that a restart
   * neither loses nor duplicates an event; `null` for sources that rebuild state on connect (AMI).
   */
  readonly checkpoint: string | null;
}

/** A running source. */
export interface TelephonySource {
  readonly kind: SourceHealth['kind'];
  /**
   * Starts reading/connecting. Batches are delivered to `onBatch` one at a time: the next batch is
   * not delivered before the returned promise resolves (back-pressure, and a failed write can stop
   * the source before it advances its checkpoint).
   */
  start(onBatch: (batch: EventBatch) => Promise<void>): Promise<void>;
  /** Stops reading and closes connections; resolves when no further batch will be delivered. */
  stop(): Promise<void>;
  health(): SourceHealth;
}
