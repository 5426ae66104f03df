import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadSiteQaConfig } from '../config.js';

const dir = mkdtempSync(join(tmpdir(), 'callfloor-qa-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--qa-config', () => {
  it('is read from the flag or CALLFLOOR_QA_CONFIG', () => {
    expect(loadConfig({ qaConfig: 'site-qa.json' }, {}, null).qaConfig).toBe('site-qa.json');
    expect(loadConfig({}, { CALLFLOOR_QA_CONFIG: 'env.json' }, null).qaConfig).toBe('env.json');
    expect(loadConfig({}, {}, null).qaConfig).toBeNull();
  });

  it('compiles the site config (weights, critical checks) and names the bad key', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ checks: { E13: { critical: true, weight: 2 } } }));
    const { raw, compiled } = loadSiteQaConfig(good);
    expect(raw).toEqual({ checks: { E13: { critical: true, weight: 2 } } });
    expect(compiled.checkOptions.E13).toEqual({ weight: 2, critical: true, turns: 2 });
    expect(loadSiteQaConfig(null).compiled.checkOptions.E09.critical).toBe(true);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ checks: { E04: { maxCharsPerMinute: -1 } } }));
    expect(() => loadSiteQaConfig(bad)).toThrow(ConfigError);
    expect(() => loadSiteQaConfig(bad)).toThrow(`qaConfig (${bad}): checks.E04.maxCharsPerMinute`);
    expect(() => loadSiteQaConfig(join(dir, 'missing.json'))).toThrow(
      /qaConfig \(.*missing\.json\): ENOENT/,
    );
  });
});
