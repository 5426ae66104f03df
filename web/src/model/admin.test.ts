import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../src/core/people/audit-actions.js';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import zhTW from '../i18n/zh-TW.json';
import {
  auditActionKey,
  auditNext,
  auditUrl,
  listOf,
  nextDay,
  parseAudit,
  parseConfidentiality,
  parseCreatedToken,
  parseImportErrors,
  parsePeople,
  parseTokens,
  wallboardUrl,
} from './admin.js';

describe('lists', () => {
  it('accepts a bare array or a wrapper', () => {
    expect(listOf([1], ['people'])).toEqual([1]);
    expect(listOf({ people: [2] }, ['people'])).toEqual([2]);
    expect(listOf({ items: [3] }, ['people'])).toEqual([3]);
    expect(listOf({ total: 0 }, ['people'])).toEqual([]);
  });
  it('people: camelCase or column names, inactive flags, rows without id dropped', () => {
    expect(
      parsePeople({
        people: [
          { id: 'a1', name: 'Lin Mei', role: 'agent', teamId: 'A', active: true },
          { id: 'a2', name: 'Wang', role: 'team_lead', team_id: 'B', active: 0, email: 'w@x' },
          { name: 'nobody' },
        ],
      }),
    ).toEqual([
      {
        id: 'a1',
        name: 'Lin Mei',
        role: 'agent',
        teamId: 'A',
        email: null,
        phone: null,
        active: true,
      },
      {
        id: 'a2',
        name: 'Wang',
        role: 'team_lead',
        teamId: 'B',
        email: 'w@x',
        phone: null,
        active: false,
      },
    ]);
  });
  it('import row errors sorted by line', () => {
    expect(
      parseImportErrors({
        error: { code: 'invalid_request', message: '2 rows refused' },
        rows: [
          { line: 4, field: 'role', reason: 'unknown role "boss"' },
          { line: 2, field: 'id', reason: 'missing' },
        ],
      }),
    ).toEqual([
      { line: 2, field: 'id', reason: 'missing' },
      { line: 4, field: 'role', reason: 'unknown role "boss"' },
    ]);
    // The people API names them `problems`.
    expect(
      parseImportErrors({
        error: { code: 'invalid_request', message: '1 row refused' },
        problems: [{ line: 3, field: 'email', reason: 'not an e-mail address' }],
      }),
    ).toEqual([{ line: 3, field: 'email', reason: 'not an e-mail address' }]);
    expect(parseImportErrors({ error: { code: 'x' } })).toEqual([]);
  });
  it('tokens', () => {
    expect(
      parseTokens({
        tokens: [
          { id: 't1', name: 'TV', role: 'wallboard', createdAt: 5, lastUsedAt: null },
          { id: 't2', name: 'PBX', role: 'integration', created_at: 6, revoked_at: 7 },
        ],
      }),
    ).toEqual([
      {
        id: 't1',
        name: 'TV',
        role: 'wallboard',
        createdAt: 5,
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
      },
      {
        id: 't2',
        name: 'PBX',
        role: 'integration',
        createdAt: 6,
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: 7,
      },
    ]);
  });
});

describe('created tokens', () => {
  const origin = 'http://10.0.0.5:8080';
  it('the server’s wallboard URL, made absolute', () => {
    expect(
      parseCreatedToken(
        {
          token: { id: 't1', name: 'TV', role: 'wallboard' },
          secret: 'cf_abc',
          wallboardUrl: '/wallboard?token=cf_abc',
        },
        origin,
      ),
    ).toEqual({
      id: 't1',
      name: 'TV',
      role: 'wallboard',
      secret: 'cf_abc',
      wallboardUrl: 'http://10.0.0.5:8080/wallboard?token=cf_abc',
    });
  });
  it('the server’s wallboardPath', () => {
    expect(
      parseCreatedToken(
        {
          token: { id: 't2', name: 'TV', role: 'wallboard', status: 'active' },
          secret: 'cf_x',
          wallboardPath: '/wallboard?token=cf_x',
        },
        origin,
      ).wallboardUrl,
    ).toBe('http://10.0.0.5:8080/wallboard?token=cf_x');
  });
  it('built from the origin when the server gives none; none for other roles', () => {
    expect(
      parseCreatedToken({ token: { id: 't', name: 'n', role: 'wallboard' }, secret: 'a+b' }, origin)
        .wallboardUrl,
    ).toBe('http://10.0.0.5:8080/wallboard?token=a%2Bb');
    expect(
      parseCreatedToken({ token: { id: 't', name: 'n', role: 'integration' }, secret: 's' }, origin)
        .wallboardUrl,
    ).toBeNull();
    expect(() => parseCreatedToken({ token: {} }, origin)).toThrow(/no secret/);
    expect(wallboardUrl('http://h/', 'x')).toBe('http://h/wallboard?token=x');
  });
});

