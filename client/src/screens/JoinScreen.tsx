import { useCallback, useEffect, useMemo, useState } from 'react';
import { canPostInThread, canPublish, CloseCode, draftAccess, roleLabel, type InvitationView } from '@parley/shared';
import { ApiError, api, isAbort, messageOf } from '../api.ts';
import { Loading, Notice, OUTSIDE_SESSION_NOTE, PageHeading, Shell, useDocumentTitle } from '../components/Page.tsx';
import { formatDateTime } from '../format.ts';
import { hashParam, Link, useLocation } from '../router.tsx';
import type { ClosedReason } from '../session/store.ts';
import { ConsentGate } from './ConsentGate.tsx';
import { YourMediator } from './YourMediator.tsx';
import { WithdrawConsent } from './ConsentAnswers.tsx';
import { DraftEditor } from '../draft/LazyDraftEditor.tsx';
import { preloadSession, SessionFlow } from './LazySessionFlow.tsx';
import { StandaloneThreads } from '../threads/lazy.tsx';
import { readInvitationToken as readStoredToken, storeInvitationToken as storeToken } from '../invitationToken.ts';
import { PartyAgreementEntry } from '../signoff/PartyAgreementEntry.tsx';
import { ReviewAgreement } from '../signoff/ReviewAgreement.tsx';
import { YourSchedule } from '../schedule/YourSchedule.tsx';
import { YourMail } from '../mail/YourMail.tsx';
import { ConcludedCase } from './ConcludedCase.tsx';
import { YourData } from './YourData.tsx';

type LinkProblem = 'link_revoked' | 'link_expired' | 'link_invalid' | 'case_closed';

const WITHDRAWN_NOTICE = 'You withdrew your consent, so you are not in the session. The mediator has been told. To take part again, read the agreement and agree.';

type State =
  | { kind: 'loading' }
  | { kind: 'link-problem'; problem: LinkProblem }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; invitation: InvitationView; stage: 'gate' | 'session'; notice: string | null };

function linkProblemOf(code: string | number | null): LinkProblem | null {
  if (code === 'link_revoked' || code === CloseCode.Revoked) return 'link_revoked';
  if (code === 'link_expired' || code === CloseCode.Expired) return 'link_expired';
  if (code === 'link_invalid' || code === 'unauthorised' || code === CloseCode.Unauthorised) return 'link_invalid';
  if (code === 'case_closed' || code === CloseCode.CaseClosed) return 'case_closed';
  return null;
}

/**
 * `/join#t=TOKEN`: the invitee's whole journey on one address. Welcome and protocol agreement,
 * then camera check and the session. The token also goes to sessionStorage so a reload (or a
 * phone that drops the fragment) still works in this tab.
 */
