/**
 * Supervisor actions on agents (issue #6 part 2, norm S4): pause / unpause with a reason, log off,
 * and listen / whisper / barge on the supervisor's own phone, sent through the live connectors.
 *
 * - Asterisk AMI first (QueuePause / QueueRemove / Originate of ChanSpy), addressing each of the
 *   agent's member names by the interface AMI reported for it (`AmiEventMapper.interfaceOf`).
 * - FreeSWITCH for pause and log-off when AMI is not configured: `callcenter_config agent set
 *   status <member> 'On Break' | 'Available' | 'Logged Out'` (mod_callcenter has no pause reason
 *   and no per-queue pause: the status is the agent's).
 * - Errors ({@link AppError}): 404 `not_found` for an agent not on the floor; 503 `unavailable`
 *   when no connector is configured or it is down; 409 `conflict` when the action cannot be sent
 *   (no interface known for the agent, spy without AMI, no queue to log off from) or the PBX
 *   refused it (its message is given).
 *
 * Permission and scope checks and the audit entry belong to the routes.
 */
import type { SpyMode } from '../../core/connectors/ami/actions.js';
import type { FloorState } from '../../core/floor/floor-state.js';
import type { AmiSource } from '../../io/connectors/ami-source.js';
import type { FreeSwitchSource } from '../../io/connectors/freeswitch-source.js';
import {
  pauseMember,
  removeMember,
  setAgentStatus,
  spyOnAgent,
  type CallcenterStatus,
} from '../../io/connectors/supervisor.js';
import { AppError } from '../errors.js';
import type { ConnectorRegistry } from '../ingest/connectors.js';

/** One packet/command sent and the PBX's answer. */
export interface SentAction {
  /** `QueuePause`, `QueueRemove`, `Originate`, `callcenter_config`. */
  readonly action: string;
  /** Member name acted on. */
  readonly member: string;
  /** Interface (AMI) or agent name (FreeSWITCH) addressed. */
  readonly target: string;
  readonly queue: string | null;
  /** The PBX's message (AMI `Message`, FreeSWITCH output), trimmed. */
  readonly message: string;
}

/** Result of an action: the connector used and what was sent. */
export interface ActionResult {
  readonly connector: 'ami' | 'freeswitch';
  readonly actions: SentAction[];
}

/** The agent as the floor knows it. */
export interface FloorAgentRef {
  readonly agent: string;
  readonly memberNames: readonly string[];
}

