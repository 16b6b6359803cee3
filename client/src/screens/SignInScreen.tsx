import { useEffect, useState } from 'react';
import type { Me } from '@parley/shared';
import { ApiError, api } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { hashParam, navigate, useLocation } from '../router.tsx';

/**
 * One attempt per token for the life of the page: the token is single-use, so a second POST
 * (React's development double effects, a re-render) would fail and hide the first one's success.
 */
const attempts = new Map<string, Promise<Me>>();

type State = { kind: 'working' } | { kind: 'used' } | { kind: 'network'; message: string } | { kind: 'missing' };

/** `/signin#token=…`: exchanges the one-time token for a session cookie, then goes to `/`. */
export function SignInScreen() {
  const { hash } = useLocation();
  const token = hashParam(hash, 'token');
  const [state, setState] = useState<State>(token ? { kind: 'working' } : { kind: 'missing' });
  const [tryKey, setTryKey] = useState(0);
  useDocumentTitle('Signing in');

  useEffect(() => {
    if (!token) {
      setState({ kind: 'missing' });
      return;
    }
    let live = true;
    let attempt = attempts.get(token);
    if (!attempt) {
      attempt = api.signin(token);
      attempts.set(token, attempt);
    }
    attempt.then(
      () => {
        // Replace, so the used token does not stay in the history.
        if (live) navigate('/', { replace: true });
      },
      (error: unknown) => {
        attempts.delete(token);
        if (!live) return;
        if (error instanceof ApiError && error.code === 'network') setState({ kind: 'network', message: error.message });
        else setState({ kind: 'used' });
      },
    );
    return () => {
      live = false;
    };
  }, [token, tryKey]);

  if (state.kind === 'working') {
    return (
      <Shell narrow>
        <Loading label="Signing you in…" />
      </Shell>
    );
  }
  if (state.kind === 'network') {
    return (
      <Shell narrow>
        <PageHeading>We could not sign you in</PageHeading>
        <Notice tone="error">
          <p>{state.message}</p>
        </Notice>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setState({ kind: 'working' });
            setTryKey((k) => k + 1);
          }}
        >
          Try again
        </button>
      </Shell>
    );
  }
  return (
    <Shell narrow>
      <PageHeading>This sign-in link does not work</PageHeading>
      <Notice tone="error">
        <p>
          {state.kind === 'missing'
            ? 'This sign-in link is incomplete. Copy the whole link printed when the platform started, including the part after “#”.'
            : 'This sign-in link was already used or is not valid. Ask the platform’s administrator for a new one. (The administrator restarts Parley to get one, printed in the terminal.)'}
        </p>
      </Notice>
      <p>
        <a href="/">Go to the start page</a>
      </p>
    </Shell>
  );
}
