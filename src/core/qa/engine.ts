/**
 * Scores one call: runs every check, builds the evidence and the weighted score
 * (qa.md "The score"). Pure; the server can call it on arrival and store the result.
 */
import { RULES } from './checks/index.js';
import { agentSpeechRate } from './checks/speech-rate.js';
import { compileQaConfig, defaultQaConfig, type CompiledQaConfig } from './config.js';
import { prepareCall } from './prepare.js';
import type { Evidence, QaCallResult, QaCheckResult, QaReport, Transcript } from './types.js';
import { QA_SCHEMA } from './types.js';

const compiledCache = new WeakMap<object, CompiledQaConfig>();

function resolveConfig(config: unknown): CompiledQaConfig {
  if (config === undefined) return defaultQaConfig();
  if (typeof config === 'object' && config !== null) {
    let c = compiledCache.get(config);
    if (!c) {
      c = compileQaConfig(config);
      compiledCache.set(config, c);
    }
    return c;
  }
  return compileQaConfig(config);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Scores a call against the checks of qa.md.
 * @param transcript the call, roles resolved (see `resolveSpeakers`)
 * @param config a compiled config (`compileQaConfig`), a raw site config object (validated and
 *   compiled once per object), or nothing for the built-in defaults
 * @returns the call's `callfloor.qa/v1` result: every check in contract order, score in [0, 1] or
 *   `null` when no check applies (always for a call without agent turns: every check is `na`), 0
 *   with `critical: true` when a critical check fails
 * @throws QaConfigError when a raw config is invalid
 */
export function scoreTranscript(transcript: Transcript, config?: unknown): QaCallResult {
  const compiled = resolveConfig(config);
  const call = prepareCall(transcript, compiled);
  const evidence = (turn: number): Evidence => {
    const t = call.turns[turn];
    return { turn, start: typeof t?.start === 'number' ? t.start : null, text: t?.text ?? '' };
  };
  const checks: QaCheckResult[] = [];
  let weighted = 0;
  let weights = 0;
  let applicable = 0;
  let critical = false;
  // Every check judges the agent: a call without agent turns (voicemail, a customer-only
  // fragment) has nothing to judge, so every check is `na` (issue #5 "Bad input").
  const noAgent = call.agentTurns.length === 0;
  for (const rule of RULES) {
    const options = compiled.checkOptions[rule.id];
    const out = noAgent ? { result: 'na' as const, turns: [] } : rule.check(call, options);
    checks.push({ id: rule.id, result: out.result, evidence: out.turns.map(evidence) });
    if (out.result === 'na') continue;
    applicable++;
    weights += options.weight;
    if (out.result === 'pass') weighted += options.weight;
    else if (options.critical) critical = true;
  }
  let score: number | null = null;
  if (critical) score = 0;
  else if (applicable > 0) score = weights > 0 ? weighted / weights : null;
  const rate = agentSpeechRate(call);
  return {
    id: transcript.id,
    source: transcript.source,
    language: call.language,
    score,
    critical,
    checks,
    metrics: {
      agentTurns: call.agentTurns.length,
      customerTurns: call.customerTurns.length,
      holds: call.holds.length,
      agentCharsPerMinute: rate?.unit === 'chars' ? round1(rate.perMinute) : null,
      agentWordsPerMinute: rate?.unit === 'words' ? round1(rate.perMinute) : null,
      customerAbuse: call.customerTurns.some((i) => call.has(i, 'profanity')),
    },
  };
}

/** Wraps results in the `callfloor.qa/v1` document. */
export function qaReport(calls: readonly QaCallResult[]): QaReport {
  return { schema: QA_SCHEMA, calls };
}