/** The service (see the module doc). */
export class SupervisorService {
  /**
   * @param connectors the running connectors
   * @param floor the live floor now (null before the ingest started)
   */
  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly floor: () => FloorState | null,
  ) {}

  /**
   * The agent on the floor.
   * @throws AppError not_found when the floor has no such agent
   */
  agent(agent: string): FloorAgentRef {
    const floor = this.floor();
    if (floor === null || !floor.agentIds().includes(agent)) {
      throw new AppError('not_found', `agent ${agent} is not on the floor`, 'agent');
    }
    const view = floor.agentView(agent, Date.now());
    return { agent, memberNames: view.memberNames.length > 0 ? view.memberNames : [agent] };
  }

  /**
   * Pauses (with a reason) or unpauses the agent in one queue or all of them.
   * @throws AppError (see the module doc)
   */
  async pause(
    ref: FloorAgentRef,
    request: { paused: boolean; reason?: string | undefined; queue?: string | undefined },
  ): Promise<ActionResult> {
    const ami = this.connectors.ami;
    if (ami !== null) {
      const up = this.amiUp(ami);
      const actions: SentAction[] = [];
      for (const [member, iface] of this.interfaces(up, ref)) {
        const result = await this.send(() =>
          pauseMember(up, {
            iface,
            paused: request.paused,
            ...(request.queue === undefined ? {} : { queue: request.queue }),
            ...(request.reason === undefined || !request.paused ? {} : { reason: request.reason }),
          }),
        );
        if (!result.ok) throw refused('QueuePause', member, result.message);
        actions.push({
          action: 'QueuePause',
          member,
          target: iface,
          queue: request.queue ?? null,
          message: result.message,
        });
      }
      return { connector: 'ami', actions };
    }
    return this.callcenterStatus(ref, request.paused ? 'On Break' : 'Available');
  }

  /**
   * Logs the agent off: removes it from one queue or every queue AMI lists it in (QueueRemove),
   * or sets its mod_callcenter status to `Logged Out`.
   * @throws AppError (see the module doc)
   */
  async logoff(ref: FloorAgentRef, request: { queue?: string | undefined }): Promise<ActionResult> {
    const ami = this.connectors.ami;
    if (ami !== null) {
      const up = this.amiUp(ami);
      const members = up.members();
      const actions: SentAction[] = [];
      for (const [member, iface] of this.interfaces(up, ref)) {
        const queues =
          request.queue !== undefined
            ? [request.queue]
            : members.filter((m) => m.agent === member).map((m) => m.queue);
        for (const queue of queues) {
          const result = await this.send(() => removeMember(up, queue, iface));
          if (!result.ok) throw refused('QueueRemove', member, result.message);
          actions.push({
            action: 'QueueRemove',
            member,
            target: iface,
            queue,
            message: result.message,
          });
        }
      }
      if (actions.length === 0) {
        throw new AppError(
          'conflict',
          `agent ${ref.agent} is in no queue AMI knows of; give "queue"`,
          'queue',
        );
      }
      return { connector: 'ami', actions };
    }
    return this.callcenterStatus(ref, 'Logged Out');
  }

  /**
   * Rings the supervisor's phone and connects it to ChanSpy on the agent's interface.
   * @param supervisorChannel a dialable channel (`PJSIP/2001`)
   * @throws AppError (see the module doc)
   */
  async spy(ref: FloorAgentRef, mode: SpyMode, supervisorChannel: string): Promise<ActionResult> {
    const ami = this.connectors.ami;
    if (ami === null) {
      throw new AppError(
        this.connectors.freeswitch === null ? 'unavailable' : 'conflict',
        'listen, whisper and barge need the Asterisk AMI connector (serve --ami)',
      );
    }
    const up = this.amiUp(ami);
    const [first] = this.interfaces(up, ref);
    if (first === undefined) throw noInterface(ref);
    const [member, iface] = first;
    const result = await this.send(() =>
      spyOnAgent(up, { supervisorChannel, agentChannel: iface, mode }),
    );
    if (!result.ok) throw refused('Originate', member, result.message);
    return {
      connector: 'ami',
      actions: [
        { action: 'Originate', member, target: iface, queue: null, message: result.message },
      ],
    };
  }

  private async callcenterStatus(
    ref: FloorAgentRef,
    status: CallcenterStatus,
  ): Promise<ActionResult> {
    const fs = this.connectors.freeswitch;
    if (fs === null) {
      throw new AppError(
        'unavailable',
        'no telephony connector is configured for supervisor actions (serve --ami or --freeswitch)',
      );
    }
    this.freeswitchUp(fs);
    const actions: SentAction[] = [];
    for (const member of ref.memberNames) {
      let output: string;
      try {
        output = await setAgentStatus(fs, member, status);
      } catch (error) {
        throw refused('callcenter_config', member, (error as Error).message);
      }
      if (output.trim().startsWith('-ERR')) throw refused('callcenter_config', member, output);
      actions.push({
        action: 'callcenter_config',
        member,
        target: member,
        queue: null,
        message: output.trim(),
      });
    }
    return { connector: 'freeswitch', actions };
  }

  /** The agent's member names with a known interface. @throws AppError conflict when none */
  private interfaces(ami: AmiSource, ref: FloorAgentRef): [string, string][] {
    const out: [string, string][] = [];
    for (const member of ref.memberNames) {
      const iface = ami.mapper.interfaceOf(member);
      if (iface !== null) out.push([member, iface]);
    }
    if (out.length === 0) throw noInterface(ref);
    return out;
  }

  private amiUp(ami: AmiSource): AmiSource {
    if (!ami.connected) {
      const error = ami.health().error;
      throw new AppError(
        'unavailable',
        `the AMI connection ${ami.name} is down${error === null ? '' : `: ${error}`}; retry later`,
      );
    }
    return ami;
  }

  private freeswitchUp(fs: FreeSwitchSource): void {
    if (!fs.connected) {
      const error = fs.health().error;
      throw new AppError(
        'unavailable',
        `the FreeSWITCH connection ${fs.name} is down${error === null ? '' : `: ${error}`}; retry later`,
      );
    }
  }

  /** Sends, turning a dropped connection or a timeout into 503. */
  private async send<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new AppError('unavailable', (error as Error).message);
    }
  }
}

function noInterface(ref: FloorAgentRef): AppError {
  return new AppError(
    'conflict',
    `AMI has not reported the interface of agent ${ref.agent} (${ref.memberNames.join(', ')}) yet`,
    'agent',
  );
}

function refused(action: string, member: string, message: string): AppError {
  return new AppError(
    'conflict',
    `the PBX refused ${action} for ${member}: ${message.trim() || 'no reason given'}`,
  );
}
