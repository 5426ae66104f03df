/**
 * React hooks shared by the pages: a ticking clock and the live floor.
 */
import { useEffect, useReducer, useState } from 'react';
import { LiveClient, type LiveStatus, type LiveTransport } from './live/live-client.js';
import { applyLiveMessage, EMPTY_FLOOR, type FloorState } from './model/floor-state.js';
import type { LiveMessage } from './model/types.js';

/**
 * The client clock, re-rendering every `periodMs` (default 1 s). Time-in-state and longest waits
 * count on the client from `since`, without asking the server.
 * @returns epoch ms
 */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}

/** The live floor and the channel's status. */
export interface LiveFloor {
  floor: FloorState;
  status: LiveStatus;
  transport: LiveTransport;
  /** True once a snapshot has arrived. */
  loaded: boolean;
}

type Action = { kind: 'message'; message: LiveMessage; at: number };

function reducer(
  state: FloorState & { loaded: boolean },
  action: Action,
): FloorState & { loaded: boolean } {
  const next = applyLiveMessage(state, action.message, action.at);
  return { ...next, loaded: state.loaded || action.message.type === 'snapshot' };
}

/**
 * Subscribes to `/api/live` (or its SSE twin) for the lifetime of the component; a change of
 * `view` reconnects (the wallboard sees the whole floor, the console the person's scope).
 */
export function useLiveFloor(view: 'console' | 'wallboard' = 'console'): LiveFloor {
  const [floor, dispatch] = useReducer(reducer, { ...EMPTY_FLOOR, loaded: false });
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [transport, setTransport] = useState<LiveTransport>('websocket');
  useEffect(() => {
    const client = new LiveClient(
      window.location.origin,
      {
        onMessage: (message) => dispatch({ kind: 'message', message, at: Date.now() }),
        onStatus: (s, t) => {
          setStatus(s);
          setTransport(t);
        },
      },
      view,
    );
    client.start();
    return () => client.close();
  }, [view]);
  return { floor, status, transport, loaded: floor.loaded };
}
