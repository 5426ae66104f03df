import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import zhTW from '../i18n/zh-TW.json';
import { AGENT_STATES } from './types.js';

/** Flattens nested translation objects to dotted keys. */
function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('translations', () => {
  it('zh-TW and zh-CN have exactly the keys of en', () => {
    const base = keys(en).sort();
    expect(keys(zhTW).sort()).toEqual(base);
    expect(keys(zhCN).sort()).toEqual(base);
  });
  it('every agent state has a label', () => {
    for (const s of AGENT_STATES) {
      expect(en.state[s]).toBeTruthy();
      expect(zhTW.state[s]).toBeTruthy();
      expect(zhCN.state[s]).toBeTruthy();
    }
  });
  it('uses Taiwanese vs mainland call-centre terms', () => {
    expect(zhTW.queue.serviceLevel).toBe('服務水準');
    expect(zhCN.queue.serviceLevel).toBe('服务水平');
    expect(zhTW.queue.asa).toBe('平均應答時間');
    expect(zhCN.queue.asa).toBe('平均应答时间');
    expect(zhTW.state.wrap_up).toBe('話後處理');
    expect(zhCN.state.wrap_up).toBe('话后处理');
    expect(zhTW.state.paused).toBe('離席');
    expect(zhCN.state.paused).toBe('离席');
  });
});
