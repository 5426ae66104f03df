import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scoreTranscript, type QaCallResult } from '../../core/qa/index.js';
import { parseTranscriptText, readTranscriptFile } from './read-transcripts.js';

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'transcripts',
);
const fixture = (name: string): string => join(FIXTURES, name);

function summary(call: QaCallResult): string {
  return call.checks
    .map((c) => `${c.id}:${c.result}[${c.evidence.map((e) => e.turn).join(',')}]`)
    .join(' ');
}

async function scoreFile(name: string, options = {}): Promise<QaCallResult[]> {
  const file = await readTranscriptFile(fixture(name), options);
  return file.transcripts.map((t) => scoreTranscript(t));
}

describe('readTranscriptFile + scoreTranscript on every format', () => {
  it('plain text in Chinese with [mm:ss.s-mm:ss.s] timings and 客服/坐席/客户/用户 prefixes', async () => {
    const file = await readTranscriptFile(fixture('call-zh.txt'));
    const call = file.transcripts[0];
    expect(call?.id).toBe('call-zh');
    expect(call?.source).toBe('call-zh.txt');
    expect(call?.turns.map((t) => t.speaker[0]).join('')).toBe('acaaca');
    expect(call?.turns[3]).toMatchObject({
      start: 25,
      end: 29,
      text: '感谢您的耐心等待，您的快递明天送达。',
    });
    const [r] = await scoreFile('call-zh.txt');
    // Turn 2 ends in 稍等…查一下 and 15 s of silence follow: a hold, thanked in turn 3.
    // Rate: 18 + 10 + 16 + 23 = 67 characters over 3.5 + 2.5 + 4 + 6.5 = 16.5 s = 243.6/min.
    expect(summary(r as QaCallResult)).toBe(
      'E01:pass[0] E13:pass[3] R04:pass[0] E11:na[] E12:pass[3] E05.argue:pass[] E05.deescalate:na[] E09:pass[] E04:pass[]',
    );
    expect(r?.metrics).toEqual({
      agentTurns: 4,
      customerTurns: 2,
      holds: 1,
      agentCharsPerMinute: 243.6,
      agentWordsPerMinute: null,
      customerAbuse: false,
    });
    expect(r?.score).toBe(1);
  });

  it('WebVTT with voice tags (English)', async () => {
    const [r] = await scoreFile('call-en.vtt');
    // Anger cue "ridiculous" answered with "I'm sorry"; "one moment please" + 15 s silence is a hold.
    // Rate: 10 + 10 + 7 + 8 = 35 words over 3 + 3.5 + 3 + 3.5 = 13 s = 161.5/min.
    expect(summary(r as QaCallResult)).toBe(
      'E01:pass[0] E13:pass[5] R04:pass[0] E11:na[] E12:pass[3] E05.argue:pass[] E05.deescalate:pass[2] E09:pass[] E04:pass[]',
    );
    expect(r?.metrics.agentWordsPerMinute).toBe(161.5);
    expect(r?.language).toBe('en');
  });

  it('SRT with speaker prefixes (Traditional Chinese): polite words do not excuse blaming', async () => {
    const [r] = await scoreFile('call-zh-hant.srt');
    expect(r?.language).toBe('zh-Hant');
    expect(summary(r as QaCallResult)).toBe(
      'E01:pass[0] E13:pass[3] R04:pass[0] E11:na[] E12:na[] E05.argue:fail[2] E05.deescalate:pass[2] E09:pass[] E04:pass[]',
    );
    expect(r?.checks[5]?.evidence[0]?.text).toBe('不好意思，這是你自己填錯的');
    expect([r?.score, r?.critical]).toEqual([0, true]);
    // 11 + 12 + 8 = 31 characters over 3 + 2.5 + 2.5 = 8 s.
    expect(r?.metrics.agentCharsPerMinute).toBe(232.5);
  });

  it('Amazon Transcribe Call Analytics JSON', async () => {
    const [r] = await scoreFile('transcribe-en.json');
    expect(r?.id).toBe('tca-job-0042');
    expect(summary(r as QaCallResult)).toBe(
      'E01:pass[1] E13:pass[1] R04:pass[1] E11:na[] E12:na[] E05.argue:pass[] E05.deescalate:na[] E09:pass[] E04:pass[]',
    );
    // 9 + 6 = 15 words over 3.0 + 3.0 s.
    expect(r?.metrics.agentWordsPerMinute).toBe(150);
  });

  it('callfloor JSON with a telephony hold', async () => {
    const [r] = await scoreFile('call.json');
    expect(r?.id).toBe('call-0001');
    // Hold 8-39 s: announced in turn 2 (E11 pass); the return (turn 3) does not thank (E12 fail).
    expect(summary(r as QaCallResult)).toBe(
      'E01:pass[0] E13:pass[4] R04:pass[0] E11:pass[2] E12:fail[3] E05.argue:pass[] E05.deescalate:na[] E09:pass[] E04:pass[]',
    );
    expect(r?.metrics.holds).toBe(1);
    expect(r?.score).toBe(7 / 8);
    // 11 + 6 + 6 + 12 = 35 characters over 3 + 1.5 + 2 + 3 = 9.5 s.
    expect(r?.metrics.agentCharsPerMinute).toBe(221.1);
  });

  it('bare speaker ids: the agent is the side that greets and offers help', async () => {
    const file = await readTranscriptFile(fixture('speakers-ids.txt'));
    expect(file.transcripts[0]?.turns.map((t) => `${t.speakerId}=${t.speaker}`)).toEqual([
      'spk_0=customer',
      'spk_1=agent',
      'spk_0=customer',
      'spk_1=agent',
      'spk_1=agent',
    ]);
    const forced = await readTranscriptFile(fixture('speakers-ids.txt'), { agentSpeaker: 'SPK_0' });
    expect(forced.transcripts[0]?.turns[0]?.speaker).toBe('agent');
  });

  it('chat TSV: one call per session, bad lines skipped with a warning naming file, line and field', async () => {
    const file = await readTranscriptFile(fixture('chats.tsv'));
    expect(file.transcripts.map((t) => [t.id, t.turns.length])).toEqual([
      ['s1', 4],
      ['l2', 1],
    ]);
    expect(file.warnings).toEqual([
      `${fixture('chats.tsv')}:3: field 3 (from-agent flag) must be 0 or 1, got "x"`,
      `${fixture('chats.tsv')}:4: expected 7 tab-separated fields (session, user, from-agent, transferred, repeat, SKU, text), got 3`,
    ]);
    const [s1, l2] = await scoreFile('chats.tsv');
    expect(summary(s1 as QaCallResult)).toBe(
      'E01:pass[0] E13:pass[3] R04:pass[0] E11:na[] E12:pass[3] E05.argue:pass[] E05.deescalate:na[] E09:pass[] E04:na[]',
    );
    // The agent never speaks: every check is n/a, no score (issue #5 "Bad input").
    expect(l2?.score).toBeNull();
    expect(l2?.checks.filter((c) => c.result !== 'na')).toEqual([]);
  });
});

