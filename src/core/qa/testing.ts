/**
 * Helpers to build calls from short scripts, for check tables (like ESLint's RuleTester) and docs.
 * Pure.
 */
import * as OpenCC from 'opencc-js';
import { scoreTranscript } from './engine.js';
import type {
  CheckId,
  CheckOutcome,
  QaLanguage,
  Role,
  TelephonyHold,
  Transcript,
} from './types.js';

const ROLES: Readonly<Record<string, Role>> = { A: 'agent', C: 'customer', S: 'system' };
const LINE = /^\s*(?:\[(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\]\s*)?([ACS]):\s?(.*)$/s;

/**
 * Builds a call from lines `A: text` (agent), `C: text` (customer), `S: text` (system), each
 * optionally prefixed with `[start-end]` in seconds.
 * @throws Error on a line without a role prefix
 */
export function callFromLines(
  lines: readonly string[],
  options: { id?: string; language?: QaLanguage; holds?: readonly TelephonyHold[] } = {},
): Transcript {
  return {
    id: options.id ?? 'test',
    source: 'test',
    language: options.language,
    holds: options.holds,
    turns: lines.map((line) => {
      const m = LINE.exec(line);
      if (!m) throw new Error(`bad test line: ${line}`);
      return {
        speaker: ROLES[m[3] ?? ''] ?? 'customer',
        text: m[4] ?? '',
        start: m[1] === undefined ? undefined : Number(m[1]),
        end: m[2] === undefined ? undefined : Number(m[2]),
      };
    }),
  };
}

/** One check's outcome and evidence turn indices on a call. */
export function runCheck(
  id: CheckId,
  transcript: Transcript,
  config?: unknown,
): { result: CheckOutcome; turns: number[] } {
  const check = scoreTranscript(transcript, config).checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return { result: check.result, turns: check.evidence.map((e) => e.turn) };
}

type ConverterFactory = (options: { from: string; to: string }) => (text: string) => string;
let s2t: ((text: string) => string) | null = null;

/** Simplified → Traditional (OpenCC `cn` → `tw`), to derive Traditional cases from Simplified ones. */
export function toTraditional(text: string): string {
  const convert = (s2t ??= (OpenCC as unknown as { Converter: ConverterFactory }).Converter({
    from: 'cn',
    to: 'tw',
  }));
  return convert(text);
}
