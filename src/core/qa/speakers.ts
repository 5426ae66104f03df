/**
 * Speaker roles. Parsers give each turn the speaker id written in the file and, when the file
 * states it, a role. When the sides are only ids (`spk_0`, `spk_1`) — even with a label map — the
 * agent is the side whose first turns greet or offer help (qa.md); `--agent-speaker ID` overrides.
 */
import { defaultQaConfig, type CompiledQaConfig } from './config.js';
import { detectLanguage, phraseLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import type { QaLanguage, Role, TelephonyHold, Transcript, Turn } from './types.js';

/** A turn as read from a file, before roles are settled. */
export interface ParsedTurn {
  /** Speaker as labelled in the file (`agent`, `spk_0`, `客服`). */
  readonly speakerId: string;
  /** Role stated by the file, `null` when the file only gives ids. */
  readonly role: Role | null;
  readonly text: string;
  readonly start?: number | undefined;
  readonly end?: number | undefined;
}

/** A call as read from a file. */
export interface ParsedTranscript {
  /** The call's own id, or `null` to use the file name. */
  readonly id: string | null;
  readonly language?: QaLanguage | undefined;
  readonly turns: readonly ParsedTurn[];
  readonly holds?: readonly TelephonyHold[] | undefined;
  /** A label map from the file (`spk_0` → agent), used only when content does not decide. */
  readonly labels?: Readonly<Record<string, 'agent' | 'customer'>> | undefined;
}

/** A bad `--agent-speaker`. */
export class SpeakerError extends Error {
  override name = 'SpeakerError';
}

/** Options of `resolveSpeakers`. */
export interface ResolveOptions {
  /** The call id to use when the file gives none (the file name without extension). */
  readonly fallbackId: string;
  /** The source file's base name. */
  readonly source: string;
  /** Speaker id (case-insensitive) to take as the agent, overriding the file and the content. */
  readonly agentSpeaker?: string | undefined;
  readonly config?: CompiledQaConfig | undefined;
}

/**
 * Settles the roles of a parsed call.
 * @throws SpeakerError when `agentSpeaker` names no speaker of the call
 */
export function resolveSpeakers(parsed: ParsedTranscript, options: ResolveOptions): Transcript {
  const config = options.config ?? defaultQaConfig();
  const ids = [...new Set(parsed.turns.filter((t) => t.role !== 'system').map((t) => t.speakerId))];
  let agentId: string | null = null;
  if (options.agentSpeaker !== undefined) {
    const wanted = options.agentSpeaker.toLowerCase();
    agentId = ids.find((id) => id.toLowerCase() === wanted) ?? null;
    if (agentId === null) {
      throw new SpeakerError(
        `--agent-speaker ${options.agentSpeaker}: no such speaker (speakers: ${ids.join(', ')})`,
      );
    }
  } else if (parsed.turns.some((t) => t.role === null)) {
    agentId = agentByContent(parsed, ids, config);
  }
  const turns: Turn[] = parsed.turns.map((t) => {
    let speaker: Role;
    if (t.role === 'system') speaker = 'system';
    else if (agentId !== null) speaker = t.speakerId === agentId ? 'agent' : 'customer';
    else speaker = t.role ?? 'customer';
    return { speaker, text: t.text, start: t.start, end: t.end, speakerId: t.speakerId };
  });
  return {
    id: parsed.id ?? options.fallbackId,
    source: options.source,
    language: parsed.language,
    turns,
    holds: parsed.holds,
  };
}

function agentByContent(
  parsed: ParsedTranscript,
  ids: readonly string[],
  config: CompiledQaConfig,
): string | null {
  const lang = phraseLanguage(parsed.language ?? detectLanguage(parsed.turns.map((t) => t.text)));
  const m = config.matchers[lang];
  let best: string | null = null;
  let bestScore = 0;
  let tie = false;
  for (const id of ids) {
    const first = parsed.turns.filter((t) => t.speakerId === id).slice(0, 2);
    // An offer to help (or the site's script) weighs more than a salutation: customers say hi too.
    let score = 0;
    for (const t of first) {
      const n = normalizeText(t.text);
      if (m.offerHelp.test(n) || m.script.test(n)) score += 2;
      if (m.salutation.test(n)) score += 1;
    }
    if (score > bestScore) {
      best = id;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) {
      tie = true;
    }
  }
  if (best !== null && !tie) return best;
  const labelled = Object.entries(parsed.labels ?? {}).find(([, role]) => role === 'agent')?.[0];
  if (labelled !== undefined && ids.includes(labelled)) return labelled;
  return parsed.turns.find((t) => t.role === 'agent')?.speakerId ?? ids[0] ?? null;
}
