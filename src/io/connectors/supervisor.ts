/**
 * Supervisor actions at the packet level (issue 6 part 2). They take plain arguments and return
 * the PBX's answer; permission checks and the audit trail belong to the server.
 *
 * Asterisk: `QueuePause`, `QueueRemove` and an `Originate` of `ChanSpy` to the supervisor's own
 * phone (docs.asterisk.org AMI actions; ChanSpy options `q`, `w`, `B`). FreeSWITCH:
 * `callcenter_config agent set status <agent> '<status>'` (mod_callcenter docs).
 */
import {
  queuePauseAction,
  queueRemoveAction,
  spyOriginateAction,
  type SpyMode,
} from '../../core/connectors/ami/actions.js';
import type { AmiActionSender, AmiResult } from './ami-source.js';
import type { EslApiSender } from './freeswitch-source.js';

/**
 * Pauses or unpauses a queue member (`QueuePause`).
 * @param target `iface` = the member's interface; `queue` omitted = every queue of the member
 * @returns the AMI result (`ok: false` with Asterisk's `message` when refused)
 * @throws Error when not connected or on timeout
 */
export function pauseMember(
  ami: AmiActionSender,
  target: { iface: string; paused: boolean; queue?: string; reason?: string },
): Promise<AmiResult> {
  return ami.sendAction(
    queuePauseAction(target.iface, target.paused, { queue: target.queue, reason: target.reason }),
  );
}

/** Removes a dynamic member from a queue (`QueueRemove`). Errors as {@link pauseMember}. */
export function removeMember(
  ami: AmiActionSender,
  queue: string,
  iface: string,
): Promise<AmiResult> {
  return ami.sendAction(queueRemoveAction(queue, iface));
}

/**
 * Rings the supervisor's phone and connects it to ChanSpy on the agent's channel: listen
 * (`q`), whisper to the agent (`qw`) or barge into the call (`qB`).
 * Errors as {@link pauseMember}; an empty channel throws before anything is sent.
 */
export function spyOnAgent(
  ami: AmiActionSender,
  request: { supervisorChannel: string; agentChannel: string; mode: SpyMode; callerId?: string },
): Promise<AmiResult> {
  const options = request.callerId === undefined ? {} : { callerId: request.callerId };
  return ami.sendAction(
    spyOriginateAction(request.supervisorChannel, request.agentChannel, request.mode, options),
  );
}

/** mod_callcenter agent statuses a supervisor may set. */
export type CallcenterStatus = 'Available' | 'On Break' | 'Logged Out';

/**
 * Sets a mod_callcenter agent's status: `api callcenter_config agent set status <agent> '<status>'`.
 * @param agent agent name as configured (e.g. `1001@default`); no spaces or quotes
 * @returns the command output (`+OK` on success)
 * @throws Error on a bad agent name, when not connected, or when FreeSWITCH answers `-ERR`
 */
export function setAgentStatus(
  fs: EslApiSender,
  agent: string,
  status: CallcenterStatus,
): Promise<string> {
  if (!/^[^\s'"]+$/.test(agent)) {
    return Promise.reject(
      new Error(`agent name must be non-empty without spaces or quotes: ${JSON.stringify(agent)}`),
    );
  }
  return fs.api(`callcenter_config agent set status ${agent} '${status}'`);
}
