/**
 * The KPI settings shared by `callfloor stats` and `callfloor serve` (kpi.md "stats JSON output"):
 * option declarations and their validation into {@link StatsSettings}.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  INTERVAL_MINUTES,
  SERVICE_LEVEL_FORMULAS,
  defaultStatsSettings,
  type IntervalMinutes,
  type ServiceLevelFormula,
  type StatsSettings,
} from '../core/stats/report.js';
import { assertTimeZone, parseIsoInZone } from '../core/stats/time-zone.js';
import { UsageError } from './context.js';

/** Raw option values as commander gives them. */
export interface KpiOptionValues {
  slThreshold?: string;
  shortAbandon?: string;
  slFormula?: string;
  from?: string;
  to?: string;
  tz?: string;
  interval?: string;
  wrapup?: string;
  agents?: string;
  reorderWindow?: string;
}

/**
 * Declares the KPI options on a command.
 * @param withRange also declare `--from`, `--to` and `--interval` (reports, not the live floor)
 */
export function addKpiOptions(command: Command, withRange: boolean): Command {
  command
    .option(
      '--sl-threshold <seconds>',
      'service-level threshold T: answered within T seconds',
      '20',
    )
    .option(
      '--short-abandon <seconds>',
      'abandons shorter than this are short abandons (0 = off)',
      '0',
    )
    .addOption(
      new Option('--sl-formula <name>', 'service-level formula')
        .choices([...SERVICE_LEVEL_FORMULAS])
        .default('offered'),
    )
    .option(
      '--tz <zone>',
      'IANA time zone for intervals and local times (default: the process zone)',
    )
    .option(
      '--wrapup <seconds>',
      "fixed wrap-up (ACW) after each answered call (the queue's wrapuptime)",
      '0',
    )
    .option('--agents <file>', 'JSON alias map {"member name": "person"}')
    .option(
      '--reorder-window <seconds>',
      'sort lines arriving out of order within this window',
      '300',
    );
  if (withRange) {
    command
      .option('--from <iso>', 'range start, inclusive (ISO date or date-time; no offset = --tz)')
      .option('--to <iso>', 'range end, exclusive')
      .addOption(
        new Option('--interval <length>', 'break down by interval').choices([
          '15m',
          '30m',
          '60m',
          '1h',
        ]),
      );
  }
  return command;
}

function seconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`option ${name} must be a number of seconds ≥ 0, got "${value}"`);
  }
  return n;
}

/**
 * Validates KPI option values into settings.
 * @returns the settings and the alias map (member name → person)
 * @throws UsageError naming the option at fault
 */
export async function parseKpiOptions(
  values: KpiOptionValues,
): Promise<{ settings: StatsSettings; aliases: Map<string, string> }> {
  const defaults = defaultStatsSettings();
  const timeZone = values.tz ?? process.env.TZ ?? defaults.timeZone;
  try {
    assertTimeZone(timeZone);
  } catch (error) {
    throw new UsageError(`option --tz: ${(error as Error).message}`);
  }
  const instant = (name: string, text: string | undefined): number | null => {
    if (text === undefined) return null;
    try {
      return parseIsoInZone(text, timeZone);
    } catch (error) {
      throw new UsageError(`option ${name}: ${(error as Error).message}`);
    }
  };
  const from = instant('--from', values.from);
  const to = instant('--to', values.to);
  if (from !== null && to !== null && to <= from) {
    throw new UsageError('option --to must be later than --from');
  }
  const formula = values.slFormula ?? 'offered';
  if (!(SERVICE_LEVEL_FORMULAS as readonly string[]).includes(formula)) {
    throw new UsageError(
      `option --sl-formula must be one of ${SERVICE_LEVEL_FORMULAS.join(', ')}, got "${formula}"`,
    );
  }
  let interval: IntervalMinutes | null = null;
  if (values.interval !== undefined) {
    const minutes = values.interval === '1h' ? 60 : Number.parseInt(values.interval, 10);
    if (!(INTERVAL_MINUTES as readonly number[]).includes(minutes)) {
      throw new UsageError(`option --interval must be 15m, 30m or 60m, got "${values.interval}"`);
    }
    interval = minutes as IntervalMinutes;
  }
  const aliases =
    values.agents === undefined ? new Map<string, string>() : await readAliases(values.agents);
  return {
    settings: {
      serviceLevelThreshold: seconds('--sl-threshold', values.slThreshold, 20),
      shortAbandon: seconds('--short-abandon', values.shortAbandon, 0),
      serviceLevelFormula: formula as ServiceLevelFormula,
      timeZone,
      from,
      to,
      interval,
      wrapup: seconds('--wrapup', values.wrapup, 0),
      reorderWindow: seconds('--reorder-window', values.reorderWindow, 300),
      agents: values.agents ?? null,
    },
    aliases,
  };
}

/**
 * Reads an alias map file: a JSON object `{ "member name": "person" }`.
 * @throws UsageError naming the file and the entry at fault
 */
export async function readAliases(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `option --agents: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`option --agents: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(
      `option --agents: ${file} must hold a JSON object {"member name": "person"}`,
    );
  }
  const map = new Map<string, string>();
  for (const [alias, person] of Object.entries(data)) {
    if (typeof person !== 'string' || person === '') {
      throw new UsageError(
        `option --agents: ${file}: entry "${alias}" must map to a non-empty string`,
      );
    }
    map.set(alias, person);
  }
  return map;
}
