/** Speaker prefixes and voice names: role words in English and Chinese, or bare ids. */
import type { Role } from '../types.js';

const ROLE_WORDS: Readonly<Record<string, Role>> = {
  agent: 'agent',
  客服: 'agent',
  坐席: 'agent',
  座席: 'agent',
  客服人员: 'agent',
  customer: 'customer',
  caller: 'customer',
  客户: 'customer',
  客戶: 'customer',
  用户: 'customer',
  用戶: 'customer',
  顾客: 'customer',
  顧客: 'customer',
  system: 'system',
  系统: 'system',
  系統: 'system',
};

/** Speaker ids without a role: `spk_0`, `Speaker 1`, `Speaker A`, `说话人1`. */
const ID_LABEL = /^(?:spk_\d+|speaker[ _]?[0-9a-z]{1,3}|说话人\s?\d+|說話人\s?\d+|ch_\d+)$/i;

/** The role of a label, `null` for a bare id, `undefined` when it is not a speaker label at all. */
export function labelRole(label: string): Role | null | undefined {
  const key = label.trim().toLowerCase();
  const role = ROLE_WORDS[key];
  if (role) return role;
  return ID_LABEL.test(key) ? null : undefined;
}

/** Matches a speaker prefix at the start of a line: `Agent: …`, `客服：…`, `spk_0: …`. */
export const PREFIX = /^\s*([\p{L}][\p{L}\p{N} _]{0,11}?)\s*[:：]\s?(.*)$/u;

/** Splits `Agent: hello` into a speaker label and text, or `null` when there is no known prefix. */
export function splitPrefix(
  line: string,
): { label: string; role: Role | null; text: string } | null {
  const m = PREFIX.exec(line);
  if (!m) return null;
  const label = (m[1] ?? '').trim();
  const role = labelRole(label);
  if (role === undefined) return null;
  return { label, role, text: (m[2] ?? '').trim() };
}
