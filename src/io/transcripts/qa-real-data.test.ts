/**
 * QA on real data in ../shared/data (never copied into the project): JDDC chats (Simplified
 * Chinese), the AWS PCA sample call (English, timed, mislabelled sides).
 */
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { scoreTranscript, type QaCallResult, type Transcript } from '../../core/qa/index.js';
import { sharedDataAvailable, sharedDataPath } from '../../test-support/shared-data.js';
import { parseTranscriptText, readTranscriptFile } from './read-transcripts.js';

const present = sharedDataAvailable();
const JDDC = present ? sharedDataPath('jddc-chat-zh', 'chat_0.1per.txt') : '';
const PCA = present ? sharedDataPath('aws-pca-call-analytics', 'testfile.json') : '';

type ConverterFactory = (options: { from: string; to: string }) => (text: string) => string;
const toTraditional = (OpenCC as unknown as { Converter: ConverterFactory }).Converter({
  from: 'cn',
  to: 'tw',
});

/** Non-`na` checks of a call as `E01:pass E13:fail …`. */
function applicable(call: QaCallResult): string {
  return call.checks
    .filter((c) => c.result !== 'na')
    .map((c) => `${c.id}:${c.result}`)
    .join(' ');
}

function evidenceTurns(call: QaCallResult, id: string): number[] {
  return call.checks.find((c) => c.id === id)?.evidence.map((e) => e.turn) ?? [];
}

/**
 * Expected results of 20 JDDC sessions, labelled by reading each session (turn numbers from 0).
 * `checks` lists the applicable checks; every other check must be `na`.
 */
