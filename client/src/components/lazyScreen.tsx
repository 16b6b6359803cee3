import { lazy, Suspense, type ComponentType, type ReactElement } from 'react';
import { Loading, Notice, PageHeading, Shell } from './Page.tsx';

/**
 * A screen whose code loads in its own chunk, on first use. The invitee's way in (the link page)
 * stays in the main bundle; the mediator's pages and the heavy session code do not, so a party on
 * a slow phone downloads and evaluates only what their page needs. A failed download is retried
 * three times (a weak network), then the page says so and offers a reload.
 */
export interface LazyScreen<P extends object> {
  Screen: (props: P) => ReactElement;
  /** Starts the download now (e.g. while the person reads), so showing it later does not wait. */
  preload(): void;
}

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>, fallback: { label?: string; narrow?: boolean } = {}): LazyScreen<P> {
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const once = (): Promise<{ default: ComponentType<P> }> => {
    pending ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return { default: await load() };
        } catch (error) {
          if (attempt >= 3) {
            console.warn('[parley] could not load this page’s code', error);
            pending = null; // let a later visit try again
            return { default: LoadFailed as ComponentType<P> };
          }
          await new Promise((r) => setTimeout(r, 1_000 * (attempt + 1)));
        }
      }
    })();
    return pending;
  };
  const Lazy = lazy(once);
  function Screen(props: P): ReactElement {
    return (
      <Suspense
        fallback={
          <Shell narrow={fallback.narrow}>
            <Loading label={fallback.label ?? 'Loading…'} />
          </Shell>
        }
      >
        <Lazy {...props} />
      </Suspense>
    );
  }
  return { Screen, preload: () => void once() };
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
