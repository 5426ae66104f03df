/** Test helpers: collect a source's events and wait (bounded) for a condition. */
import type { TelephonyEvent } from '../../../core/telephony/events.js';
import type { TelephonySource } from '../../telephony-source.js';

/** Starts `source`, collecting every delivered event (and the batch sizes) into arrays. */
export async function collect(
  source: TelephonySource,
): Promise<{ events: TelephonyEvent[]; batches: number[] }> {
  const events: TelephonyEvent[] = [];
  const batches: number[] = [];
  await source.start((batch) => {
    events.push(...batch.events);
    batches.push(batch.events.length);
    return Promise.resolve();
  });
  return { events, batches };
}

/**
 * Polls `condition` every 10 ms until it is true.
 * @throws Error naming `what` after `timeoutMs` (default 5,000 ms)
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
