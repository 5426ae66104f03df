/**
 * The call QA model (spec: shared/spec/qa.md, norms E01–E15 and R04 of norms.md).
 *
 * A call is a sequence of turns plus optional telephony holds; times are **seconds from the call's
 * start**. Turns are indexed from 0 over all turns in input order (system turns included).
 */

/** Who spoke a turn. `system` turns (IVR prompts, chat-bot actions) are kept but never checked. */
export type Role = 'agent' | 'customer' | 'system';

/** Language of a call: Simplified Chinese, Traditional Chinese or English (BCP 47 script subtags). */
export type QaLanguage = 'zh-Hans' | 'zh-Hant' | 'en';

/** One turn of a call. `start`/`end` are seconds from the call's start; absent for chats. */
export interface Turn {
  readonly speaker: Role;
  /** Original text, kept unchanged for evidence. */
  readonly text: string;
  readonly start?: number | undefined;
  readonly end?: number | undefined;
  /** The speaker as labelled in the source file (`spk_0`, `Agent`, `1`), when known. */
  readonly speakerId?: string | undefined;
}

/** A telephony hold (from HOLD/UNHOLD events), seconds from the call's start. */
export interface TelephonyHold {
  readonly start: number;
  readonly end: number;
}

/** A call ready for scoring. */
export interface Transcript {
  /** The call's own id (JSON `id`, chat session id, Transcribe job name) or the file name without extension. */
  readonly id: string;
  /** The source file's base name. */
  readonly source: string;
  /** Given by the input; detected when absent (see `detectLanguage`). */
  readonly language?: QaLanguage | undefined;
  readonly turns: readonly Turn[];
  readonly holds?: readonly TelephonyHold[] | undefined;
}

/** The ids of the checks, in the order of qa.md's table (and of every call's `checks`). */
export const CHECK_IDS = [
  'E01',
  'E13',
  'R04',
  'E11',
  'E12',
  'E05.argue',
  'E05.deescalate',
  'E09',
  'E04',
] as const;

/** One check id (`E01`, …, `E05.argue`). */
export type CheckId = (typeof CHECK_IDS)[number];

/** Outcome of one check: pass, fail or not applicable. */
export type CheckOutcome = 'pass' | 'fail' | 'na';

/** A turn quoted as evidence: its index, start (seconds, `null` when untimed) and original text. */
export interface Evidence {
  readonly turn: number;
  readonly start: number | null;
  readonly text: string;
}

/** One check's result in the `callfloor.qa/v1` contract. */
export interface QaCheckResult {
  readonly id: CheckId;
  readonly result: CheckOutcome;
  readonly evidence: readonly Evidence[];
}

/** Call metrics in the `callfloor.qa/v1` contract. Rates are per minute of agent speaking time. */
export interface QaMetrics {
  readonly agentTurns: number;
  readonly customerTurns: number;
  /** Holds of every kind: telephony, timed gap, chat. */
  readonly holds: number;
  /** Chinese characters per minute (zh calls with timings), else `null`. */
  readonly agentCharsPerMinute: number | null;
  /** English words per minute (en calls with timings), else `null`. */
  readonly agentWordsPerMinute: number | null;
  /** Whether the customer used profanity (E09). */
  readonly customerAbuse: boolean;
}

/** One scored call in the `callfloor.qa/v1` contract. */
export interface QaCallResult {
  readonly id: string;
  readonly source: string;
  readonly language: QaLanguage;
  /** Weighted share of passed applicable checks in [0, 1]; 0 on a critical fail; `null` when no check applies. */
  readonly score: number | null;
  /** Whether a critical check failed. */
  readonly critical: boolean;
  /** Every check, in `CHECK_IDS` order. */
  readonly checks: readonly QaCheckResult[];
  readonly metrics: QaMetrics;
}

/** The `callfloor qa --json` document. */
export interface QaReport {
  readonly schema: 'callfloor.qa/v1';
  readonly calls: readonly QaCallResult[];
}

/** The contract name of `QaReport`. */
export const QA_SCHEMA = 'callfloor.qa/v1';
