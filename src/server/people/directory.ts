/**
 * The people directory: an in-memory view of the register (people, teams, member names) for the
 * hot paths — the floor presenter (agent name, team, member names), scope checks (an agent's team)
 * and the live engine's alias map (member name → person id).
 *
 * The alias map is ONE `Map` object for the directory's whole life: the live engine (its floor
 * state and call reconstruction) holds a reference to it, and {@link PeopleDirectory.reload}
 * rewrites its contents in place (synchronously, so the engine never sees a half-written map). A
 * change in the register therefore applies to the events processed after the reload, without a
 * restart. Records already stored (queue-calls, agent segments) keep the agent id they were
 * stored with, and a floor row already created under a member name stays under it until the
 * agent's next state change brings the row of the person.
 */
import type { Db } from '../../db/database.js';
import { listMemberNames, listPeople, listTeams } from '../../db/people.repository.js';
import type { AgentInfo, AgentNames } from '../live/floor-presenter.js';

/** The directory (see the module docstring). */
export class PeopleDirectory implements AgentNames {
  private readonly aliasMap = new Map<string, string>();
  private agents = new Map<string, AgentInfo>();
  private names = new Map<string, string[]>();
  /** Reloads started, and the number of the one whose view is in use. */
  private reloads = 0;
  private applied = 0;

  /**
   * @param db where the register is
   * @param fileAliases the `--agents` alias file's map (member name → person), merged under the
   *   register (the register wins for a member name in both)
   */
  constructor(
    private readonly db: Db,
    private readonly fileAliases: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [k, v] of fileAliases) this.aliasMap.set(k, v);
  }

  /** A directory loaded from the database. */
  static async load(
    db: Db,
    fileAliases: ReadonlyMap<string, string> = new Map(),
  ): Promise<PeopleDirectory> {
    const directory = new PeopleDirectory(db, fileAliases);
    await directory.reload();
    return directory;
  }

  /**
   * Reads the register again. Call it after any change to people, teams or member names (the
   * people service does; other writers of those tables must too). The alias map object stays the
   * same; its contents are replaced at once.
   * @throws the database's error (the previous view stays in use)
   */
  async reload(): Promise<void> {
    const seq = ++this.reloads;
    const [people, teams, mappings] = await Promise.all([
      listPeople(this.db),
      listTeams(this.db),
      listMemberNames(this.db),
    ]);
    const teamNames = new Map(teams.map((t) => [t.id, t.name]));
    const agents = new Map<string, AgentInfo>();
    for (const p of people) {
      agents.set(p.id, {
        id: p.id,
        name: p.name,
        teamId: p.teamId,
        teamName: p.teamId === null ? null : (teamNames.get(p.teamId) ?? null),
      });
    }
    const merged = new Map(this.fileAliases);
    for (const m of mappings) merged.set(m.memberName, m.userId);
    const names = new Map<string, string[]>();
    for (const [memberName, userId] of [...merged].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      const list = names.get(userId) ?? [];
      list.push(memberName);
      names.set(userId, list);
    }
    // A reload started later (after a later change) wins, whichever finishes first.
    if (seq < this.applied) return;
    this.applied = seq;
    // From here on, synchronous: the engine sees the old or the new map, never a mix.
    this.agents = agents;
    this.names = names;
    this.aliasMap.clear();
    for (const [k, v] of merged) this.aliasMap.set(k, v);
  }

  /**
   * The person behind an agent id (a person id, or an unmapped member name), or null when the id
   * is not a person of the register.
   */
  agent(agentId: string): AgentInfo | null {
    return this.agents.get(agentId) ?? null;
  }

  /**
   * The member names an agent appears under (the merged alias map's, sorted), else the agent id
   * itself (an unmapped member name).
   */
  memberNames(agentId: string): readonly string[] {
    return this.names.get(agentId) ?? [agentId];
  }

  /**
   * Member name → person id: the `--agents` file merged with the register (register wins). The
   * same live Map object on every call: give it to the engine once.
   */
  aliases(): Map<string, string> {
    return this.aliasMap;
  }
}