describe('audit', () => {
  it('the search URL: whole days in the zone, `to` exclusive, trimmed filters, empty fields left out', () => {
    expect(
      auditUrl(
        { fromDate: '2026-12-01', toDate: '2026-12-04', actor: ' m1 ', action: 'export.*' },
        'Asia/Taipei',
      ),
    ).toBe('/api/audit?from=2026-12-01&to=2026-12-05&tz=Asia%2FTaipei&actor=m1&action=export.*');
    expect(auditUrl({ fromDate: '', toDate: '', actor: '', action: '' }, 'UTC')).toBe('/api/audit');
    expect(auditUrl({ fromDate: '', toDate: '', actor: 'a', action: '' }, 'UTC', 'csv')).toBe(
      '/api/audit?actor=a&format=csv',
    );
    expect(auditUrl({ fromDate: '', toDate: '', actor: '', action: '' }, 'UTC', 'json', 41)).toBe(
      '/api/audit?before=41',
    );
  });
  it('the next page cursor', () => {
    expect(auditNext({ entries: [], next: 41 })).toBe(41);
    expect(auditNext({ entries: [], next: null })).toBeNull();
  });
  it('next day across month and year ends', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });
  it('entries', () => {
    expect(
      parseAudit({
        entries: [
          {
            id: 9,
            at: 1000,
            actorKind: 'session',
            actorId: 'm1',
            actorName: 'Chen',
            role: 'manager',
            ip: '127.0.0.1',
            action: 'export /api/reports/:kind',
            target: 'queues',
            status: 200,
          },
          { at: 'bad', action: 'x' },
        ],
      }),
    ).toEqual([
      {
        id: '9',
        at: 1000,
        actorKind: 'session',
        actorId: 'm1',
        actorName: 'Chen',
        role: 'manager',
        ip: '127.0.0.1',
        action: 'export /api/reports/:kind',
        target: 'queues',
        status: 200,
      },
    ]);
  });
});

describe('audit action labels', () => {
  const languages = { en, 'zh-TW': zhTW, 'zh-CN': zhCN } as const;
  /** The string at a dotted key of a translation file, or undefined. */
  const at = (file: object, key: string): unknown =>
    key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], file);

  it('every action key the server writes has a label in all three languages', () => {
    for (const action of AUDIT_ACTIONS) {
      const key = auditActionKey(action);
      expect(key).toBe(`audit.actions.${action}`);
      for (const [lang, file] of Object.entries(languages)) {
        const label = at(file, key!);
        expect(typeof label === 'string' && label.trim() !== '', `${lang}: ${action}`).toBe(true);
        // A label, not the raw key again.
        expect(label).not.toBe(action);
      }
    }
  });
  it('labels what the log says', () => {
    expect(at(en, auditActionKey('people.update')!)).toBe('Person changed');
    expect(at(zhTW, auditActionKey('people.update')!)).toBe('修改人員資料');
    expect(at(zhCN, auditActionKey('export.reports')!)).toBe('导出报表');
  });
  it("has no key for the plugin's method-and-route entries or unknown actions: shown raw", () => {
    expect(auditActionKey('POST /api/people')).toBeNull();
    expect(auditActionKey('export /api/reports/:kind')).toBeNull();
    expect(auditActionKey('people')).toBeNull();
    expect(auditActionKey('people.delete')).toBeNull();
    expect(auditActionKey('toString')).toBeNull();
  });
});

describe('confidentiality', () => {
  it('reads the three texts', () => {
    expect(
      parseConfidentiality({ version: 2, texts: { en: 'E', 'zh-TW': '繁', 'zh-CN': '简' } }),
    ).toEqual({ version: 2, texts: { en: 'E', 'zh-TW': '繁', 'zh-CN': '简' } });
  });
});
