/**
 * Throughput of the AMI packet parser and mapper, and of the ESL parser and callcenter mapper,
 * against a same-run baseline (splitting the same text into lines and finding each line's colon,
 * the least any parser must do). Run: `npm run bench:connectors`. Prints figures; asserts nothing.
 *
 * Input: `originate_with_events.yaml` from ../shared/data/ami-panoramisk (748 real AMI events),
 * repeated to ~25 MB, fed in 64 KiB chunks like a socket; plus a synthetic mod_callcenter stream.
 * Each figure is the best of 3 runs after a warm-up.
 */
import { readFileSync } from 'node:fs';
import { AmiEventMapper } from '../src/core/connectors/ami/mapper.js';
import { AmiPacketParser } from '../src/core/connectors/ami/packet.js';
import { EslPacketParser, parseEventPlain } from '../src/core/connectors/freeswitch/esl.js';
import { CallcenterMapper } from '../src/core/connectors/freeswitch/mapper.js';
import { sharedDataPath } from '../src/test-support/shared-data.js';

const CHUNK = 64 * 1024;

function time(label: string, bytes: number, run: () => number): number {
  run(); // warm-up
  // Best of 3 (the machine is shared; the minimum is the least disturbed run).
  let seconds = Infinity;
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    count = run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(
    `${label.padEnd(34)} ${(bytes / 1e6 / seconds).toFixed(1).padStart(7)} MB/s  ${Math.round(
      count / seconds,
    )
      .toLocaleString('en')
      .padStart(11)} items/s  (${count.toLocaleString('en')} items, ${seconds.toFixed(3)} s)`,
  );
  return seconds;
}

const capture = readFileSync(
  sharedDataPath('ami-panoramisk', 'originate_with_events.yaml'),
  'utf8',
);
const ami = capture.repeat(Math.ceil(25e6 / capture.length)).replaceAll('\n', '\r\n');
const amiBytes = Buffer.byteLength(ami);
console.log(
  `AMI input: ${(amiBytes / 1e6).toFixed(1)} MB (originate_with_events.yaml × ${Math.ceil(25e6 / capture.length)}, CRLF)`,
);

const base = time('baseline: split lines + colon', amiBytes, () => {
  let n = 0;
  for (let i = 0; i < ami.length; i += CHUNK) {
    for (const line of ami.slice(i, i + CHUNK).split('\n')) if (line.indexOf(':') > 0) n++;
  }
  return n;
});
const parse = time('AmiPacketParser', amiBytes, () => {
  const parser = new AmiPacketParser();
  let n = 0;
  for (let i = 0; i < ami.length; i += CHUNK) n += parser.push(ami.slice(i, i + CHUNK)).length;
  return n;
});
const mapped = time('AmiPacketParser + AmiEventMapper', amiBytes, () => {
  const parser = new AmiPacketParser();
  const mapper = new AmiEventMapper();
  let n = 0;
  for (let i = 0; i < ami.length; i += CHUNK) {
    for (const p of parser.push(ami.slice(i, i + CHUNK))) {
      mapper.map(p, 1);
      n++;
    }
  }
  return n;
});
console.log(
  `ratio parser / baseline: ${(parse / base).toFixed(2)}×, parser+mapper / baseline: ${(mapped / base).toFixed(2)}×`,
);

// mod_callcenter: one call = start, offering, bridge start, bridge end, queue end.
const enc = new TextEncoder();
function eslEvent(fields: [string, string][]): string {
  const body = fields.map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`).join('') + '\n';
  return `Content-Length: ${enc.encode(body).length}\nContent-Type: text/event-plain\n\n${body}`;
}
const parts: string[] = [];
for (let c = 0; c < 20_000; c++) {
  const common: [string, string][] = [
    ['Event-Name', 'CUSTOM'],
    ['Event-Subclass', 'callcenter::info'],
    ['Event-Date-Timestamp', String((1_700_000_000 + c) * 1e6)],
    ['CC-Queue', 'support@default'],
    ['CC-Member-Session-UUID', `m-${c}`],
    ['CC-Member-CID-Name', 'Caller Name'],
    ['CC-Member-CID-Number', '+886212345678'],
  ];
  for (const action of [
    'member-queue-start',
    'agent-offering',
    'bridge-agent-start',
    'bridge-agent-end',
  ]) {
    parts.push(
      eslEvent([
        ...common,
        ['CC-Action', action],
        ['CC-Agent', 'alice@default'],
        ['CC-Agent-UUID', `a-${c}`],
        ['CC-Member-Joined-Time', String(1_700_000_000 + c)],
        ['CC-Agent-Called-Time', String(1_700_000_002 + c)],
        ['CC-Agent-Answered-Time', String(1_700_000_008 + c)],
        ['CC-Bridge-Terminated-Time', String(1_700_000_068 + c)],
      ]),
    );
  }
}
const esl = enc.encode(parts.join(''));
console.log(
  `ESL input: ${(esl.length / 1e6).toFixed(1)} MB (20,000 calls × 4 mod_callcenter events)`,
);
const eslBase = time('baseline: split lines + colon', esl.length, () => {
  const text = new TextDecoder().decode(esl);
  let n = 0;
  for (const line of text.split('\n')) if (line.indexOf(':') > 0) n++;
  return n;
});
const eslMapped = time('EslPacketParser + CallcenterMapper', esl.length, () => {
  const parser = new EslPacketParser();
  const mapper = new CallcenterMapper();
  let n = 0;
  for (let i = 0; i < esl.length; i += CHUNK) {
    for (const p of parser.push(esl.subarray(i, i + CHUNK))) {
      n += mapper.map(parseEventPlain(p.body), 1).length;
    }
  }
  return n;
});
console.log(`ratio ESL parser+mapper / baseline: ${(eslMapped / eslBase).toFixed(2)}×`);
