import { describe, expect, it } from 'vitest';
import { languageOfTag, pickLanguage } from './language.js';
import { loadSettings, saveSettings, STORAGE_KEYS, type KeyValueStore } from './settings.js';

describe('language choice', () => {
  it('maps Traditional-Chinese tags to zh-TW', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-TW', 'zh_TW']) {
      expect(languageOfTag(tag)).toBe('zh-TW');
    }
  });
  it('maps Simplified-Chinese and bare zh tags to zh-CN', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-CN']) {
      expect(languageOfTag(tag)).toBe('zh-CN');
    }
  });
  it('takes the first supported browser language, else English', () => {
    expect(pickLanguage(null, ['fr-FR', 'zh-TW', 'en'])).toBe('zh-TW');
    expect(pickLanguage(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['de', 'ja'])).toBe('en');
    expect(pickLanguage(null, [])).toBe('en');
  });
  it('an explicit stored choice wins; an invalid one is ignored', () => {
    expect(pickLanguage('zh-CN', ['zh-TW'])).toBe('zh-CN');
    expect(pickLanguage('klingon', ['zh-TW'])).toBe('zh-TW');
  });
});

class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('settings', () => {
  it('defaults: browser language and zone, 600 s threshold', () => {
    expect(loadSettings(new MemoryStore(), ['zh-Hant-TW'], 'Asia/Taipei')).toEqual({
      language: 'zh-TW',
      timeZone: 'Asia/Taipei',
      pauseThresholdSeconds: 600,
      reasonThresholds: {},
    });
  });
  it('saved settings are loaded back', () => {
    const store = new MemoryStore();
    saveSettings(store, {
      language: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      pauseThresholdSeconds: 900,
      reasonThresholds: { 就餐: 3600 },
    });
    expect(loadSettings(store, ['en-US'], 'UTC')).toEqual({
      language: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      pauseThresholdSeconds: 900,
      reasonThresholds: { 就餐: 3600 },
    });
  });
  it('corrupt or invalid stored values fall back field by field', () => {
    const store = new MemoryStore();
    store.setItem(STORAGE_KEYS.settings, '{"timeZone":"Nowhere/City","pauseThresholdSeconds":-3}');
    expect(loadSettings(store, ['en'], 'Europe/Paris')).toMatchObject({
      timeZone: 'Europe/Paris',
      pauseThresholdSeconds: 600,
    });
    store.setItem(STORAGE_KEYS.settings, '{not json');
    expect(loadSettings(store, ['en'], 'UTC').pauseThresholdSeconds).toBe(600);
  });
});
