import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionCredentials } from '../session/Signalling.ts';
import type { ThreadsSelf, ThreadsState } from './state.ts';
import { ThreadsClient } from './ThreadsClient.ts';

export function useThreadsState(client: ThreadsClient): ThreadsState {
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/**
 * One ThreadsClient (and its socket) for as long as the calling component is mounted, from the
 * moment `enabled` is first true. `self` may arrive later (in a live session it is known after joining).
 */
export function useThreadsClient(credentials: SessionCredentials, self: ThreadsSelf | null, enabled = true): ThreadsClient | null {
  const [client, setClient] = useState<ThreadsClient | null>(null);
  const key = credentials.kind === 'invitee' ? `i:${credentials.token}` : `m:${credentials.caseId}`;
  useEffect(() => {
    if (!enabled) return;
    const c = new ThreadsClient(credentials, self);
    setClient(c);
    c.start();
    return () => c.close();
    // One client per set of credentials; self is passed on below. Once enabled it stays.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  const selfId = self?.id ?? null;
  const selfRole = self?.role ?? null;
  useEffect(() => {
    client?.setSelf(selfId && selfRole ? { id: selfId, role: selfRole } : null);
  }, [client, selfId, selfRole]);
  return client;
}
