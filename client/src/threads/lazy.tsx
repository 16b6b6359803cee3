import { lazy, Suspense, type ComponentProps } from 'react';
import { Loading, Shell } from '../components/Page.tsx';
import type { MediatorMessagesScreen as MediatorMessagesScreenT, StandaloneThreads as StandaloneThreadsT } from './Standalone.tsx';

/**
 * The threads code brings socket.io with it; pages that only sometimes show messages (the
 * invitation page, the mediator's case pages) load it on demand, in its own chunk.
 */
const load = () => import('./Standalone.tsx');
const LazyStandalone = lazy(async () => ({ default: (await load()).StandaloneThreads }));
const LazyMediatorMessages = lazy(async () => ({ default: (await load()).MediatorMessagesScreen }));

export function StandaloneThreads(props: ComponentProps<typeof StandaloneThreadsT>) {
  return (
    <Suspense fallback={<Loading label="Opening your messages…" />}>
      <LazyStandalone {...props} />
    </Suspense>
  );
}

export function MediatorMessagesScreen(props: ComponentProps<typeof MediatorMessagesScreenT>) {
  return (
    <Suspense
      fallback={
        <Shell>
          <Loading label="Loading…" />
        </Shell>
      }
    >
      <LazyMediatorMessages {...props} />
    </Suspense>
  );
}
