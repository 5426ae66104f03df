/**
 * Supervisor actions of the floor console (issue #6 part 2): who may see the buttons and the
 * requests they send (`POST /api/agents/:agent/{pause,logoff,spy}`). Pure functions.
 */

/** What the signed-in principal may do and its CSRF token (`GET /api/auth/me`). */
export interface Access {
  readonly permissions: readonly string[];
  /** Needed on cookie-authenticated writes (`x-csrf-token`); null for token callers. */
  readonly csrfToken: string | null;
}

/** Nobody signed in (or an older server without sign-in). */
export const NO_ACCESS: Access = { permissions: [], csrfToken: null };

/** A supervisor action on one agent. */
export type SupervisorAction =
  | { readonly kind: 'pause'; readonly reason: string }
  | { readonly kind: 'unpause' }
  | { readonly kind: 'logoff' }
  | { readonly kind: 'spy'; readonly mode: 'listen' | 'whisper' | 'barge' };

/**
 * Whether the action buttons show: the role has `agents.control` and a connector that carries
 * actions to the PBX (AMI or FreeSWITCH) is configured. queue_log and the demo floor cannot pause
 * or call anyone, so there the buttons would only fail.
 */
export function canControlAgents(
  access: Access,
  sources: readonly { kind: string }[] | undefined,
): boolean {
  return (
    access.permissions.includes('agents.control') &&
    (sources ?? []).some((s) => s.kind === 'ami' || s.kind === 'freeswitch')
  );
}

/**
 * The request of an action.
 * @param agent the floor's agent id
 * @returns the URL (agent id escaped) and the JSON body
 */
export function actionRequest(
  agent: string,
  action: SupervisorAction,
): { url: string; body: Record<string, unknown> } {
  const base = `/api/agents/${encodeURIComponent(agent)}`;
  switch (action.kind) {
    case 'pause': {
      const reason = action.reason.trim();
      return {
        url: `${base}/pause`,
        body: reason === '' ? { paused: true } : { paused: true, reason },
      };
    }
    case 'unpause':
      return { url: `${base}/pause`, body: { paused: false } };
    case 'logoff':
      return { url: `${base}/logoff`, body: {} };
    case 'spy':
      return { url: `${base}/spy`, body: { mode: action.mode } };
  }
}
