import { useEffect, useMemo, useState } from 'react';
import type { InvitationView } from '@parley/shared';
import { api, isAbort, messageOf } from '../api.ts';
import { Loading, Notice, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { hashParam, Link, useLocation } from '../router.tsx';
import { readInvitationToken, storeInvitationToken } from '../invitationToken.ts';
import { ScorecardPanel } from './ScorecardPanel.tsx';

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; invitation: InvitationView };

/**
 * `/assess`: the assessor's scorecard outside the live session, to review, finish, share and
 * export it afterwards. Same personal link as the session: the token comes from `#t=` (a new tab)
 * or from this tab's storage (opened from the join page).
 */
export function AssessScreen() {
  const { hash } = useLocation();
  const token = useMemo(() => {
    const fromHash = hashParam(hash, 't');
    if (fromHash) storeInvitationToken(fromHash);
    return fromHash ?? readInvitationToken();
  }, [hash]);
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    if (!token) return;
    const ctrl = new AbortController();
    api.invitation(token, ctrl.signal).then(
      (invitation) => setState({ kind: 'ready', invitation }),
      (e: unknown) => {
        if (!isAbort(e)) setState({ kind: 'error', message: messageOf(e) });
      },
    );
    return () => ctrl.abort();
  }, [token]);

  useDocumentTitle(state.kind === 'ready' ? `Assessment · ${state.invitation.caseTitle}` : 'Assessment');

  if (!token) {
    return (
      <Shell narrow>
        <PageHeading>Assessment</PageHeading>
        <Notice tone="info" title="Open your personal link">
          <p>Open the invitation link the mediator sent you; your scorecard is reached from there.</p>
        </Notice>
      </Shell>
    );
  }
  if (state.kind === 'loading') {
    return (
      <Shell narrow>
        <Loading label="Opening your scorecard…" />
      </Shell>
    );
  }
  if (state.kind === 'error') {
    return (
      <Shell narrow>
        <PageHeading>We could not open your scorecard</PageHeading>
        <Notice tone="error">
          <p>{state.message}</p>
        </Notice>
      </Shell>
    );
  }
  const { invitation } = state;
  const back = (
    <p>
      <Link to="/join">Back to joining the session</Link>
    </p>
  );
  if (invitation.participant.role !== 'assessor') {
    return (
      <Shell narrow>
        <PageHeading>Assessment</PageHeading>
        <p>Only the case’s assessor has a scorecard.</p>
        {back}
      </Shell>
    );
  }
  if (!invitation.consent) {
    return (
      <Shell narrow>
        <PageHeading>Assessment · {invitation.caseTitle}</PageHeading>
        <Notice tone="info" title="Agree to the protocol agreement first">
          <p>Your scorecard opens once you have read and agreed to the protocol agreement of this mediation.</p>
        </Notice>
        {back}
      </Shell>
    );
  }
  return (
    <Shell>
      <PageHeading>Assessment · {invitation.caseTitle}</PageHeading>
      <p className="muted">You are not in the live session here: nobody can see you. Everything is saved as you go.</p>
      {back}
      <ScorecardPanel token={token} variant="page" />
    </Shell>
  );
}
