import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';
import { normalizeText, traditionalToSimplified } from './normalize.js';
import { DEFAULT_ZH_PHRASES, PHRASE_CATEGORIES } from './phrases.js';
import { toTraditional } from './testing.js';

describe('normalizeText', () => {
  it('leaves Simplified text unchanged (OpenCC t → cn), including every default phrase', () => {
    const simplified = [
      '您好，请问有什么可以帮您处理或解决呢?',
      '么 干 后 面 里 发 台 系 只 钟 准 尽 松 于 余 卷 范 丑 朴 制 签 游 划 这 着 了',
      '不好意思，这是你自己填错的',
      '感谢您对京东的支持，祝您生活愉快，再见!',
    ];
    for (const text of simplified) expect(traditionalToSimplified(text)).toBe(text);
    for (const category of PHRASE_CATEGORIES) {
      for (const phrase of DEFAULT_ZH_PHRASES[category]) {
        expect(traditionalToSimplified(phrase), phrase).toBe(phrase);
      }
    }
  });

  it('maps Traditional to Simplified, full-width to half-width, English to lower case', () => {
    expect(normalizeText('請問有什麼可以幫您？')).toBe('请问有什么可以帮您?');
    expect(normalizeText('ＨＥＬＬＯ，Ｉ’ｍ　Ｓｏｒｒｙ！')).toBe("hello,i'm sorry!");
    expect(normalizeText('感謝您的耐心等待')).toBe('感谢您的耐心等待');
  });

  it('gives the Simplified form back for Traditional text made from it', () => {
    const texts = [
      '让您久等了，感谢您的耐心等待',
      '我要投诉，你们太差劲了',
      '请您稍等，正在为您查询',
    ];
    for (const text of texts) {
      const traditional = toTraditional(text);
      expect(traditional).not.toBe(text);
      expect(normalizeText(traditional)).toBe(normalizeText(text));
    }
  });
});

describe('detectLanguage', () => {
  it('tells zh-Hans, zh-Hant and en apart', () => {
    expect(detectLanguage(['您好', '这个订单'])).toBe('zh-Hans');
    expect(detectLanguage(['您好', '這個訂單'])).toBe('zh-Hant');
    expect(detectLanguage(['Hello', 'how can I help?'])).toBe('en');
    expect(detectLanguage(['ＯＫ', '123'])).toBe('en');
    // Characters shared by both scripts (您, 好, 人) are Simplified.
    expect(detectLanguage(['您好人'])).toBe('zh-Hans');
  });
});
