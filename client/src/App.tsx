import { PageHeading, Shell, useDocumentTitle } from './components/Page.tsx';
import { Link, route, useLocation } from './router.tsx';
import { CaseScreen } from './screens/CaseScreen.tsx';
import { DraftScreen } from './screens/DraftScreen.tsx';
import { JoinScreen } from './screens/JoinScreen.tsx';
import { MediatorHome } from './screens/MediatorHome.tsx';
import { SessionFlow } from './screens/LazySessionFlow.tsx';
import { SignInScreen } from './screens/SignInScreen.tsx';
import { RecordScreen } from './record/RecordScreen.tsx';
import { VerifyScreen } from './signoff/VerifyScreen.tsx';
import { AssessScreen } from './assessment/AssessScreen.tsx';
import { MediatorMessagesScreen } from './threads/lazy.tsx';

const routes = {
  home: route('/'),
  signin: route('/signin'),
  join: route('/join'),
  /** The assessor's scorecard outside the session (their invitation token, as on /join). */
  assess: route('/assess'),
  verify: route('/verify'),
  case: route('/cases/:caseId'),
  session: route('/cases/:caseId/session'),
  draft: route('/cases/:caseId/draft'),
  messages: route('/cases/:caseId/messages'),
  record: route('/cases/:caseId/record'),
};

export function App() {
  const { path } = useLocation();

  if (routes.home.match(path)) return <MediatorHome />;
  if (routes.signin.match(path)) return <SignInScreen />;
  if (routes.join.match(path)) return <JoinScreen />;
  if (routes.assess.match(path)) return <AssessScreen />;
  if (routes.verify.match(path)) return <VerifyScreen />;
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

function MediatorSession({ caseId }: { caseId: string }) {
  const caseHref = `/cases/${encodeURIComponent(caseId)}`;
  return (
    <SessionFlow
      credentials={{ kind: 'mediator', caseId }}
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
