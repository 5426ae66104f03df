/**
 * CSV imports of the people register (docs/people.md "CSV formats"): parsing and row checks that
 * need no database. Every row is checked and every problem reported (`line`, `field`, `reason`);
 * the service then checks references against the register and writes all rows or none.
 *
 * Columns (a header line naming every column, in any order; empty cells are empty values):
 * - people: `id,name,role,team,email,phone,member_names` (member names separated by `|`)
 * - teams: `id,name,site,lead`
 * - seats: `id,label,site,ip_address,equipment,user` (equipment items separated by `|`)
 */
import { isIP } from 'node:net';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { HUMAN_ROLES, type HumanRole } from '../../core/people/access.js';

/** The kinds of import. */
export const IMPORT_KINDS = ['people', 'teams', 'seats'] as const;
/** A kind of import. */
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The columns of each kind, in the documented order. */
export const IMPORT_COLUMNS: Readonly<Record<ImportKind, readonly string[]>> = {
  people: ['id', 'name', 'role', 'team', 'email', 'phone', 'member_names'],
  teams: ['id', 'name', 'site', 'lead'],
  seats: ['id', 'label', 'site', 'ip_address', 'equipment', 'user'],
};

/** One problem of an import: the CSV line (1 = header), the column, the reason. */
export interface ImportProblem {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/** A people row. */
export interface PersonRow {
  readonly line: number;
  readonly id: string;
  readonly name: string;
  readonly role: HumanRole;
  readonly teamId: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly memberNames: string[];
}

/** A teams row. */
export interface TeamRow {
  readonly line: number;
  readonly id: string;
  readonly name: string;
  readonly siteId: string | null;
  readonly leadId: string | null;
}

/** A seats row. */
export interface SeatRow {
  readonly line: number;
  readonly id: string;
  readonly label: string;
  readonly siteId: string | null;
  readonly ipAddress: string | null;
  readonly equipment: string[];
  readonly userId: string | null;
}

/** Rows of a kind. */
export interface ImportRows {
  people: PersonRow[];
  teams: TeamRow[];
  seats: SeatRow[];
}

/**
 * Ids of people, teams, sites and seats: 1–64 characters, letters, digits and `._@-`, starting
 * with a letter or digit.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Why an id is refused. */
export const ID_REASON =
  'must be 1-64 letters, digits or . _ @ - (starting with a letter or digit)';

/**
 * Whether a member name can be mapped: 1–128 printable characters without `|` (the queue_log
 * separator) or spaces, and not `NONE`.
 */
export function memberNameProblem(name: string): string | null {
  if (name === '') return 'empty member name';
  if (name.length > 128) return 'member name longer than 128 characters';
  if (!/^[\x21-\x7e\u00a0-\uffff]+$/.test(name) || name.includes('|')) {
    return `member name "${name}" has spaces, control characters or |`;
  }
  if (name === 'NONE') return 'NONE is not a member name';
  return null;
}

const Email = z.email();

function list(cell: string): string[] {
  return cell
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Parses and checks a CSV import (no database: references are checked by the service).
 * @param text the CSV (UTF-8, BOM allowed, `,` separated, `"` quoted)
 * @returns the rows, or every problem found (then `rows` is empty)
 */
export function parseImport<K extends ImportKind>(
  kind: K,
  text: string,
): { rows: ImportRows[K]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const lines = (error as { lines?: number }).lines ?? 1;
    return {
      rows: [],
      problems: [{ line: lines, field: 'csv', reason: (error as Error).message }],
    };
  }
  const header = records[0];
  if (header === undefined) {
    return {
      rows: [],
      problems: [{ line: 1, field: 'csv', reason: 'empty file (a header line is needed)' }],
    };
  }
  const columns = IMPORT_COLUMNS[kind];
  const names = header.record.map((c) => c.toLowerCase());
  for (const c of columns) {
    if (!names.includes(c)) {
      problems.push({
        line: header.info.lines,
        field: c,
        reason: `missing column (expected ${columns.join(',')})`,
      });
    }
  }
  names.forEach((c, i) => {
    if (!columns.includes(c)) {
      problems.push({
        line: header.info.lines,
        field: c === '' ? `column ${i + 1}` : c,
        reason: 'unknown column',
      });
    } else if (names.indexOf(c) !== i) {
      problems.push({ line: header.info.lines, field: c, reason: 'column named twice' });
    }
  });
  if (problems.length > 0) return { rows: [], problems };

  const rows: unknown[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== names.length) {
      problems.push({
        line,
        field: 'csv',
        reason: `${record.length} cells where the header has ${names.length}`,
      });
      continue;
    }
    const cell = (c: string): string => record[names.indexOf(c)] ?? '';
    const bad = (field: string, reason: string): void => {
      problems.push({ line, field, reason });
    };
    const before = problems.length;
    const id = cell('id');
    if (id === '') bad('id', 'required');
    else if (!ID_PATTERN.test(id)) bad('id', ID_REASON);
    else if (seen.has(id)) bad('id', `duplicate of line ${seen.get(id)}`);
    else seen.set(id, line);
    const optionalId = (field: string): string | null => {
      const value = cell(field);
      if (value === '') return null;
      if (!ID_PATTERN.test(value)) bad(field, ID_REASON);
      return value;
    };

    if (kind === 'people') {
      const name = cell('name');
      if (name === '') bad('name', 'required');
      const role = cell('role');
      if (!(HUMAN_ROLES as readonly string[]).includes(role)) {
        bad(
          'role',
          role === '' ? 'required' : `unknown role "${role}" (${HUMAN_ROLES.join(', ')})`,
        );
      }
      const teamId = optionalId('team');
      const email = cell('email');
      if (email !== '' && !Email.safeParse(email).success) bad('email', 'not an email address');
      const memberNames = list(cell('member_names'));
      for (const m of memberNames) {
        const problem = memberNameProblem(m);
        if (problem !== null) bad('member_names', problem);
      }
      if (new Set(memberNames).size !== memberNames.length) {
        bad('member_names', 'a member name is listed twice');
      }
      const row: PersonRow = {
        line,
        id,
        name,
        role: role as HumanRole,
        teamId,
        email: email === '' ? null : email,
        phone: cell('phone') === '' ? null : cell('phone'),
        memberNames,
      };
      if (problems.length === before) rows.push(row);
    } else if (kind === 'teams') {
      const name = cell('name');
      if (name === '') bad('name', 'required');
      const row: TeamRow = {
        line,
        id,
        name,
        siteId: optionalId('site'),
        leadId: optionalId('lead'),
      };
      if (problems.length === before) rows.push(row);
    } else {
      const label = cell('label');
      if (label === '') bad('label', 'required');
      const ip = cell('ip_address');
      if (ip !== '' && isIP(ip) === 0) bad('ip_address', `"${ip}" is not an IPv4 or IPv6 address`);
      const row: SeatRow = {
        line,
        id,
        label,
        siteId: optionalId('site'),
        ipAddress: ip === '' ? null : ip,
        equipment: list(cell('equipment')),
        userId: optionalId('user'),
      };
      if (problems.length === before) rows.push(row);
    }
  }
  // Member names given twice across rows.
  if (kind === 'people') {
    const owner = new Map<string, number>();
    for (const row of rows as PersonRow[]) {
      for (const m of row.memberNames) {
        const first = owner.get(m);
        if (first !== undefined) {
          problems.push({
            line: row.line,
            field: 'member_names',
            reason: `"${m}" is also on line ${first}`,
          });
        } else owner.set(m, row.line);
      }
    }
  }
  if (problems.length > 0) return { rows: [], problems: sortProblems(problems) };
  return { rows: rows as ImportRows[K], problems: [] };
}

/** Problems by line, then in the order found. */
export function sortProblems(problems: readonly ImportProblem[]): ImportProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.line - b.p.line || a.i - b.i)
    .map((x) => x.p);
}
