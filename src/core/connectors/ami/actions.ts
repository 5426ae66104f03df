/**
 * AMI action builders (pure): each returns the action name and its fields in wire order, ready for
 * {@link serializeAmiAction} plus an `ActionID` added by the client.
 *
 * Field names are those of the AMI action documentation (docs.asterisk.org "AMI Actions":
 * Login, Logoff, Ping, QueueStatus, QueuePause, QueueRemove, Originate) and the ChanSpy
 * application's options (docs.asterisk.org "Dialplan Applications / ChanSpy").
 */

/** An action before its ActionID: name plus ordered fields (`undefined` fields are left out). */
export interface AmiAction {
  readonly action: string;
  readonly fields: ReadonlyArray<readonly [string, string | undefined]>;
}

/** `Login` with `Events: on` (all events the manager user's read permission allows). */
export function loginAction(username: string, secret: string): AmiAction {
  return {
    action: 'Login',
    fields: [
      ['Username', username],
      ['Secret', secret],
      ['Events', 'on'],
    ],
  };
}

/** `QueueStatus` for every queue (or one `queue`): answered by QueueParams/QueueMember/QueueEntry events. */
export function queueStatusAction(queue?: string): AmiAction {
  return { action: 'QueueStatus', fields: [['Queue', queue]] };
}

/** `Ping` (keep-alive; answered by `Response: Success`, `Ping: Pong`). */
export function pingAction(): AmiAction {
  return { action: 'Ping', fields: [] };
}

/** `Logoff`. */
export function logoffAction(): AmiAction {
  return { action: 'Logoff', fields: [] };
}

/**
 * `QueuePause`: pauses (`paused = true`) or unpauses a member.
 * @param iface the member's interface (`Interface`, e.g. `PJSIP/1001`, `Local/id-9@agentcallback`)
 * @param queue one queue, or `undefined` for every queue of the member
 * @param reason pause reason (`Reason`, written to queue_log's PAUSE and AMI's PausedReason)
 * @throws Error when `iface` is empty
 */
export function queuePauseAction(
  iface: string,
  paused: boolean,
  options: { queue?: string | undefined; reason?: string | undefined } = {},
): AmiAction {
  requireText('Interface', iface);
  return {
    action: 'QueuePause',
    fields: [
      ['Interface', iface],
      ['Paused', paused ? 'true' : 'false'],
      ['Queue', options.queue],
      ['Reason', options.reason],
    ],
  };
}

/**
 * `QueueRemove`: removes a dynamic member from a queue (both fields are required by Asterisk).
 * @throws Error when `queue` or `iface` is empty
 */
export function queueRemoveAction(queue: string, iface: string): AmiAction {
  requireText('Queue', queue);
  requireText('Interface', iface);
  return {
    action: 'QueueRemove',
    fields: [
      ['Queue', queue],
      ['Interface', iface],
    ],
  };
}

/** Supervisor monitoring modes and their ChanSpy options. */
export type SpyMode = 'listen' | 'whisper' | 'barge';

/**
 * ChanSpy options per mode (ChanSpy docs): `q` = no beep / no channel name announcement (used by
 * every mode so the agent and caller hear nothing); `w` = whisper mode, the spy talks to the
 * spied-on channel (the agent) only; `B` = barge, the spy talks to both channels of the call.
 * Listen is `q` alone (listen-only is ChanSpy's default).
 */
export const SPY_OPTIONS: Readonly<Record<SpyMode, string>> = {
  listen: 'q',
  whisper: 'qw',
  barge: 'qB',
};

/**
 * `Originate` that rings the supervisor's own phone and, once answered, runs
 * `ChanSpy(<agentChannel>,<options>)` on it.
 *
 * @param supervisorChannel the supervisor's phone to ring (`Channel`, e.g. `PJSIP/2001`)
 * @param agentChannel the channel prefix to spy on (ChanSpy `chanprefix`, e.g. `PJSIP/1001`);
 *   a prefix matches `PJSIP/1001-0000002a`
 * @param mode listen, whisper or barge ({@link SPY_OPTIONS})
 * @param callerId caller ID shown on the supervisor's phone (default `Spy <agentChannel>`)
 * @throws Error on an empty channel or a channel containing `,` (ChanSpy's argument separator)
 */
export function spyOriginateAction(
  supervisorChannel: string,
  agentChannel: string,
  mode: SpyMode,
  options: { callerId?: string; timeoutMs?: number } = {},
): AmiAction {
  requireText('Channel', supervisorChannel);
  requireText('agent channel', agentChannel);
  if (agentChannel.includes(',') || agentChannel.includes('|')) {
    throw new Error(`agent channel must not contain "," or "|": ${JSON.stringify(agentChannel)}`);
  }
  return {
    action: 'Originate',
    fields: [
      ['Channel', supervisorChannel],
      ['Application', 'ChanSpy'],
      ['Data', `${agentChannel},${SPY_OPTIONS[mode]}`],
      ['CallerID', options.callerId ?? `Spy <${agentChannel}>`],
      ['Timeout', String(options.timeoutMs ?? 30_000)],
      ['Async', 'true'],
    ],
  };
}

function requireText(field: string, value: string): void {
  if (value.trim() === '') throw new Error(`AMI field ${field} must not be empty`);
}
