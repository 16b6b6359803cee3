import { type CaseDetail } from '@parley/shared';
import { api } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { LoadStatus, useLoad } from '../components/useLoad.tsx';
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

/** `/cases/:caseId/messages`: the mediator's threads of one case, full page. */
export function MediatorMessagesScreen({ caseId }: { caseId: string }) {
  const { state, reload } = useLoad<CaseDetail>((signal) => api.getCase(caseId, signal), { key: caseId });
  useDocumentTitle(state.kind === 'ready' ? `Messages · ${state.data.title}` : 'Messages');
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;
  if (state.kind !== 'ready') return <LoadStatus state={state} what="this case" onRetry={() => void reload()} />;

  const c = state.data;
  const me = c.participants.find((p) => p.id === c.you);
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
        <StandaloneThreads
          credentials={{ kind: 'mediator', caseId: c.id }}
          self={{ id: me.id, role: 'mediator', ...(c.lifecycle.state === 'open' ? {} : { readOnly: `This case is ${c.lifecycle.state}: its messages can be read, not written.` }) }}
        />
      ) : (
        <Notice tone="error">
          <p>This case has no mediator, so its messages cannot be opened.</p>
        </Notice>
      )}
    </Shell>
  );
}
