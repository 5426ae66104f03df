import { describe, expect, it } from 'vitest';
import { endpointName, parseAmiUrl, parseEslUrl } from './config.js';

describe('parseAmiUrl', () => {
  it('reads USER:SECRET@HOST[:PORT], with the 5038 default and percent-escapes', () => {
    expect(parseAmiUrl('admin:pw@pbx.local')).toEqual({
      host: 'pbx.local',
      port: 5038,
      username: 'admin',
      secret: 'pw',
    });
    expect(parseAmiUrl('ami://admin:p%40ss%3Aw@10.0.0.5:15038')).toEqual({
      host: '10.0.0.5',
      port: 15038,
      username: 'admin',
      secret: 'p@ss:w',
    });
    // An unescaped "@" in the secret still works: the host follows the last "@".
    expect(parseAmiUrl('admin:a@b@[::1]:5038')).toMatchObject({ host: '::1', secret: 'a@b' });
  });

  it('names the bad part without echoing the secret', () => {
    expect(() => parseAmiUrl('')).toThrow('--ami: empty value');
    expect(() => parseAmiUrl('admin:topsecret')).toThrow(
      '--ami: expected USER:SECRET@HOST[:PORT], no "@" found',
    );
    expect(() => parseAmiUrl('admin@pbx')).toThrow('no ":" found');
    expect(() => parseAmiUrl(':pw@pbx')).toThrow('--ami: the user name is empty');
    expect(() => parseAmiUrl('admin:@pbx')).toThrow('--ami: the secret is empty');
    expect(() => parseAmiUrl('admin:topsecret@pbx:99999')).toThrow(
      '--ami: the port is not a number 1-65535: "99999"',
    );
    expect(() => parseAmiUrl('http://admin:pw@pbx')).toThrow('unsupported scheme');
    try {
      parseAmiUrl('admin:topsecret@pbx:x');
    } catch (error) {
      expect(String(error)).not.toContain('topsecret');
    }
  });
});

describe('parseEslUrl', () => {
  it('reads PASSWORD@HOST[:PORT] with the 8021 default', () => {
    expect(parseEslUrl('ClueCon@127.0.0.1')).toEqual({
      host: '127.0.0.1',
      port: 8021,
      password: 'ClueCon',
    });
    expect(parseEslUrl('esl://Clue%20Con@fs:9021')).toEqual({
      host: 'fs',
      port: 9021,
      password: 'Clue Con',
    });
    expect(endpointName({ host: '::1', port: 8021 })).toBe('[::1]:8021');
  });

  it('rejects a missing password or host', () => {
    expect(() => parseEslUrl('fs.local')).toThrow('--freeswitch: expected PASSWORD@HOST[:PORT]');
    expect(() => parseEslUrl('@fs')).toThrow('--freeswitch: the password is empty');
    expect(() => parseEslUrl('pw@')).toThrow('--freeswitch: the host is empty');
  });
});
