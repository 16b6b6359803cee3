import { useEffect, useState } from 'react';
import { type CaseDetail } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { Link } from '../router.tsx';
import type { SessionCredentials } from '../session/Signalling.ts';
import { useThreadsClient } from './hooks.ts';
import type { ThreadsSelf } from './state.ts';
import { ThreadsPanel } from './ThreadsPanel.tsx';

/** The panel on its own connection, outside any live session (a party between sessions). */
export function StandaloneThreads({ credentials, self }: { credentials: SessionCredentials; self: ThreadsSelf }) {
  const client = useThreadsClient(credentials, self);
  if (!client) return <Loading label="Opening your messages…" />;
  return <ThreadsPanel client={client} className="threads-page" />;
}

type LoadState = { kind: 'loading' } | { kind: 'ready'; detail: CaseDetail } | { kind: 'signed-out' } | { kind: 'not-found' } | { kind: 'error'; message: string };

/** `/cases/:caseId/messages`: the mediator's threads of one case, full page. */
export function MediatorMessagesScreen({ caseId }: { caseId: string }) {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    api.getCase(caseId, ctrl.signal).then(
      (detail) => setState({ kind: 'ready', detail }),
      (error: unknown) => {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
        else if (error instanceof ApiError && (error.status === 404 || error.code === 'not_found')) setState({ kind: 'not-found' });
        else setState({ kind: 'error', message: messageOf(error) });
      },
    );
    return () => ctrl.abort();
  }, [caseId, attempt]);

  const detail = state.kind === 'ready' ? state.detail : null;
  useDocumentTitle(detail ? `Messages · ${detail.title}` : 'Messages');
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;

  if (state.kind === 'loading') {
    return (
      <Shell>
        <Loading label="Loading the case…" />
      </Shell>
    );
  }
  if (state.kind !== 'ready') {
    const text =
      state.kind === 'signed-out'
        ? { heading: 'You are signed out', body: 'Sign in with the one-time link printed when the platform started, then open this case again.' }
        : state.kind === 'not-found'
          ? { heading: 'Case not found', body: 'This case does not exist or belongs to someone else.' }
          : { heading: 'We could not load this case', body: state.message };
    return (
      <Shell narrow>
        <PageHeading>{text.heading}</PageHeading>
        <Notice tone={state.kind === 'error' ? 'error' : 'info'}>
          <p>{text.body}</p>
        </Notice>
        <div className="button-row">
          {state.kind === 'error' ? (
            <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          ) : null}
          <Link to="/">Back to your cases</Link>
        </div>
      </Shell>
    );
  }

  const c = state.detail;
  const me = c.participants.find((p) => p.role === 'mediator');
  return (
    <Shell>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <Link to={caseHref}>{c.title}</Link>{' '}
        <span aria-hidden="true">›</span> <span aria-current="page">Messages</span>
      </nav>
      <PageHeading>Messages · {c.title}</PageHeading>
      <p className="muted">
        Write to everyone on the case, to one caucus, or privately to one person, also between sessions. Each thread says who
        can read it.
      </p>
      {me ? (
        <StandaloneThreads credentials={{ kind: 'mediator', caseId: c.id }} self={{ id: me.id, role: 'mediator' }} />
      ) : (
        <Notice tone="error">
          <p>This case has no mediator, so its messages cannot be opened.</p>
        </Notice>
      )}
    </Shell>
  );
}
