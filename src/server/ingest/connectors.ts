/**
 * The live telephony connectors (Asterisk AMI, FreeSWITCH event socket) as ingest sources.
 *
 * - With a queue_log source also on, a connector's batches pass through `liveOnlyEvents()`: queue_log
 *   stays the call and membership record and the connector only adds HOLD / UNHOLD / RINGSTART, so
 *   nothing is counted twice (docs/connectors.md "Double counting").
 * - A connector has no checkpoint: it rebuilds its state on each connect.
 * - The ingest service re-creates sources after a failed commit; {@link ConnectorRegistry} always
 *   points at the running instance (for health and the supervisor actions).
 */
import type { Logger } from 'pino';
import { endpointName, parseAmiUrl, parseEslUrl } from '../../core/connectors/config.js';
import { liveOnlyEvents } from '../../core/connectors/live-only.js';
import { AmiSource } from '../../io/connectors/ami-source.js';
import type { BackoffOptions, ConnectorLogger } from '../../io/connectors/backoff.js';
import { FreeSwitchSource } from '../../io/connectors/freeswitch-source.js';
import type { EventBatch, SourceHealth, TelephonySource } from '../../io/telephony-source.js';
import type { SourceSpec } from './ingest-service.js';

/**
 * A source whose batches keep only the events a queue_log cannot express (HOLD, UNHOLD,
 * RINGSTART). Health is the wrapped source's (its last event counts every event received).
 */
export class LiveOnlySource implements TelephonySource {
  /**
   * @param inner the connector
   */
  constructor(private readonly inner: TelephonySource) {}

  get kind(): SourceHealth['kind'] {
    return this.inner.kind;
  }

  start(onBatch: (batch: EventBatch) => Promise<void>): Promise<void> {
    return this.inner.start(async (batch) => {
      const events = liveOnlyEvents(batch.events);
      if (events.length === 0 && batch.checkpoint === null) return;
      await onBatch({ events, checkpoint: batch.checkpoint });
    });
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  health(): SourceHealth {
    return this.inner.health();
  }
}

/** Options of {@link connectorSpecs}. */
export interface ConnectorSpecOptions {
  /** `--ami` value (`USER:SECRET@HOST[:PORT]`), or null. */
  readonly ami: string | null;
  /** `--freeswitch` value (`PASSWORD@HOST[:PORT]`), or null. */
  readonly freeswitch: string | null;
  /** A queue_log source is on too: keep only HOLD / UNHOLD / RINGSTART from the connectors. */
  readonly liveOnly: boolean;
  readonly logger: Logger;
  /** Reconnect backoff (tests shorten it); defaults of the sources otherwise. */
  readonly backoff?: BackoffOptions;
}

/** The running connector instances (replaced when the ingest service restarts its sources). */
export class ConnectorRegistry {
  /** The running AMI source, or null (not configured or not started). */
  ami: AmiSource | null = null;
  /** The running FreeSWITCH source, or null. */
  freeswitch: FreeSwitchSource | null = null;
}

/** A pino logger as the connectors' one-method-per-level logger (messages carry no secrets). */
function connectorLogger(logger: Logger): ConnectorLogger {
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

/**
 * The ingest source specs of the configured connectors, named `ami:HOST:PORT` and
 * `freeswitch:HOST:PORT` (the name stored with their events; never a secret).
 * @throws ConnectorConfigError on a malformed value (the configuration was validated before, so
 *   only a direct caller can see it)
 */
export function connectorSpecs(
  options: ConnectorSpecOptions,
  registry: ConnectorRegistry,
): SourceSpec[] {
  const specs: SourceSpec[] = [];
  const wrap = (source: TelephonySource): TelephonySource =>
    options.liveOnly ? new LiveOnlySource(source) : source;
  const sourceOptions = options.backoff === undefined ? {} : { backoff: options.backoff };
  if (options.ami !== null) {
    const config = parseAmiUrl(options.ami);
    const logger = connectorLogger(options.logger.child({ module: 'ingest.ami' }));
    specs.push({
      name: `ami:${endpointName(config)}`,
      create: () => {
        const source = new AmiSource(config, { ...sourceOptions, logger });
        registry.ami = source;
        return wrap(source);
      },
    });
  }
  if (options.freeswitch !== null) {
    const config = parseEslUrl(options.freeswitch);
    const logger = connectorLogger(options.logger.child({ module: 'ingest.freeswitch' }));
    specs.push({
      name: `freeswitch:${endpointName(config)}`,
      create: () => {
        const source = new FreeSwitchSource(config, { ...sourceOptions, logger });
        registry.freeswitch = source;
        return wrap(source);
      },
    });
  }
  return specs;
}
