/**
 * Plain-text transcripts: one turn a line, `Agent: …` / `Customer: …` / `客服:` / `坐席:` / `客戶:` /
 * `客户:` / `用户:` / `顧客:` (or a bare id such as `spk_0:`), optionally prefixed with the turn's
 * time span `[mm:ss.s-mm:ss.s]` (also `[h:mm:ss]`). A line without a prefix continues the turn
 * before it; blank lines are skipped.
 */
import type { ParsedTranscript, ParsedTurn } from '../speakers.js';
import { TranscriptFormatError } from './errors.js';
import { splitPrefix } from './speaker-labels.js';

const TIME = '(\\d{1,2}:)?(\\d{1,3}):(\\d{2}(?:[.,]\\d+)?)';
const SPAN = new RegExp(`^\\s*\\[\\s*${TIME}\\s*[-–~]\\s*${TIME}\\s*\\]\\s*(.*)$`);

/** Seconds of `[h:]mm:ss[.s]` parts. */
function seconds(h: string | undefined, m: string | undefined, s: string | undefined): number {
  const hours = h ? Number(h.slice(0, -1)) : 0;
  return hours * 3600 + Number(m) * 60 + Number((s ?? '0').replace(',', '.'));
}

/**
 * Reads a plain-text transcript (one call).
 * @throws TranscriptFormatError (`line N: …`) when the first turn has no speaker prefix, a time
 *   span is malformed or ends before it starts, or the file has no turn
 */
export function parseTextTranscript(text: string): ParsedTranscript[] {
  const turns: {
    speakerId: string;
    role: ParsedTurn['role'];
    text: string;
    start?: number;
    end?: number;
  }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    let body = raw;
    let start: number | undefined;
    let end: number | undefined;
    if (/^\s*\[\s*\d/.test(raw)) {
      const span = SPAN.exec(raw);
      if (!span) {
        throw new TranscriptFormatError(
          `line ${lineNo}`,
          'malformed time span, expected [mm:ss.s-mm:ss.s]',
        );
      }
      start = seconds(span[1], span[2], span[3]);
      end = seconds(span[4], span[5], span[6]);
      if (end < start) {
        throw new TranscriptFormatError(
          `line ${lineNo}`,
          `time span ends (${end} s) before it starts (${start} s)`,
        );
      }
      body = span[7] ?? '';
    }
    const prefixed = splitPrefix(body);
    if (!prefixed) {
      const last = turns[turns.length - 1];
      if (!last || start !== undefined) {
        throw new TranscriptFormatError(
          `line ${lineNo}`,
          'no speaker prefix (expected Agent:, Customer:, 客服:, 坐席:, 客户:, 用户:, 顧客: or an id like spk_0:)',
        );
      }
      last.text = `${last.text} ${body.trim()}`;
      return;
    }
    turns.push({ speakerId: prefixed.label, role: prefixed.role, text: prefixed.text, start, end });
  });
  if (turns.length === 0) throw new TranscriptFormatError('', 'no turns');
  return [{ id: null, turns }];
}
