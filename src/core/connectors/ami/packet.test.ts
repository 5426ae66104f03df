import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedDataAvailable, sharedDataPath } from '../../../test-support/shared-data.js';
import { AmiPacketParser, amiField, serializeAmiAction, type AmiPacket } from './packet.js';

function parseAll(text: string, chunks: number[] = []): AmiPacket[] {
  const parser = new AmiPacketParser();
  const out: AmiPacket[] = [];
  let offset = 0;
  for (const size of chunks) {
    out.push(...parser.push(text.slice(offset, offset + size)));
    offset += size;
  }
  out.push(...parser.push(text.slice(offset)), ...parser.end());
  return out;
}

const SAMPLE =
  'Asterisk Call Manager/2.10.4\r\n' +
  'Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n' +
  'Event: QueueMemberPause\r\nQueue: support\r\nMemberName: Alice\r\nInterface: PJSIP/1001\r\nPaused: 1\r\nPausedReason: lunch: 30 min\r\n\r\n';

describe('AmiPacketParser', () => {
  it('reads the banner, a response and an event (CRLF)', () => {
    const packets = parseAll(SAMPLE);
    expect(packets.map((p) => [p.type, p.name])).toEqual([
      ['banner', '2.10.4'],
      ['response', 'Success'],
      ['event', 'QueueMemberPause'],
    ]);
    // A value may contain ": " itself; only the first colon splits.
    expect(amiField(packets[2] as AmiPacket, 'pausedreason')).toBe('lunch: 30 min');
  });

  it('gives the same packets for LF line ends and for any chunking', () => {
    const expected = parseAll(SAMPLE);
    expect(parseAll(SAMPLE.replaceAll('\r\n', '\n'))).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }), (sizes) => {
        expect(parseAll(SAMPLE, sizes)).toEqual(expected);
      }),
    );
  });

  it('skips garbage lines between packets and strips capture-gap marks', () => {
    const text =
      'garbage without colon\n\nEvent: A\nX: 1\n\n' +
      '[218 bytes missing in capture file]Event: B\nY: 2\n\n';
    const parser = new AmiPacketParser();
    const packets = [...parser.push(text), ...parser.end()];
    expect(packets.map((p) => [p.name, p.headers.length])).toEqual([
      ['A', 2],
      ['B', 2],
    ]);
    expect(parser.skippedLines).toBe(2);
  });

  it('drops an unterminated line longer than 1 MiB instead of buffering it', () => {
    const parser = new AmiPacketParser();
    expect(parser.push('x'.repeat(1_100_000))).toEqual([]);
    const packets = parser.push('\nEvent: A\n\n');
    expect(packets.map((p) => p.name)).toEqual(['A']);
    expect(parser.skippedLines).toBe(1);
  });

  it('collects the raw output of Response: Follows until --END COMMAND--', () => {
    const text =
      'Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\n' +
      'support has 0 calls (max unlimited)\n   Members: \n\n      PJSIP/1001 (Not in use)\n--END COMMAND--\r\n\r\n' +
      'Event: FullyBooted\r\n\r\n';
    const packets = parseAll(text);
    expect(packets).toHaveLength(2);
    expect(packets[0]).toMatchObject({ type: 'response', name: 'Follows' });
    expect(amiField(packets[0] as AmiPacket, 'ActionID')).toBe('7');
    expect(packets[0]?.body).toEqual([
      'support has 0 calls (max unlimited)',
      '   Members: ',
      '',
      '      PJSIP/1001 (Not in use)',
    ]);
    expect(packets[1]?.name).toBe('FullyBooted');
  });

  it.skipIf(!sharedDataAvailable())('parses every packet of the real captures', () => {
    const count = (file: string): Record<string, number> => {
      const packets = parseAll(readFileSync(sharedDataPath('ami-panoramisk', file), 'utf8'));
      const counts: Record<string, number> = {};
      for (const p of packets) counts[p.type] = (counts[p.type] ?? 0) + 1;
      return counts;
    };
    // 145 lines start with "Event:", plus 2 events whose line starts with a capture-gap mark;
    // 9 lines start with "Action:" but one is a header inside the UserEvent (line 687).
    expect(count('agent_loggued_in.yaml')).toEqual({ event: 147, response: 8, action: 8 });
    expect(count('agent_not_in_pause.yaml')).toEqual({ event: 61 });
    expect(count('originate_with_events.yaml')).toEqual({ event: 748, response: 1, action: 1 });
    expect(count('queue_status.yaml')).toEqual({ event: 8, response: 1 });
  });
});

describe('serializeAmiAction', () => {
  it('writes CRLF lines, leaves out undefined fields, ends with an empty line', () => {
    expect(
      serializeAmiAction('QueuePause', [
        ['Interface', 'PJSIP/1001'],
        ['Paused', true],
        ['Queue', undefined],
        ['ActionID', 'x-1'],
      ]),
    ).toBe('Action: QueuePause\r\nInterface: PJSIP/1001\r\nPaused: true\r\nActionID: x-1\r\n\r\n');
  });

  it('refuses a line break that would inject another action', () => {
    expect(() => serializeAmiAction('QueuePause', [['Reason', 'x\r\nAction: Logoff']])).toThrow(
      'AMI field Reason must not contain a line break',
    );
  });
});
