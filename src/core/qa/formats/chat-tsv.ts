/**
 * Chat-log TSV like JDDC (JD Dialogue Challenge 2019): session id, customer id, from-agent flag
 * (1 agent / 0 customer), two more columns (transferred, repeat consultation), SKU, text. One call
 * per session id (in order of first appearance), one turn per line.
 */
import type { ParsedTranscript, ParsedTurn } from '../speakers.js';
import { TranscriptFormatError, type ParseWarning } from './errors.js';

/**
 * Reads a chat-log TSV. Bad lines are skipped with a warning (`line N: …`); the rest is kept.
 * @throws TranscriptFormatError when no line could be read
 */
export function parseChatTsv(text: string): {
  transcripts: ParsedTranscript[];
  warnings: ParseWarning[];
} {
  const sessions = new Map<string, ParsedTurn[]>();
  const warnings: ParseWarning[] = [];
  let lineNo = 0;
  let pos = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (pos < src.length) {
    let nl = src.indexOf('\n', pos);
    if (nl < 0) nl = src.length;
    let line = src.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (fields.length < 7) {
      warnings.push(
        `line ${lineNo}: expected 7 tab-separated fields (session, user, from-agent, transferred, repeat, SKU, text), got ${fields.length}`,
      );
      continue;
    }
    const session = fields[0] ?? '';
    const flag = fields[2] ?? '';
    if (session === '') {
      warnings.push(`line ${lineNo}: field 1 (session id) is empty`);
      continue;
    }
    if (flag !== '0' && flag !== '1') {
      warnings.push(
        `line ${lineNo}: field 3 (from-agent flag) must be 0 or 1, got ${JSON.stringify(flag)}`,
      );
      continue;
    }
    const content = fields.slice(6).join('\t');
    let turns = sessions.get(session);
    if (!turns) {
      turns = [];
      sessions.set(session, turns);
    }
    turns.push({
      speakerId: flag === '1' ? 'agent' : 'customer',
      role: flag === '1' ? 'agent' : 'customer',
      text: content,
    });
  }
  if (sessions.size === 0) {
    throw new TranscriptFormatError(
      warnings.length > 0 ? (warnings[0]?.split(':')[0] ?? '') : '',
      warnings.length > 0 ? 'no readable line' : 'empty file',
    );
  }
  return {
    transcripts: [...sessions].map(([id, turns]) => ({ id, turns })),
    warnings,
  };
}