const LABELLED: {
  id: string;
  score: number;
  language?: 'zh-Hans' | 'zh-Hant';
  checks: string;
  evidence?: Record<string, number[]>;
  why: string;
}[] = [
  {
    id: '0000b82c62117aa4497508bb1bdfb53a',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    why: 'qa.md example: 稍等 in turn 3 is answered in the same turn, so no hold',
  },
  {
    id: '0032cff78a24ccc6de0d596725a3b11c',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [17] },
    why: 'standard greeting and 请问还有其他 + 祝您生活愉快，再见 close; customer frustrated but no anger cue',
  },
  {
    id: '0043bbac54706e682fd82480fb0674d4',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [15] },
    why: '太久了 is impatience, not a listed cue; last turn offers further help',
  },
  {
    id: '0064fdb15c185b2910cdf3bf72849ee3',
    score: 0.8,
    checks: 'E01:fail E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E01: [1, 3] },
    why: 'agent opens with a product name and a status, no greeting',
  },
  {
    id: '00db2eeeb16e3a594565f6f17dc56201',
    score: 0.8,
    checks: 'E01:fail E13:pass R04:pass E05.argue:pass E09:pass',
    why: 'agent starts straight with pickup times; proper closing',
  },
  {
    id: '00e7f6394002ba9d3bb41f313fd63594',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E01: [1] },
    why: '请问您是咨询… is the offer to help',
  },
  {
    id: '00edf97b7bc09c2c5eb300fe97b94c3c',
    score: 5 / 6,
    checks: 'E01:pass E13:pass R04:pass E12:fail E05.argue:pass E09:pass',
    evidence: { E12: [5] },
    why: 'turn 3 ends in 稍等…查询 (chat hold); the return in turn 5 has no thanks',
  },
  {
    id: '02d800772a7c754729a1ec7a392c5c39',
    score: 4 / 6,
    checks: 'E01:fail E13:pass R04:pass E12:fail E05.argue:pass E09:pass',
    evidence: { E12: [3] },
    why: 'first agent turn is 稍等，帮您看下 (hold, no greeting); return without thanks',
  },
  {
    id: '03c46b1a5399dbe62b6ef20c73f61eb4',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [13] },
    why: 'last turn offers further help and wishes 顺祝您…',
  },
  {
    id: '05b82a58a033e2e07956008ab9fcc046',
    score: 5 / 6,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E05.deescalate:fail E09:pass',
    evidence: { 'E05.deescalate': [3] },
    why: '请核实情况回复!!! is an anger cue; the agent answers with a question, no apology',
  },
  {
    id: '069946a4ebae1c3da94357a5a76ea38b',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [11] },
    why: '请问还有什么其他咨询 … 随时联系 is a closing offer',
  },
  {
    id: '087b66dce0963b93ff5d90fce0c8161a',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [7] },
    why: '请问还有什么其他问题可以帮到您 closes',
  },
  {
    id: '0d71f042-942e-49bd-8432-0cd09fe5556b',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [5] },
    why: '还有什么妹纸可以帮助您 is an offer of further help (phrase with a gap)',
  },
  {
    id: '0fc0738c737cac04138c2c61f0c358bf',
    score: 0.6,
    checks: 'E01:fail E13:fail R04:pass E05.argue:pass E09:pass',
    evidence: { E13: [27, 29] },
    why: '在的呢 is no greeting; the chat ends on station look-ups, no closing; 稍等 always followed by the answer',
  },
  {
    id: '14b32f91e30cc5af42d0ceda15847abc',
    score: 0.8,
    language: 'zh-Hant',
    checks: 'E01:fail E13:pass R04:pass E05.argue:pass E09:pass',
    why: 'customer wrote 沒 (Traditional-only) so the spec rule says zh-Hant; agent opens by asking for the order number',
  },
  {
    id: '3112291b22e591194fa4f9def3c36b2f',
    score: 1,
    checks: 'E01:pass E13:pass R04:pass E12:pass E05.argue:pass E09:pass',
    evidence: { E01: [3], E12: [3] },
    why: '稍等，我查看一下 then 您好，抱歉，让您久等了: hold thanked',
  },
  {
    id: '67741476213a793e0e116e35c85ed909',
    score: 4 / 7,
    checks: 'E01:fail E13:pass R04:pass E12:fail E05.argue:pass E05.deescalate:fail E09:pass',
    evidence: { E12: [5], 'E05.deescalate': [5] },
    why: 'turn 3 ends 帮您查询一下 (hold), return asks a question; 质量太差了 answered without empathy',
  },
  {
    id: '7262bacb41867ec2173067476f1486af',
    score: 0.8,
    checks: 'E01:fail E13:pass R04:pass E05.argue:pass E09:pass',
    why: '哦!!!谢谢 thanks, so not an anger cue; agent opens with the order number',
  },
  {
    id: '72e9f18f857e60f332dfa24c7fab81b5',
    score: 5 / 6,
    checks: 'E01:fail E13:pass R04:pass E12:pass E05.argue:pass E09:pass',
    evidence: { E12: [3] },
    why: '还请您稍等，马上为您查询 then 让您久等了; no greeting',
  },
  {
    id: 'fae663614b93985db4bc1417bc7dcebc',
    score: 5 / 7,
    checks: 'E01:pass E13:pass R04:pass E12:fail E05.argue:pass E05.deescalate:fail E09:pass',
    evidence: { E12: [7], 'E05.deescalate': [9] },
    why: '您稍等 小妹帮您查询一下哈 then no thanks; 语气太差 answered without empathy',
  },
];

