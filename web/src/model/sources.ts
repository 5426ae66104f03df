/** Telephony sources' health as the console shows it. Pure functions. */
import { elapsedSeconds } from './format.js';
import type { SourceHealth } from './types.js';

/**
 * A connected source shows as quiet (amber) after this long without an event, seconds: the
 * server's default `alerts.sourceSilentSeconds`.
 */
export const QUIET_AFTER_SECONDS = 300;

/**
 * The status of a source: `down` (not connected, or its last error), `quiet` (connected, no event
 * yet or none for {@link QUIET_AFTER_SECONDS}) or `ok`.
 * @param nowMs server time now, epoch ms
 */
export function sourceStatus(source: SourceHealth, nowMs: number): 'ok' | 'quiet' | 'down' {
  if (!source.ok) return 'down';
  if (source.lastEventAt === null) return 'quiet';
  return elapsedSeconds(source.lastEventAt, nowMs) >= QUIET_AFTER_SECONDS ? 'quiet' : 'ok';
}