export function JoinScreen() {
  const { hash } = useLocation();
  const token = useMemo(() => {
    const fromHash = hashParam(hash, 't');
    if (fromHash) {
      storeToken(fromHash);
      return fromHash;
    }
    return readStoredToken();
  }, [hash]);

  const [state, setState] = useState<State>(token ? { kind: 'loading' } : { kind: 'link-problem', problem: 'link_invalid' });
  const [loadKey, setLoadKey] = useState(0);
  // Threads between sessions: read and write without joining the live session [2.10].
  const [showMessages, setShowMessages] = useState(false);
  // The agreement draft, also between sessions (IMI 3.8.1), without joining the live session.
  const [showDraft, setShowDraft] = useState(false);
  // Review and sign the frozen agreement (IMI 3.8.1, 3.8.2), also without joining the session.
  const [showSignoff, setShowSignoff] = useState(false);

  useEffect(() => {
    if (!token) {
      setState({ kind: 'link-problem', problem: 'link_invalid' });
      return;
    }
    const ctrl = new AbortController();
    (async () => {
      try {
        const invitation = await api.invitation(token, ctrl.signal);
        setState((prev) => ({
          kind: 'ready',
          invitation,
          // Already consented to the current agreement: straight to the camera check.
          stage: invitation.consent?.current ? 'session' : 'gate',
          notice: prev.kind === 'ready' ? prev.notice : null,
        }));
      } catch (error) {
        if (isAbort(error)) return;
        const problem = error instanceof ApiError ? linkProblemOf(error.code) : null;
        if (problem) {
          if (readStoredToken() === token) storeToken(null);
          setState({ kind: 'link-problem', problem });
        } else setState({ kind: 'error', message: messageOf(error) });
      }
    })();
    return () => ctrl.abort();
  }, [token, loadKey]);

  const reload = useCallback(() => setLoadKey((k) => k + 1), []);

  // Fetch the session code at once, beside the invitation: most people with a link have agreed
  // already and go straight to the camera check, which is in that code; the others read the
  // agreement meanwhile. One round trip less before the Join button on a slow phone network.
  useEffect(() => {
    if (token) preloadSession();
  }, [token]);

  const onSessionRefused = useCallback(
    (reason: ClosedReason): boolean => {
      const problem = linkProblemOf(reason.code);
      if (problem) {
        setState({ kind: 'link-problem', problem });
        return true;
      }
      // They withdrew their consent (here, in another tab or on another device): back to the agreement.
      if (reason.code === CloseCode.ConsentWithdrawn) {
        setState((prev) => (prev.kind === 'ready' ? { ...prev, stage: 'gate', notice: WITHDRAWN_NOTICE } : prev));
        reload();
        return true;
      }
      // The mediator concluded the case meanwhile: the page shows what is left to read.
      if (reason.code === CloseCode.CaseConcluded || reason.code === 'case_concluded') {
        // Out of the session at once (it would report the close again on every render), then read anew.
        setState({ kind: 'loading' });
        reload();
        return true;
      }
      if (reason.code === 'consent_required') {
        setState((prev) =>
          prev.kind === 'ready'
            ? { ...prev, stage: 'gate', notice: 'The protocol agreement changed. Please read it again and agree before joining.' }
            : prev,
        );
        reload();
        return true;
      }
      return false;
    },
    [reload],
  );

  const title =
    state.kind === 'ready' ? state.invitation.caseTitle : state.kind === 'link-problem' ? 'Invitation link' : 'Your invitation';
  useDocumentTitle(title);

  if (state.kind === 'loading') {
    return (
      <Shell narrow>
        <Loading label="Opening your invitation…" />
      </Shell>
    );
  }
  if (state.kind === 'link-problem') return <LinkProblemPage problem={state.problem} />;
  if (state.kind === 'error') {
    return (
      <Shell narrow>
        <PageHeading>We could not open your invitation</PageHeading>
        <Notice tone="error">
          <p>{state.message}</p>
        </Notice>
        <button type="button" className="button button-primary" onClick={reload}>
          Try again
        </button>
      </Shell>
    );
  }

  const { invitation, stage, notice } = state;
  if (invitation.lifecycle.state !== 'open' && token) return <ConcludedCase invitation={invitation} token={token} />;
  const draftAllowed = draftAccess(invitation.participant.role, 'agreement');
  const canWriteMessages = canPostInThread(invitation.participant.role, true);
  if (stage === 'session' && token && showDraft && draftAllowed !== 'none') {
    return (
      <Shell>
        <PageHeading>Agreement draft · {invitation.caseTitle}</PageHeading>
        <p className="muted">{OUTSIDE_SESSION_NOTE} Changes are saved as you type.</p>
        <p>
          <button type="button" className="button button-secondary" onClick={() => setShowDraft(false)}>
            Back to joining the session
          </button>
        </p>
        <DraftEditor
          caseId={invitation.caseId}
          kind="agreement"
          token={token}
          self={{ participantId: invitation.participant.id, name: invitation.participant.displayName, role: invitation.participant.role }}
          access={draftAllowed}
          label="Agreement draft"
        />
      </Shell>
    );
  }
  if (stage === 'session' && token && showSignoff) {
    return (
      <Shell narrow>
        <ReviewAgreement
          token={token}
          self={{ id: invitation.participant.id, role: invitation.participant.role }}
          caseTitle={invitation.caseTitle}
          onBack={() => setShowSignoff(false)}
        />
      </Shell>
    );
  }
  if (stage === 'session' && token && showMessages) {
    return (
      <Shell>
        <PageHeading>Messages · {invitation.caseTitle}</PageHeading>
        <p className="muted">{OUTSIDE_SESSION_NOTE}</p>
        <p>
          <button type="button" className="button button-secondary" onClick={() => setShowMessages(false)}>
            Back to joining the session
          </button>
        </p>
        <StandaloneThreads credentials={{ kind: 'invitee', token }} self={{ id: invitation.participant.id, role: invitation.participant.role }} />
      </Shell>
    );
  }
  if (stage === 'session' && token) {
    return (
      <SessionFlow
        credentials={{ kind: 'invitee', token }}
        caseTitle={invitation.caseTitle}
        observer={!canPublish(invitation.participant.role, 'mic')}
        intro={
          <>
            {invitation.participant.role === 'assessor' ? (
              <p className="assess-entry">
                <Link to="/assess" className="button button-secondary">
                  Open your scorecard
                </Link>{' '}
                <span className="muted">Review, finish, share or export your assessment, also after the session.</span>
              </p>
            ) : null}
            <YourSchedule token={token} />
            <YourMail token={token} />
            <p className="muted">
              {invitation.caseTitle} · You are joining as {invitation.participant.displayName}: {roleLabel[invitation.participant.role]}
              {invitation.participant.side ? `, side ${invitation.participant.side}` : ''}
            </p>
            <p className="threads-entry">
              <button type="button" className="button button-secondary" onClick={() => setShowMessages(true)}>
                Open messages
              </button>{' '}
              <span className="muted">
                {canWriteMessages
                  ? 'Read and write to the mediator and the others without joining the session.'
                  : 'Read the messages shared with you, without joining the session.'}
              </span>
            </p>
            {draftAllowed !== 'none' ? (
              <p className="draft-entry">
                <button type="button" className="button button-secondary" onClick={() => setShowDraft(true)}>
                  Open the agreement draft
                </button>{' '}
                <span className="muted">
                  {draftAllowed === 'edit' ? 'Work on the agreement text with the others, in or between sessions.' : 'Read the agreement text as the others write it.'}
                </span>
              </p>
            ) : null}
            <PartyAgreementEntry
              token={token}
              self={{ id: invitation.participant.id, role: invitation.participant.role }}
              onOpen={() => setShowSignoff(true)}
            />
            <YourData token={token} />
            <details className="consent-entry">
              <summary>Your consent to the protocol agreement</summary>
              <WithdrawConsent token={token} onWithdrawn={(next) => setState({ kind: 'ready', invitation: next, stage: 'gate', notice: WITHDRAWN_NOTICE })} />
            </details>
          </>
        }
        onRefused={onSessionRefused}
      />
    );
  }

  const me = invitation.participant;
  return (
    <Shell narrow>
      <PageHeading>Welcome, {me.displayName}</PageHeading>
      <p className="lead">
        {invitation.invitedBy} invited you to an online mediation: <strong>{invitation.caseTitle}</strong>.
      </p>
      <dl className="facts facts-wide">
        <div>
          <dt>You take part as</dt>
          <dd>
            {roleLabel[me.role]}
            {me.side ? `, side ${me.side}` : ''}
          </dd>
        </div>
        <div>
          <dt>Invited by</dt>
          <dd>{invitation.invitedBy}</dd>
        </div>
        <div>
          <dt>Your link works until</dt>
          <dd>{formatDateTime(invitation.expiresAt)}</dd>
        </div>
      </dl>
      <YourMediator mediator={invitation.mediator} coMediators={invitation.coMediators} />
      {token ? <YourSchedule token={token} /> : null}
      {token ? <YourMail token={token} /> : null}
      {invitation.others.length > 0 ? (
        <>
          <h2 className="h3">Also on this case</h2>
          <ul className="people-inline">
            {invitation.others.map((o, i) => (
              <li key={`${o.displayName}-${i}`}>
                {o.displayName} <span className="muted">· {roleLabel[o.role]}{o.side ? `, side ${o.side}` : ''}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <ol className="steps steps-compact" aria-label="What happens next">
        <li>Read and agree to the protocol agreement below.</li>
        <li>Check your camera and microphone.</li>
        <li>Join the session.</li>
      </ol>
      {notice ? (
        <Notice tone="warning">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <ConsentGate
        key={invitation.clauseSetHash}
        token={token ?? ''}
        invitation={invitation}
        onConsented={(next) => setState({ kind: 'ready', invitation: next, stage: 'session', notice: null })}
        onAgreementChanged={reload}
        onAnswered={(next) => setState((prev) => (prev.kind === 'ready' ? { ...prev, invitation: next, notice: null } : prev))}
      />
    </Shell>
  );
}

function LinkProblemPage({ problem }: { problem: LinkProblem }) {
  const text: Record<LinkProblem, { heading: string; body: string }> = {
    link_revoked: {
      heading: 'This link has been withdrawn',
      body: 'The mediator has withdrawn this invitation link, so it no longer opens the mediation.',
    },
    link_expired: {
      heading: 'This link has expired',
      body: 'Invitation links work for a limited time, and this one has run out.',
    },
    link_invalid: {
      heading: 'This link is not valid',
      body: 'The link may be incomplete or mistyped. If you copied it, check that you copied all of it.',
    },
    case_closed: {
      heading: 'This mediation has ended',
      body: 'The mediator concluded this mediation, and its documents can no longer be read here.',
    },
  };
  const { heading, body } = text[problem];
  return (
    <Shell narrow>
      <PageHeading>{heading}</PageHeading>
      <p className="lead">{body}</p>
      <Notice tone="info" title="What to do next">
        {problem === 'case_closed' ? (
          <p>If you need a copy of the agreement or of your messages, ask your mediator.</p>
        ) : (
          <p>Ask your mediator to send you a new link. When you receive it, open the new link on this device.</p>
        )}
      </Notice>
    </Shell>
  );
}