describe.skipIf(!present)('QA on JDDC chats (real data)', () => {
  it('reads all 994 sessions (12,136 lines) with no skipped line', async () => {
    const file = await readTranscriptFile(JDDC);
    expect(file.transcripts).toHaveLength(994);
    expect(file.transcripts.reduce((n, t) => n + t.turns.length, 0)).toBe(12136);
    expect(file.warnings).toEqual([]);
  });

  it('gives exactly the qa.md example for the first session', async () => {
    const file = await readTranscriptFile(JDDC);
    const first = scoreTranscript(file.transcripts[0] as Transcript);
    expect(first).toEqual({
      id: '0000b82c62117aa4497508bb1bdfb53a',
      source: 'chat_0.1per.txt',
      language: 'zh-Hans',
      score: 1,
      critical: false,
      checks: [
        {
          id: 'E01',
          result: 'pass',
          evidence: [{ turn: 1, start: null, text: '有什么问题我可以帮您处理或解决呢?' }],
        },
        {
          id: 'E13',
          result: 'pass',
          evidence: [{ turn: 7, start: null, text: '请问还有其他还可以帮到您的吗?' }],
        },
        {
          id: 'R04',
          result: 'pass',
          evidence: [{ turn: 1, start: null, text: '有什么问题我可以帮您处理或解决呢?' }],
        },
        { id: 'E11', result: 'na', evidence: [] },
        { id: 'E12', result: 'na', evidence: [] },
        { id: 'E05.argue', result: 'pass', evidence: [] },
        { id: 'E05.deescalate', result: 'na', evidence: [] },
        { id: 'E09', result: 'pass', evidence: [] },
        { id: 'E04', result: 'na', evidence: [] },
      ],
      metrics: {
        agentTurns: 5,
        customerTurns: 5,
        holds: 0,
        agentCharsPerMinute: null,
        agentWordsPerMinute: null,
        customerAbuse: false,
      },
    });
  });

  it.each(LABELLED)('session $id: $why', async (label) => {
    const file = await readTranscriptFile(JDDC);
    const transcript = file.transcripts.find((t) => t.id === label.id);
    expect(transcript).toBeDefined();
    const call = scoreTranscript(transcript as Transcript);
    expect(call.language).toBe(label.language ?? 'zh-Hans');
    expect(applicable(call)).toBe(label.checks);
    expect(call.score).toBeCloseTo(label.score, 10);
    expect(call.critical).toBe(false);
    for (const [id, turns] of Object.entries(label.evidence ?? {})) {
      expect(evidenceTurns(call, id), id).toEqual(turns);
    }
  });

  it('gives the same results for Traditional Chinese (OpenCC cn → tw) as for the Simplified original', () => {
    const text = readFileSync(JDDC, 'utf8');
    const traditional = text
      .split('\n')
      .map((line) => {
        const fields = line.split('\t');
        if (fields.length < 7) return line;
        return [...fields.slice(0, 6), toTraditional(fields.slice(6).join('\t'))].join('\t');
      })
      .join('\n');
    expect(traditional).not.toBe(text);
    const simplified = parseTranscriptText(text, 'chat.txt').transcripts.map((t) =>
      scoreTranscript(t),
    );
    const converted = parseTranscriptText(traditional, 'chat.txt').transcripts.map((t) =>
      scoreTranscript(t),
    );
    expect(converted).toHaveLength(simplified.length);
    let hant = 0;
    converted.forEach((call, n) => {
      const original = simplified[n] as QaCallResult;
      if (call.language === 'zh-Hant') hant++;
      expect(call.score, call.id).toBe(original.score);
      expect(call.critical).toBe(original.critical);
      expect(call.metrics).toEqual(original.metrics);
      expect(
        call.checks.map((c) => [c.id, c.result, c.evidence.map((e) => e.turn)]),
        call.id,
      ).toEqual(original.checks.map((c) => [c.id, c.result, c.evidence.map((e) => e.turn)]));
    });
    // Almost every converted session holds a Traditional-only character.
    expect(hant).toBeGreaterThan(950);
  });
});

