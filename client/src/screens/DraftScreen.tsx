import { useEffect, useState } from 'react';
import type { CaseDetail } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { DraftEditor } from '../draft/LazyDraftEditor.tsx';
import { Link } from '../router.tsx';
import { SignoffSection } from '../signoff/SignoffSection.tsx';

type State = { kind: 'loading' } | { kind: 'ready'; detail: CaseDetail } | { kind: 'error'; message: string; signedOut: boolean };

/** `/cases/:caseId/draft`: the mediator's full-page agreement draft, and their private notes below it. */
export function DraftScreen({ caseId }: { caseId: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    const ctrl = new AbortController();
    api.getCase(caseId, ctrl.signal).then(
      (detail) => setState({ kind: 'ready', detail }),
      (error) => {
        if (isAbort(error)) return;
        setState({ kind: 'error', message: messageOf(error), signedOut: error instanceof ApiError && error.status === 401 });
      },
    );
    return () => ctrl.abort();
  }, [caseId]);
  useDocumentTitle(state.kind === 'ready' ? `Agreement draft · ${state.detail.title}` : 'Agreement draft');

  const caseHref = `/cases/${encodeURIComponent(caseId)}`;
  if (state.kind === 'loading') {
    return (
      <Shell>
        <Loading label="Loading the case…" />
      </Shell>
    );
  }
  if (state.kind === 'error') {
    return (
      <Shell narrow>
        <PageHeading>We could not open the draft</PageHeading>
        <Notice tone="error">
          <p>{state.signedOut ? 'You are signed out. Sign in with the one-time link printed when the platform started.' : state.message}</p>
        </Notice>
        <Link to={caseHref}>Back to the case</Link>
      </Shell>
    );
  }
  const { detail } = state;
  const me = detail.participants.find((p) => p.role === 'mediator');
  const self = { participantId: me?.id ?? 'mediator', name: me?.displayName ?? 'Mediator', role: 'mediator' as const };
  return (
    <Shell>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Your cases</Link> <span aria-hidden="true">›</span> <Link to={caseHref}>{detail.title}</Link>{' '}
        <span aria-hidden="true">›</span> <span aria-current="page">Agreement draft</span>
      </nav>
      <PageHeading>Agreement draft</PageHeading>
      <p className="muted">
        Everyone on the case who has consented can edit this text with you, in a session or between sessions. Changes are
        saved on the server as they are typed, sealed with the case key.
      </p>
      <DraftEditor caseId={caseId} kind="agreement" self={self} access="edit" label="Agreement draft" />
      <SignoffSection caseId={caseId} />
      <DraftEditor
        caseId={caseId}
        kind="notes"
        self={self}
        access="edit"
        label="My private notes"
        heading="My private notes"
        description="Only you can open these notes. Parties, advisors and assessors never see them."
      />
    </Shell>
  );
}
