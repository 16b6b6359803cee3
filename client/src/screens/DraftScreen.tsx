import type { CaseDetail } from '@parley/shared';
import { api } from '../api.ts';
import { PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { LoadStatus, useLoad } from '../components/useLoad.tsx';
import { DraftEditor } from '../draft/LazyDraftEditor.tsx';
import { Link } from '../router.tsx';
import { SignoffSection } from '../signoff/SignoffSection.tsx';

/** `/cases/:caseId/draft`: the mediator's full-page agreement draft, and their private notes below it. */
export function DraftScreen({ caseId }: { caseId: string }) {
  const { state, reload } = useLoad<CaseDetail>((signal) => api.getCase(caseId, signal), { key: caseId });
  useDocumentTitle(state.kind === 'ready' ? `Agreement draft · ${state.data.title}` : 'Agreement draft');
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;
  if (state.kind !== 'ready') return <LoadStatus state={state} what="the draft" onRetry={() => void reload()} />;
  const detail = state.data;
  const me = detail.participants.find((p) => p.id === detail.you);
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
