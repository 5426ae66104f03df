/** Runs the statistics pipeline over queue_log text, for tests. */
import { createStatsPipeline } from '../core/stats/pipeline.js';
import {
  defaultStatsSettings,
  type StatsReport,
  type StatsSettings,
} from '../core/stats/report.js';

/**
 * The report for `text` (queue_log lines) with `overrides` on the defaults (time zone UTC).
 * Blank lines are skipped; malformed lines are counted in `input.malformed`.
 */
export function statsOf(
  text: string,
  overrides: Partial<StatsSettings> = {},
  aliases: ReadonlyMap<string, string> = new Map(),
): StatsReport {
  const settings: StatsSettings = { ...defaultStatsSettings(), timeZone: 'UTC', ...overrides };
  const pipeline = createStatsPipeline(settings, aliases);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  lines.forEach((line, i) => pipeline.pushLine(line, i + 1));
  return pipeline.finish({ files: ['test'], lines: lines.length, malformed: 0 });
}
