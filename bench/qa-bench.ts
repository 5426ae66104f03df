/**
 * `npm run bench:qa`: QA throughput on the JDDC chat file (../shared/data) and a 10× replicated
 * copy (written to a temporary folder, deleted after). Prints calls/s for full scoring (read,
 * parse, resolve speakers, all checks) and for a same-run baseline that only reads, parses and
 * OpenCC-normalises the same input, and their ratio (target: scoring ≤ 2× the baseline).
 * Figures only; nothing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compileQaConfig,
  normalizeText,
  parseTranscripts,
  resolveSpeakers,
  scoreTranscript,
} from '../src/core/qa/index.js';
import { sharedDataAvailable, sharedDataPath } from '../src/test-support/shared-data.js';

/** Rounds per input, baseline and scoring interleaved; the fastest round of each is reported (the machine may be shared). */
const ROUNDS = 7;

async function baseline(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const parsed = parseTranscripts(text, file);
  let chars = 0;
  for (const call of parsed.transcripts) {
    for (const turn of call.turns) chars += normalizeText(turn.text).length;
  }
  if (chars === 0) throw new Error('nothing normalised');
  return parsed.transcripts.length;
}

const config = compileQaConfig();

async function score(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const parsed = parseTranscripts(text, file);
  let scored = 0;
  for (const p of parsed.transcripts) {
    const call = scoreTranscript(
      resolveSpeakers(p, { fallbackId: 'x', source: 'x', config }),
      config,
    );
    if (call.checks.length === 9) scored++;
  }
  return scored;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function fastest(xs: number[]): number {
  return Math.min(...xs);
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; calls: number }> {
  const t0 = performance.now();
  const calls = await fn();
  return { ms: performance.now() - t0, calls };
}

async function measure(label: string, file: string): Promise<void> {
  const base: number[] = [];
  const full: number[] = [];
  let calls = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const b = await time(() => baseline(file));
    const f = await time(() => score(file));
    base.push(b.ms);
    full.push(f.ms);
    calls = f.calls;
  }
  const rate = (ms: number): string => ((calls * 1000) / ms).toFixed(0).padStart(7);
  for (const [kind, pick] of [
    ['fastest', fastest],
    ['median ', median],
  ] as const) {
    const bMs = pick(base);
    const fMs = pick(full);
    console.log(
      `${label.padEnd(9)} ${String(calls).padStart(5)} calls ${kind} | baseline ${bMs.toFixed(0).padStart(5)} ms ${rate(bMs)} calls/s | scoring ${fMs.toFixed(0).padStart(5)} ms ${rate(fMs)} calls/s | ratio ${(fMs / bMs).toFixed(2)} (target ≤ 2.00)`,
    );
  }
}

async function mainBench(): Promise<void> {
  if (!sharedDataAvailable()) return;
  const source = sharedDataPath('jddc-chat-zh', 'chat_0.1per.txt');
  const dir = mkdtempSync(join(tmpdir(), 'callfloor-qa-bench-'));
  try {
    const text = readFileSync(source, 'utf8').replace(/\n$/, '');
    // 10 copies; session ids get a suffix so each copy is 994 more distinct calls.
    const copies = Array.from({ length: 10 }, (_, k) =>
      text.replace(/^([^\t\n]+)\t/gm, (_m, id: string) => `${id}-${k}\t`),
    );
    const big = join(dir, 'chat_x10.txt');
    writeFileSync(big, `${copies.join('\n')}\n`);

    const cold = await time(() => score(source));
    console.log(
      `cold start (OpenCC tables, jieba dictionary, JIT): first full scoring of the file ${cold.ms.toFixed(0)} ms`,
    );
    await baseline(source);
    console.log(
      `${ROUNDS} rounds each; baseline = read + parse + OpenCC/NFKC normalise; scoring = read + parse + speakers + all checks`,
    );
    await measure('JDDC', source);
    await measure('JDDC ×10', big);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await mainBench();