describe('clear errors for files that cannot be read', () => {
  it.each([
    ['bad-turn.json', /bad-turn\.json: \$\.turns\[1\]\.text: .*expected string/],
    ['bad-syntax.json', /bad-syntax\.json: line 2: invalid JSON/],
    ['bad-prefix.txt', /bad-prefix\.txt: line 2: no speaker prefix/],
    ['bad-cue.vtt', /bad-cue\.vtt: line 7: cue without a speaker/],
    ['missing.json', /missing\.json: no such file/],
  ])('%s', async (name, message) => {
    await expect(readTranscriptFile(fixture(name))).rejects.toThrow(message);
  });

  it('names the JSON path in Transcribe and PCA files, and the line in text and subtitles', () => {
    expect(() =>
      parseTranscriptText(
        '{"Transcript":[{"ParticipantRole":"AGENT","Content":"hi"}]}',
        'job.json',
      ),
    ).toThrow(/job\.json: \$\.Transcript\[0\]\.BeginOffsetMillis: /);
    expect(() =>
      parseTranscriptText('{"SpeechSegments":[{"SegmentStartTime":"x"}]}', 'pca.json'),
    ).toThrow(/pca\.json: \$\.SpeechSegments\[0\]\.SegmentStartTime: /);
    expect(() => parseTranscriptText('[00:01.0-00:00.5] Agent: hi', 'a.txt')).toThrow(
      'a.txt: line 1: time span ends (0.5 s) before it starts (1 s)',
    );
    expect(() =>
      parseTranscriptText('1\n00:00:01,000 -> 00:00:02,000\nAgent: hi\n', 'a.srt'),
    ).toThrow('a.srt: line 1: cue without a timing line');
    expect(() => parseTranscriptText('hello\n', 'a.vtt')).toThrow(
      'a.vtt: line 1: missing WEBVTT header',
    );
    expect(() => parseTranscriptText('x\ty\n', 'chat.tsv')).toThrow(
      'chat.tsv: line 1: no readable line',
    );
  });

  it('accepts full-width colons, CRLF and a BOM', () => {
    const file = parseTranscriptText('\uFEFF客服：您好\r\n顧客：你好\r\n', 'a.txt');
    expect(file.transcripts[0]?.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['agent', '您好'],
      ['customer', '你好'],
    ]);
  });
});
