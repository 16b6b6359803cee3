import { useSyncExternalStore } from 'react';
import type { SessionClient } from './SessionClient.ts';
import type { SessionState } from './store.ts';

/** The whole session state; components derive what they need during render. */
export function useSessionState(client: SessionClient): SessionState {
  return useSyncExternalStore(client.store.subscribe, client.store.getSnapshot);
}
