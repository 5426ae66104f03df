/**
 * Live floor engine throughput: replays a synthetic queue_log stream (many agents, several queues,
 * wrap-up on) through the parser + sequencer alone (baseline) and through parser + sequencer +
 * FloorState, and prints events/s and the ratio. Run: `npx tsx bench/floor-bench.ts [events]`.
 */
import { FloorState } from '../src/core/floor/floor-state.js';
import { parseQueueLogLine } from '../src/core/telephony/queue-log.js';
import { EventSequencer } from '../src/core/telephony/sequencer.js';

function syntheticLines(count: number, agents: number, queues: number): string[] {
  const lines: string[] = [];
  let t = 1767225600;
  let call = 0;
  for (let a = 0; a < agents; a++) {
    lines.push(`${t}|MANAGER|q${a % queues}|PJSIP/${1000 + a}|ADDMEMBER|`);
  }
  while (lines.length < count) {
    t += 1;
    const id = `${t}.${call++}`;
    const q = `q${call % queues}`;
    const agent = `PJSIP/${1000 + (call % agents)}`;
    lines.push(`${t}|${id}|${q}|NONE|ENTERQUEUE||0912000000|1`);
    lines.push(`${t + 5}|${id}|${q}|${agent}|RINGNOANSWER|5000`);
    lines.push(`${t + 9}|${id}|${q}|${agent}|CONNECT|9|b|4`);
    lines.push(`${t + 99}|${id}|${q}|${agent}|COMPLETEAGENT|9|90|1`);
    if (call % 7 === 0) {
      lines.push(`${t + 120}|NONE|${q}|${agent}|PAUSE|Break`);
      lines.push(`${t + 400}|NONE|${q}|${agent}|UNPAUSE|`);
    }
  }
  return lines;
}

function run(lines: readonly string[], floor: FloorState | null): number {
  const start = process.hrtime.bigint();
  const sequencer = new EventSequencer(300, (event) => {
    if (floor !== null) floor.apply(event);
  });
  for (const line of lines) {
    const parsed = parseQueueLogLine(line);
    if (parsed.ok) sequencer.push(parsed.event, line);
  }
  sequencer.flush();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const count = Number(process.argv[2] ?? 500_000);
const lines = syntheticLines(count, 300, 6);
run(lines.slice(0, 20_000), null); // warm-up
const base = run(lines, null);
const floor = new FloorState({ wrapUpSeconds: 30 });
const withFloor = run(lines, floor);
const viewStart = process.hrtime.bigint();
const view = floor.view(Date.now());
const viewMs = Number(process.hrtime.bigint() - viewStart) / 1e6;
const snapStart = process.hrtime.bigint();
const snapshotBytes = JSON.stringify(floor.snapshot()).length;
const snapMs = Number(process.hrtime.bigint() - snapStart) / 1e6;
console.log(`lines: ${lines.length}, agents: ${view.agents.length}, queues: ${view.queues.length}`);
console.log(
  `baseline parse+sequence: ${(lines.length / base).toFixed(0)} lines/s (${base.toFixed(2)} s)`,
);
console.log(
  `with FloorState.apply:   ${(lines.length / withFloor).toFixed(0)} lines/s (${withFloor.toFixed(2)} s), ratio ${(withFloor / base).toFixed(2)}x`,
);
console.log(
  `view(now): ${viewMs.toFixed(1)} ms; snapshot JSON: ${snapshotBytes} bytes in ${snapMs.toFixed(1)} ms`,
);
