/**
 * What a principal may see of agent rows and customer numbers, for services that present data
 * (floor, reports, call lists). Wraps the core policy (`agentScope`, `inScope`, `can`,
 * `maskNumber`) with the server's knowledge of teams (`teamOf`, from the people directory).
 */
import { agentScope, can, inScope, maskNumber, type Principal } from '../../core/people/access.js';

/**
 * The team id of an agent id (person id; an unmapped member name → null). The people directory
 * gives it: `(id) => directory.agent(id)?.teamId ?? null`.
 */
export type TeamOf = (agentId: string) => string | null;

/** No teams known (every team-scoped principal sees no agents). */
export const NO_TEAMS: TeamOf = () => null;

/**
 * A predicate on agent ids: whether the principal's scope shows the agent. `null` (no agent, e.g.
 * an unanswered call) is shown only to `all` scopes.
 */
export function agentFilter(
  principal: Principal,
  teamOf: TeamOf,
): (agent: string | null) => boolean {
  const scope = agentScope(principal);
  if (scope.kind === 'all') return () => true;
  if (scope.kind === 'self') return (agent) => agent !== null && agent === scope.userId;
  const teams = new Map<string, string | null>();
  return (agent) => {
    if (agent === null) return false;
    let team = teams.get(agent);
    if (team === undefined) {
      team = teamOf(agent);
      teams.set(agent, team);
    }
    return inScope(scope, { id: agent, teamId: team });
  };
}

/** Whether the principal sees customer numbers unmasked (`customer.numbers`, X05). */
export function seesCustomerNumbers(principal: Principal): boolean {
  return can(principal, 'customer.numbers');
}

/** The number as the principal may see it: itself, or `maskNumber` of it. */
export function numberFor(principal: Principal): (value: string | null) => string | null {
  return seesCustomerNumbers(principal) ? (value) => value : maskNumber;
}
