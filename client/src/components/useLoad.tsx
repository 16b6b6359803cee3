import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isAbort, messageOf } from '../api.ts';
import { Link } from '../router.tsx';
import { readInvitationToken } from '../invitationToken.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from './Page.tsx';

/**
 * Calls `tick` now and then every `ms` while the tab is visible (and once more when it becomes
 * visible again): a page nobody looks at does not poll. `tick` gets a signal that fires on unmount.
 */
export function usePolling(tick: (signal: AbortSignal) => void | Promise<void>, ms: number, key: unknown): void {
  const ref = useRef(tick);
  ref.current = tick;
  useEffect(() => {
    const ctrl = new AbortController();
    let busy = false;
    const run = async () => {
      if (busy || ctrl.signal.aborted || document.visibilityState === 'hidden') return;
      busy = true;
      try {
        await ref.current(ctrl.signal);
      } finally {
        busy = false;
      }
    };
    void run();
    const timer = window.setInterval(() => void run(), ms);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void run();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      ctrl.abort();
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [ms, key]);
}

/** What a mediator page that loads one thing from the API can be showing. */
export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; data: T; stale: boolean }
  | { kind: 'signed-out' }
  | { kind: 'not-found' }
  | { kind: 'error'; message: string };

/**
 * Loads `fetcher` once, or every `pollMs` while visible. A failed poll keeps what is shown and
 * marks it stale instead of replacing the page with an error.
 */
export function useLoad<T>(fetcher: (signal: AbortSignal) => Promise<T>, opts: { key: unknown; pollMs?: number }) {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const fetchRef = useRef(fetcher);
  fetchRef.current = fetcher;

  const load = useCallback(async (signal: AbortSignal) => {
    try {
      const data = await fetchRef.current(signal);
      if (!signal.aborted) setState({ kind: 'ready', data, stale: false });
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
      else if (error instanceof ApiError && (error.status === 404 || error.code === 'not_found')) setState({ kind: 'not-found' });
      else setState((prev) => (prev.kind === 'ready' ? { ...prev, stale: true } : { kind: 'error', message: messageOf(error) }));
    }
  }, []);

  // Once, when not polling; polling is a no-op interval-wise then.
  usePolling(load, opts.pollMs ?? 2 ** 31 - 1, opts.key);

  const reload = useCallback(() => load(new AbortController().signal), [load]);
  const set = useCallback((data: T) => setState({ kind: 'ready', data, stale: false }), []);
  return { state, reload, set };
}

/**
 * The page for every state but `ready`: loading, not signed in as a mediator, not found (or
 * someone else's case: the API does not say which), or an error with "Try again".
 */
export function LoadStatus({ state, what, onRetry }: { state: Exclude<Loaded<unknown>, { kind: 'ready' }>; what: string; onRetry: () => void }) {
  if (state.kind === 'loading') {
    return (
      <Shell>
        <Loading label={`Loading ${what}…`} />
      </Shell>
    );
  }
  if (state.kind === 'signed-out') return <MediatorOnly />;
  if (state.kind === 'not-found') {
    return (
      <Shell narrow>
        <PageHeading>This is not one of your cases</PageHeading>
        <p className="lead">This case belongs to someone else, or it no longer exists.</p>
        <p>Check that the address is complete, or open the case from your list.</p>
        <p>
          <Link to="/" className="button button-primary">
            Go to your cases
          </Link>
        </p>
      </Shell>
    );
  }
  return (
    <Shell narrow>
      <PageHeading>{`We could not load ${what}`}</PageHeading>
      <Notice tone="error">
        <p>{state.message}</p>
      </Notice>
      <div className="button-row">
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
        <Link to="/">Back to your cases</Link>
      </div>
    </Shell>
  );
}

/**
 * A mediator page opened without a mediator sign-in. Most often a party or an assessor who opened
 * an address meant for the mediator: they need their own invitation link, not the platform's
 * sign-in (the start page explains that one, for the mediator).
 */
function MediatorOnly() {
  useDocumentTitle('This page is for the mediator');
  // Same tab as their invitation: one click back to it.
  const hasInvitation = readInvitationToken() !== null;
  return (
    <Shell narrow>
      <PageHeading>This page is for the mediator</PageHeading>
      <p className="lead">Only the mediator of a case can open this page.</p>
      <Notice tone="info" title="Were you invited to a mediation?">
        <p>
          Open the personal link from your invitation: the e-mail or message the mediator sent you. You do not need to
          sign in.
        </p>
        {hasInvitation ? (
          <p>
            <Link to="/join" className="button button-primary">
              Go to your invitation
            </Link>
          </p>
        ) : null}
      </Notice>
      <p className="muted">
        Are you the mediator? Sign in, then open this page again. <Link to="/">How to sign in</Link>
      </p>
    </Shell>
  );
}
