import { useState } from 'react';
import type { CaseLifecycle, InvitationView } from '@parley/shared';
import { Notice, PageHeading, Shell } from '../components/Page.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { StandaloneThreads } from '../threads/lazy.tsx';
import { PartyAgreementEntry } from '../signoff/PartyAgreementEntry.tsx';
import { ReviewAgreement } from '../signoff/ReviewAgreement.tsx';
import { YourMediator } from './YourMediator.tsx';
import { YourData } from './YourData.tsx';
import './lifecycle.css';

export const CONCLUDED_READ_ONLY = 'This mediation has concluded: the messages can be read, not written.';

/** How the case ended, in one sentence for the people in it. */
export function outcomeSentence(l: CaseLifecycle): string {
  const when = l.concludedAt ? ` on ${formatDate(l.concludedAt)}` : '';
  return l.outcome === 'agreement' ? `It concluded with a signed agreement${when}.` : `It concluded without an agreement${when}.`;
}

/** The mediator's own words on how the case ended, quoted. */
export function MediatorWords({ text, by }: { text: string; by: string }) {
  return (
    <figure className="mediator-words">
      <blockquote>
        <p>{text}</p>
      </blockquote>
      <figcaption>{by}</figcaption>
    </figure>
  );
}

/**
 * What a party, advisor or assessor finds behind their link once the mediator concluded the case
 * [issue 15]: how it ended and the mediator's words, and, until their access ends, the signed
 * agreement and their messages to read. Nothing can be written or joined any more (the server
 * refuses it; this page does not offer it).
 */
export function ConcludedCase({ invitation, token }: { invitation: InvitationView; token: string }) {
  const [view, setView] = useState<'home' | 'messages' | 'agreement'>('home');
  const l = invitation.lifecycle;
  const me = invitation.participant;
  const back = (
    <p>
      <button type="button" className="button button-secondary" onClick={() => setView('home')}>
        Back
      </button>
    </p>
  );

  if (view === 'messages') {
    return (
      <Shell>
        <PageHeading>Messages · {invitation.caseTitle}</PageHeading>
        {back}
        <StandaloneThreads credentials={{ kind: 'invitee', token }} self={{ id: me.id, role: me.role, readOnly: CONCLUDED_READ_ONLY }} />
      </Shell>
    );
  }
  if (view === 'agreement') {
    return (
      <Shell narrow>
        <ReviewAgreement token={token} self={{ id: me.id, role: me.role }} caseTitle={invitation.caseTitle} onBack={() => setView('home')} />
      </Shell>
    );
  }
  return (
    <Shell narrow>
      <PageHeading>This mediation has concluded</PageHeading>
      <p className="lead">
        <strong>{invitation.caseTitle}</strong>. {outcomeSentence(l)}
      </p>
      {l.reason ? <MediatorWords text={l.reason} by={`${invitation.invitedBy}, your mediator`} /> : null}
      <Notice tone="info" title="What you can still do here">
        <p>
          You can read {l.outcome === 'agreement' ? 'the signed agreement and ' : ''}your messages until{' '}
          {l.partyAccessUntil ? <strong>{formatDateTime(l.partyAccessUntil)}</strong> : 'the mediator closes the case'}. After that this link
          no longer opens them: download what you want to keep before then, or ask your mediator for a copy.
        </p>
      </Notice>
      <p className="threads-entry">
        <button type="button" className="button button-secondary" onClick={() => setView('messages')}>
          Read your messages
        </button>
      </p>
      {l.outcome === 'agreement' ? <PartyAgreementEntry token={token} self={{ id: me.id, role: me.role }} onOpen={() => setView('agreement')} /> : null}
      <YourData token={token} />
      <YourMediator mediator={invitation.mediator} coMediators={invitation.coMediators} />
    </Shell>
  );
}
