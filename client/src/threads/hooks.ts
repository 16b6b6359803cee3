import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionCredentials } from '../session/Signalling.ts';
import type { ThreadsSelf, ThreadsState } from './state.ts';
import { ThreadsClient } from './ThreadsClient.ts';

export function useThreadsState(client: ThreadsClient): ThreadsState {
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/**
 * One ThreadsClient (and its socket) for as long as the calling component is mounted.
 * `self` may arrive later (in a live session it is known after joining).
 */
export function useThreadsClient(credentials: SessionCredentials, self: ThreadsSelf | null): ThreadsClient | null {
  const [client, setClient] = useState<ThreadsClient | null>(null);
  const key = credentials.kind === 'invitee' ? `i:${credentials.token}` : `m:${credentials.caseId}`;
  useEffect(() => {
    const c = new ThreadsClient(credentials, self);
    setClient(c);
    c.start();
    return () => c.close();
    // One client per set of credentials; self is passed on below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const selfId = self?.id ?? null;
  const selfRole = self?.role ?? null;
  useEffect(() => {
    client?.setSelf(selfId && selfRole ? { id: selfId, role: selfRole } : null);
  }, [client, selfId, selfRole]);
  return client;
}
