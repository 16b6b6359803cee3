import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';
import { Loading, Notice, PageHeading, Shell } from '../components/Page.tsx';
import type { SessionFlow as SessionFlowType } from './SessionFlow.tsx';

/**
 * The session code (mediasoup-client, socket.io) is the heaviest part of the app. It loads in its
 * own chunk so the welcome and agreement pages appear quickly on a slow phone; `preloadSession()`
 * fetches it in the background while the person reads.
 */

type Props = ComponentProps<typeof SessionFlowType>;

let pending: Promise<{ default: ComponentType<Props> }> | null = null;

function load(): Promise<{ default: ComponentType<Props> }> {
  pending ??= (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        const m = await import('./SessionFlow.tsx');
        return { default: m.SessionFlow };
      } catch (error) {
        if (attempt >= 3) {
          console.warn('[parley] could not load the session code', error);
          pending = null; // let a later visit try again
          return { default: LoadFailed };
        }
        await new Promise((r) => setTimeout(r, 1_000 * (attempt + 1)));
      }
    }
  })();
  return pending;
}

export function preloadSession(): void {
  void load();
}

const LazyFlow = lazy(load);

export function SessionFlow(props: Props) {
  return (
    <Suspense
      fallback={
        <Shell narrow>
          <Loading label="Loading…" />
        </Shell>
      }
    >
      <LazyFlow {...props} />
    </Suspense>
  );
}

function LoadFailed() {
  return (
    <Shell narrow>
      <PageHeading>This page did not load completely</PageHeading>
      <Notice tone="error">
        <p>Your connection may be weak or interrupted. Check it, then reload this page.</p>
      </Notice>
      <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </Shell>
  );
}
