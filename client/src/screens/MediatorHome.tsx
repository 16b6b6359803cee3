import { useCallback, useEffect, useState } from 'react';
import type { CaseSummary, Me } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { formatDate } from '../format.ts';
import { Link } from '../router.tsx';
import { NewCaseForm } from './NewCaseForm.tsx';
import { SignOutButton } from './SignOutButton.tsx';

type HomeState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; me: Me; cases: CaseSummary[] };

/** `/`: the signed-in mediator's cases and the "New case" form; otherwise how to sign in. */
export function MediatorHome() {
  const [state, setState] = useState<HomeState>({ kind: 'loading' });
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    (async () => {
      try {
        const me = await api.me(ctrl.signal);
        const { cases } = await api.listCases(ctrl.signal);
        setState({ kind: 'ready', me, cases });
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
        else setState({ kind: 'error', message: messageOf(error) });
      }
    })();
    return () => ctrl.abort();
  }, [reloadKey]);

  const retry = useCallback(() => {
    setState({ kind: 'loading' });
    setReloadKey((k) => k + 1);
  }, []);

  useDocumentTitle(state.kind === 'signed-out' ? 'Sign in' : state.kind === 'ready' ? 'Your cases' : '');

  if (state.kind === 'loading') {
    return (
      <Shell narrow>
        <Loading label="Loading…" />
      </Shell>
    );
  }
  if (state.kind === 'signed-out') return <SignedOut />;
  if (state.kind === 'error') {
    return (
      <Shell narrow>
        <PageHeading>Your cases</PageHeading>
        <Notice tone="error" title="We could not load your cases.">
          <p>{state.message}</p>
        </Notice>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </Shell>
    );
  }

  const { me, cases } = state;
  return (
    <Shell actions={<SignOutButton name={me.mediator.displayName} onSignedOut={retry} />}>
      <PageHeading>Your cases</PageHeading>
      {cases.length === 0 ? (
        <p className="muted">You have no cases yet. Create your first case with the form below.</p>
      ) : (
        <ul className="case-list">
          {cases.map((c) => (
            <li key={c.id} className="case-item">
              <Link to={`/cases/${encodeURIComponent(c.id)}`} className="case-link">
                {c.title}
              </Link>
              <span className="case-meta">
                <ConsentProgress consented={c.consentedCount} total={c.participantCount} />
                <span className="muted"> · Created {formatDate(c.createdAt)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <NewCaseForm />
    </Shell>
  );
}

function ConsentProgress({ consented, total }: { consented: number; total: number }) {
  const all = total > 0 && consented >= total;
  return (
    <span className={all ? 'badge badge-ok' : 'badge'}>
      {consented} of {total} consented
    </span>
  );
}

function SignedOut() {
  return (
    <Shell narrow>
      <PageHeading>Sign in to Parley</PageHeading>
      <p className="lead">Sign in with the one-time link printed when the platform started.</p>
      <ol className="steps">
        <li>Look at the terminal (or the server log) where Parley was started.</li>
        <li>
          Find the line with a link that ends in <code>/signin#token=…</code>.
        </li>
        <li>Open that link in this browser. You will come straight back here, signed in.</li>
      </ol>
      <p className="muted">
        Each sign-in link works only once. If yours was already used, restart Parley to print a new one.
      </p>
      <p className="muted">
        Invited to a mediation? Open the personal link the mediator sent you instead; you do not need to sign
        in.
      </p>
    </Shell>
  );
}
