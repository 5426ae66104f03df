/**
 * Call QA (qa.md): transcript readers, the etiquette checks and the scorer. The public surface for
 * the CLI and, later, the server (score on arrival with `scoreTranscript`, store the `QaCallResult`).
 */
export * from './types.js';
export { scoreTranscript, qaReport } from './engine.js';
export {
  compileQaConfig,
  defaultQaConfig,
  parseQaConfig,
  qaConfigSchema,
  QaConfigError,
  type CompiledQaConfig,
  type QaConfigInput,
} from './config.js';
export { RULES } from './checks/index.js';
export type { QaRule, BaseCheckOptions, CheckOutput } from './rule.js';
export { detectLanguage } from './language.js';
export { normalizeText } from './normalize.js';
export {
  resolveSpeakers,
  SpeakerError,
  type ParsedTranscript,
  type ParsedTurn,
  type ResolveOptions,
} from './speakers.js';
export {
  parseTranscripts,
  detectFormat,
  TRANSCRIPT_FORMATS,
  TranscriptFormatError,
  type TranscriptFormat,
  type ParseResult,
} from './formats/index.js';
export * from './review.js';
