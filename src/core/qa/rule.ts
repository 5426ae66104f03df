/**
 * The shape of a QA check, modelled on a typescript-eslint rule: an id, `meta` (description, the
 * norm it implements, whether it is critical, messages), options with a zod schema and defaults,
 * and a pure `check(call, options)` returning the outcome and its evidence.
 */
import { z } from 'zod';
import type { PreparedCall } from './prepare.js';
import type { CheckId, CheckOutcome } from './types.js';

/** Options every check has: its weight in the score and whether a fail is critical. */
export interface BaseCheckOptions {
  /** Weight in the call score (default 1; 0 keeps the check but leaves it out of the score). */
  readonly weight: number;
  /** Whether a fail makes the score 0 and sets `critical`. */
  readonly critical: boolean;
}

/** What a check returns: the outcome and the evidence turns (indices into the call's turns). */
export interface CheckOutput {
  readonly result: CheckOutcome;
  readonly turns: readonly number[];
}

/** A QA check. */
export interface QaRule<O extends BaseCheckOptions = BaseCheckOptions> {
  readonly id: CheckId;
  readonly meta: {
    /** Short name (qa.md table). */
    readonly name: string;
    readonly description: string;
    /** The norm id(s) of norms.md it implements. */
    readonly norm: string;
    /** Whether a fail is critical by default. */
    readonly critical: boolean;
    /** Human-readable explanation of each outcome. */
    readonly messages: Readonly<Record<CheckOutcome, string>>;
  };
  /** Validates the check's options in a site config (all keys optional, defaults filled in). */
  readonly optionsSchema: z.ZodType<O>;
  /** Runs the check. Pure; must not throw on any transcript. */
  check(call: PreparedCall, options: O): CheckOutput;
}

/** The zod shape of `BaseCheckOptions` with defaults (`critical` defaults to the check's meta). */
export function baseOptionsShape(critical: boolean) {
  return {
    weight: z.number().min(0).default(1),
    critical: z.boolean().default(critical),
  };
}

/** Helper that keeps a rule's option type. */
export function defineRule<O extends BaseCheckOptions>(rule: QaRule<O>): QaRule<O> {
  return rule;
}
