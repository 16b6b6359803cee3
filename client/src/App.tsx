import { useRef } from 'react';
import type { CaseDetail } from '@parley/shared';
import { api } from './api.ts';
import { PageHeading, Shell, useDocumentTitle } from './components/Page.tsx';
import { LoadStatus, useLoad } from './components/useLoad.tsx';
import { Link, route, useLocation } from './router.tsx';
import { lazyScreen } from './components/lazyScreen.tsx';
import { JoinScreen } from './screens/JoinScreen.tsx';
import { SessionFlow } from './screens/LazySessionFlow.tsx';
import { MediatorMessagesScreen } from './threads/lazy.tsx';

// The invitee's page is in the main bundle; every other page loads its code when first opened.
const { Screen: MediatorHome } = lazyScreen(async () => (await import('./screens/MediatorHome.tsx')).MediatorHome);
const { Screen: SignInScreen } = lazyScreen(async () => (await import('./screens/SignInScreen.tsx')).SignInScreen, { narrow: true });
const { Screen: CaseScreen } = lazyScreen(async () => (await import('./screens/CaseScreen.tsx')).CaseScreen);
const { Screen: DraftScreen } = lazyScreen(async () => (await import('./screens/DraftScreen.tsx')).DraftScreen);
const { Screen: RecordScreen } = lazyScreen(async () => (await import('./record/RecordScreen.tsx')).RecordScreen);
const { Screen: VerifyScreen } = lazyScreen(async () => (await import('./signoff/VerifyScreen.tsx')).VerifyScreen);
const { Screen: TemplatesScreen } = lazyScreen(async () => (await import('./screens/templates/TemplatesScreen.tsx')).TemplatesScreen);
const { Screen: TemplateEditor } = lazyScreen(async () => (await import('./screens/templates/TemplateEditor.tsx')).TemplateEditor);
const { Screen: UnsubscribeScreen } = lazyScreen(async () => (await import('./mail/UnsubscribeScreen.tsx')).UnsubscribeScreen, { narrow: true });
const { Screen: AccountScreen } = lazyScreen(async () => (await import('./screens/accounts/AccountScreen.tsx')).AccountScreen);
const { Screen: MediatorsScreen } = lazyScreen(async () => (await import('./screens/accounts/MediatorsScreen.tsx')).MediatorsScreen);
const { Screen: WelcomeScreen } = lazyScreen(async () => (await import('./screens/accounts/WelcomeScreen.tsx')).WelcomeScreen, { narrow: true });
const { Screen: AssessScreen } = lazyScreen(async () => (await import('./assessment/AssessScreen.tsx')).AssessScreen);

const routes = {
  home: route('/'),
  signin: route('/signin'),
  join: route('/join'),
  /** The assessor's scorecard outside the session (their invitation token, as on /join). */
  assess: route('/assess'),
  verify: route('/verify'),
  /** The link at the foot of every mail (its token in the fragment). */
  unsubscribe: route('/unsubscribe'),
  case: route('/cases/:caseId'),
  session: route('/cases/:caseId/session'),
  draft: route('/cases/:caseId/draft'),
  messages: route('/cases/:caseId/messages'),
  record: route('/cases/:caseId/record'),
  /** The mediator's protocol agreement templates. */
  templates: route('/templates'),
  template: route('/templates/:templateId'),
  /** The mediator's profile; the administrator's accounts page; an invitation to mediate (`#token=`). */
  account: route('/account'),
  mediators: route('/mediators'),
  welcome: route('/welcome'),
};

export function App() {
  const { path } = useLocation();

  if (routes.home.match(path)) return <MediatorHome />;
  if (routes.signin.match(path)) return <SignInScreen />;
  if (routes.join.match(path)) return <JoinScreen />;
  if (routes.assess.match(path)) return <AssessScreen />;
  if (routes.verify.match(path)) return <VerifyScreen />;
  if (routes.unsubscribe.match(path)) return <UnsubscribeScreen />;
  if (routes.templates.match(path)) return <TemplatesScreen />;
  if (routes.account.match(path)) return <AccountScreen />;
  if (routes.mediators.match(path)) return <MediatorsScreen />;
  if (routes.welcome.match(path)) return <WelcomeScreen />;
  const template = routes.template.match(path);
  if (template?.templateId) return <TemplateEditor key={template.templateId} templateId={template.templateId} />;
  const session = routes.session.match(path);
  if (session?.caseId) return <MediatorSession key={session.caseId} caseId={session.caseId} />;
  const messages = routes.messages.match(path);
  if (messages?.caseId) return <MediatorMessagesScreen key={messages.caseId} caseId={messages.caseId} />;
  const record = routes.record.match(path);
  if (record?.caseId) return <RecordScreen key={record.caseId} caseId={record.caseId} />;
  const draft = routes.draft.match(path);
  if (draft?.caseId) return <DraftScreen key={draft.caseId} caseId={draft.caseId} />;
  const c = routes.case.match(path);
  if (c?.caseId) return <CaseScreen key={c.caseId} caseId={c.caseId} />;
  return <NotFound />;
}

/**
 * The case is loaded first: only its mediator gets to the camera check. Anyone else (a party who
 * opened this address, a mediator on someone else's case) reads why, and no camera is turned on.
 */
function MediatorSession({ caseId }: { caseId: string }) {
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;
  const { state, reload } = useLoad<CaseDetail>((signal) => api.getCase(caseId, signal), { key: caseId });
  // Checked once: a later refetch (the tab shown again) must not unmount a session in progress;
  // the server still refuses the session to anyone who is not, or no longer, this case's mediator.
  const admitted = useRef<string | null>(null);
  if (state.kind === 'ready') admitted.current = state.data.title;
  if (admitted.current === null && state.kind !== 'ready') return <LoadStatus state={state} what="this case" onRetry={() => void reload()} />;
  return (
    <SessionFlow
      credentials={{ kind: 'mediator', caseId }}
      caseTitle={admitted.current ?? undefined}
      backTo={{ href: caseHref, label: 'Back to the case' }}
      intro={
        <p className="muted">
          <Link to={caseHref}>Back to the case</Link>
        </p>
      }
    />
  );
}

function NotFound() {
  useDocumentTitle('Page not found');
  return (
    <Shell narrow>
      <PageHeading>Page not found</PageHeading>
      <p>
        There is nothing at this address. If you were invited to a mediation, open the personal link you received
        again, exactly as it was sent to you.
      </p>
    </Shell>
  );
}
