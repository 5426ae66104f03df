/**
 * Shared runner for check tables: each case is a short script with the expected outcome and
 * evidence turns; Chinese cases run in Simplified and in Traditional (converted with OpenCC), which
 * must give the same outcome.
 */
import type { CheckId, CheckOutcome, TelephonyHold } from '../types.js';
import { callFromLines, runCheck, toTraditional } from '../testing.js';

/** One table row. `lang` zh (run in Simplified and Traditional), zh-Hant (hand-written), or en. */
export interface CheckCase {
  readonly lang: 'zh' | 'zh-Hant' | 'en';
  readonly lines: readonly string[];
  readonly turns?: readonly number[];
  readonly holds?: readonly TelephonyHold[];
  readonly config?: unknown;
  readonly note?: string;
}

/** A table: cases expected to pass, to fail, and not to apply. */
export interface CheckTable {
  readonly valid: readonly CheckCase[];
  readonly invalid: readonly CheckCase[];
  readonly na?: readonly CheckCase[];
}

/** A case ready to assert: name, script, expected outcome and evidence. */
export interface ExpandedCase {
  readonly name: string;
  readonly run: () => { result: CheckOutcome; turns: number[] };
  readonly result: CheckOutcome;
  readonly turns: readonly number[] | undefined;
}

/** Expands a table into runnable cases (zh cases twice: Simplified and Traditional). */
export function expandTable(id: CheckId, table: CheckTable): ExpandedCase[] {
  const out: ExpandedCase[] = [];
  const add = (c: CheckCase, result: CheckOutcome): void => {
    const label = `${result} ${c.lang}: ${c.note ?? c.lines.join(' / ')}`;
    const variants: [string, readonly string[]][] =
      c.lang === 'zh'
        ? [
            [label, c.lines],
            [`${label} [Traditional]`, c.lines.map(toTraditional)],
          ]
        : [[label, c.lines]];
    for (const [name, lines] of variants) {
      out.push({
        name,
        run: () => runCheck(id, callFromLines(lines, { holds: c.holds }), c.config),
        result,
        turns: c.turns,
      });
    }
  };
  for (const c of table.valid) add(c, 'pass');
  for (const c of table.invalid) add(c, 'fail');
  for (const c of table.na ?? []) add(c, 'na');
  return out;
}
