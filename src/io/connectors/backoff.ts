/**
 * Reconnect delays: exponential backoff, capped, with jitter (AWS Architecture Blog
 * "Exponential Backoff and Jitter"): attempt n waits `min(maxMs, initialMs × 2ⁿ)`, reduced by a
 * random fraction up to `jitter` so that many clients restarted together do not reconnect in step.
 */

/** Backoff settings, in milliseconds. */
export interface BackoffOptions {
  /** First delay (default 1,000 ms). */
  readonly initialMs?: number;
  /** Cap (default 60,000 ms). */
  readonly maxMs?: number;
  /** Fraction 0–1 of the delay that is randomised away (default 0.5: delay × [0.5, 1]). */
  readonly jitter?: number;
}

/** Stateful delay sequence; {@link reset} after a connection that worked. */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly jitter: number;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = Math.max(1, options.initialMs ?? 1_000);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 60_000);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  }

  /** The next delay in ms (grows until the cap). */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  /** Starts again from the first delay. */
  reset(): void {
    this.attempt = 0;
  }
}

/** Minimal logger the connectors write to (a pino logger fits). */
export interface ConnectorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: ConnectorLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