describe.skipIf(!present)('QA on the AWS PCA sample call (real data)', () => {
  it('finds the agent by content although the file labels spk_0 as the agent', async () => {
    const file = await readTranscriptFile(PCA);
    const call = file.transcripts[0] as Transcript;
    expect(call.id).toBe('stereo_std_1.mp3');
    expect(call.turns).toHaveLength(12);
    expect(call.turns[1]).toMatchObject({ speaker: 'agent', speakerId: 'spk_1' });
    expect(call.turns[0]).toMatchObject({ speaker: 'customer', speakerId: 'spk_0' });
    expect(
      call.turns.filter((t) => t.speaker === 'agent').every((t) => t.speakerId === 'spk_1'),
    ).toBe(true);
  });

  it('computes the agent speech rate from the segment timings (E04)', async () => {
    const file = await readTranscriptFile(PCA);
    const result = scoreTranscript(file.transcripts[0] as Transcript);
    // By hand from the file: spk_1 segments 0.64-3.7, 3.71-6.16, 9.04-10.56, 13.64-19.25,
    // 21.44-27.04, 27.04-28.96; union = 3.06 + 2.45 + 1.52 + 5.61 + 7.52 = 20.16 s.
    // Words: 8 + 9 ([PII] counted) + 5 + 17 + 22 + 12 = 73. 73 / 20.16 s × 60 = 217.26 words/min.
    expect(result.metrics.agentWordsPerMinute).toBe(217.3);
    expect(result.metrics.agentCharsPerMinute).toBeNull();
    expect(result.checks.find((c) => c.id === 'E04')?.result).toBe('fail');
    expect(result.language).toBe('en');
    expect(result.checks.find((c) => c.id === 'E01')).toEqual({
      id: 'E01',
      result: 'pass',
      evidence: [
        { turn: 1, start: 0.64, text: 'Thank you for calling Networks abc technical Support.' },
      ],
    });
    // The call is cut at 28.67 s: no closing.
    expect(result.checks.find((c) => c.id === 'E13')?.result).toBe('fail');
    expect(result.score).toBeCloseTo(4 / 6, 10);
  });

  it('--agent-speaker overrides the content', async () => {
    const file = await readTranscriptFile(PCA, { agentSpeaker: 'spk_0' });
    const call = file.transcripts[0] as Transcript;
    expect(call.turns[0]?.speaker).toBe('agent');
    expect(scoreTranscript(call).checks[0]?.result).toBe('fail');
    await expect(readTranscriptFile(PCA, { agentSpeaker: 'spk_9' })).rejects.toThrow(
      /testfile\.json: --agent-speaker spk_9: no such speaker \(speakers: spk_0, spk_1\)/,
    );
  });
});

describe.skipIf(!present)('QA on the ABCD sample (real English chats)', () => {
  /** ABCD `original` [speaker, text] pairs as callfloor JSON; `action` turns are system turns. */
  function abcdAsCallfloorJson(): string {
    const data = JSON.parse(
      readFileSync(sharedDataPath('abcd-sample', 'abcd_sample.json'), 'utf8'),
    ) as { convo_id: number; original: [string, string][] }[];
    return JSON.stringify(
      data.map((c) => ({
        id: String(c.convo_id),
        turns: c.original.map(([speaker, text]) => ({
          speaker: speaker === 'action' ? 'system' : speaker,
          text,
        })),
      })),
    );
  }

  it('scores the three chats as read by hand', () => {
    const calls = parseTranscriptText(abcdAsCallfloorJson(), 'abcd.json').transcripts.map((t) =>
      scoreTranscript(t),
    );
    expect(calls.map((c) => [c.id, c.language, applicable(c), c.score])).toEqual([
      // "Hi!" greets; "Have a great night!" closes; "please" in turn 3; no wait request.
      ['3592', 'en', 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass', 1],
      // "good afternoon, how can I help you?"; "have a nice day"; "please" (turn 7).
      ['9489', 'en', 'E01:pass E13:pass R04:pass E05.argue:pass E09:pass', 1],
      // "let me check that." + "one moment please" (one hold, returns in turn 7) and again
      // "one moment please" (turn 12, returns in turn 16 after system turns): never thanked.
      ['3695', 'en', 'E01:pass E13:pass R04:pass E12:fail E05.argue:pass E09:pass', 5 / 6],
    ]);
    expect(evidenceTurns(calls[0] as QaCallResult, 'E13')).toEqual([27]);
    expect(evidenceTurns(calls[0] as QaCallResult, 'R04')).toEqual([3]);
    expect(evidenceTurns(calls[2] as QaCallResult, 'E12')).toEqual([7, 16]);
    expect(calls[2]?.metrics.holds).toBe(2);
    expect(calls[2]?.metrics.agentTurns).toBe(11);
  });
});
