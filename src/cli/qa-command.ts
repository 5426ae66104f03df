/**
 * `callfloor qa FILE...`: etiquette checks on call and chat transcripts (qa.md, norms E01–E13 and
 * R04; contract `callfloor.qa/v1`).
 */
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { Option, type Command } from 'commander';
import {
  compileQaConfig,
  qaReport,
  QaConfigError,
  RULES,
  scoreTranscript,
  TRANSCRIPT_FORMATS,
  type CompiledQaConfig,
  type QaCallResult,
  type QaReport,
  type TranscriptFormat,
} from '../core/qa/index.js';
import {
  readTranscriptFile,
  UnreadableTranscriptError,
} from '../io/transcripts/read-transcripts.js';
import { InputError, UsageError, type CliContext } from './context.js';

interface QaOptions {
  json?: boolean;
  format: TranscriptFormat;
  config?: string;
  agentSpeaker?: string;
}

const EXAMPLES = `
Formats: callfloor JSON, plain text (Agent:/Customer:/客服:/客户: lines, optional [mm:ss.s-mm:ss.s]),
WebVTT/SRT (voice tags or speaker prefixes), Amazon Transcribe Call Analytics JSON, PCA
SpeechSegments JSON, chat-log TSV (JDDC layout). One file may hold many calls (TSV, JSON array).

Examples:
  $ callfloor qa call-0001.json call-0002.vtt
  $ callfloor qa chats.tsv --json > qa.json
  $ callfloor qa pca-output.json --agent-speaker spk_1
  $ callfloor qa *.txt --config site-qa.json

Unreadable files are reported on stderr as FILE: reason and skipped. Exit status: 0 at least one
call scored, 1 none could be read, 2 usage error (bad option or config).`;

/** Registers `qa` on the program. */
export function registerQaCommand(program: Command, ctx: CliContext): void {
  program
    .command('qa')
    .description(
      'Call QA: etiquette checks (greeting, closing, holds, arguing, anger, profanity, speech rate)',
    )
    .argument('<files...>', 'transcript files')
    .option('--json', 'print the callfloor.qa/v1 JSON contract')
    .addOption(
      new Option('--format <format>', 'input format')
        .choices([...TRANSCRIPT_FORMATS])
        .default('auto'),
    )
    .option('--config <file>', 'site QA config (JSON): phrase lists, thresholds, weights')
    .option('--agent-speaker <id>', 'speaker id that is the agent (overrides labels and content)')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], options: QaOptions) => {
      const report = await runQa(files, options, ctx);
      ctx.stdout.write(
        options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatQaSummary(report),
      );
    });
}

/**
 * Loads a site QA config file.
 * @throws UsageError naming the file and the key at fault
 */
export async function loadQaConfig(file: string): Promise<CompiledQaConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--config ${file}: cannot read the file`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--config ${file}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return compileQaConfig(data);
  } catch (error) {
    if (error instanceof QaConfigError) throw new UsageError(`--config ${file}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads and scores every file. Unreadable files are reported on stderr and skipped.
 * @throws UsageError on a bad config; InputError when no call could be scored
 */
export async function runQa(
  files: readonly string[],
  options: QaOptions,
  ctx: CliContext,
): Promise<QaReport> {
  const config =
    options.config !== undefined ? await loadQaConfig(options.config) : compileQaConfig();
  const calls: QaCallResult[] = [];
  let unreadable = 0;
  for (const file of files) {
    try {
      const read = await readTranscriptFile(file, {
        format: options.format,
        agentSpeaker: options.agentSpeaker,
        config,
      });
      for (const w of read.warnings) ctx.stderr.write(`${w}\n`);
      for (const t of read.transcripts) calls.push(scoreTranscript(t, config));
    } catch (error) {
      if (!(error instanceof UnreadableTranscriptError)) throw error;
      unreadable++;
      ctx.stderr.write(`${error.message}\n`);
    }
  }
  if (calls.length === 0) {
    throw new InputError(
      unreadable > 0
        ? `no call could be scored (${unreadable} unreadable file(s))`
        : 'no call in the input',
    );
  }
  return qaReport(calls);
}

const MAX_QUOTE = 40;

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat;
}

/** The readable summary: one line per call (failed checks with their evidence turn), then totals per check. */
export function formatQaSummary(report: QaReport): string {
  const lines: string[] = [];
  for (const call of report.calls) {
    const score = call.score === null ? 'n/a' : call.score.toFixed(2);
    const failed = call.checks.filter((c) => c.result === 'fail');
    const head = `${call.id}  ${call.language}  score ${score}${call.critical ? ' CRITICAL' : ''}`;
    if (failed.length === 0) {
      lines.push(`${head}  ok`);
      continue;
    }
    lines.push(head);
    for (const c of failed) {
      const ev = c.evidence[0];
      const where = ev
        ? ` turn ${ev.turn}${ev.start === null ? '' : ` @${ev.start.toFixed(1)}s`}: "${quote(ev.text)}"${c.evidence.length > 1 ? ` (+${c.evidence.length - 1} more)` : ''}`
        : '';
      const rule = RULES.find((r) => r.id === c.id);
      lines.push(`  fail ${c.id} ${rule?.meta.messages.fail ?? ''}${where}`);
    }
  }
  const table = new Table({
    head: ['check', 'name', 'pass', 'fail', 'n/a'],
    style: { head: [], border: [] },
  });
  for (const rule of RULES) {
    const count = (result: string): number =>
      report.calls.filter((c) => c.checks.find((k) => k.id === rule.id)?.result === result).length;
    table.push([rule.id, rule.meta.name, count('pass'), count('fail'), count('na')]);
  }
  const scored = report.calls.filter((c) => c.score !== null);
  const mean =
    scored.length > 0 ? scored.reduce((s, c) => s + (c.score ?? 0), 0) / scored.length : null;
  const critical = report.calls.filter((c) => c.critical).length;
  lines.push('');
  lines.push(
    `${report.calls.length} ${report.calls.length === 1 ? 'call' : 'calls'}; mean score ${mean === null ? 'n/a' : mean.toFixed(2)}; ${critical} critical`,
  );
  lines.push(table.toString());
  return `${lines.join('\n')}\n`;
}
